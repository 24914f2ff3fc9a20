package io.lakeward.audit.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuditJson;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.store.AuditLogId;
import io.lakeward.audit.store.AuditStore;
import io.lakeward.audit.store.AuditStoreConfig;
import io.lakeward.common.id.TenantId;
import io.lakeward.keyvault.signing.AuditSigningKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poller against a hand-written event source that behaves like Keycloak's events API (newest
 * first, paged): every provider event lands once, across polls, equal timestamps, pages, a source
 * that fails and a restart with the persisted cursor.
 */
class IdentityEventPollerTest {
    private static final ObjectMapper MAPPER = AuditJson.newMapper();
    private static final TenantId ACME = TenantId.of("acme");

    /** Keycloak-like: newest first, {@code first}/{@code max} paging; can be made to fail. */
    private static final class FakeKeycloak implements IdentityEventSource {
        final List<ObjectNode> events = new ArrayList<>();
        boolean failing;

        void add(String id, long time, String type, String user) {
            ObjectNode event = MAPPER.createObjectNode().put("id", id).put("time", time).put("type", type).put("realmId", "acme")
                    .put("clientId", "lakeward-gateway").put("ipAddress", "192.0.2.7");
            if (!type.endsWith("_ERROR")) {
                event.put("userId", "uid-" + user);
            } else {
                event.put("error", "invalid_user_credentials");
            }
            event.putObject("details").put("username", user);
            events.add(event);
        }

        @Override
        public JsonNode page(String realm, List<String> types, String dateFrom, int first, int max) throws IOException {
            if (failing) {
                throw new IOException("connection refused");
            }
            ArrayNode page = MAPPER.createArrayNode();
            events.stream().sorted(Comparator.comparingLong((ObjectNode e) -> e.get("time").asLong()).reversed())
                    .skip(first).limit(max).forEach(page::add);
            return page;
        }
    }

    private static List<AuditEvent> identityEvents(AuditStore store) {
        List<AuditEvent> events = new ArrayList<>();
        store.read(AuditLogId.parse("acme"), 1, Long.MAX_VALUE, record -> {
            if (record.eventJsonText().contains("\"identity.")) {
                try {
                    events.add(MAPPER.readValue(record.eventJson(), AuditEvent.class));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        return events;
    }

    @Test
    void everyProviderEventLandsOnceAcrossPollsPagesFailuresAndRestarts(@TempDir Path directory) {
        FakeKeycloak keycloak = new FakeKeycloak();
        AuditSigningKey key = AuditSigningKey.generate();
        long t = 1_764_500_000_000L;
        keycloak.add("e1", t, "LOGIN_ERROR", "viewer");
        keycloak.add("e2", t, "LOGIN", "auditor");
        try (AuditStore store = AuditStore.open(AuditStoreConfig.defaults(directory.resolve("store")), key, Clock.systemUTC())) {
            IdentityEventPoller poller = new IdentityEventPoller(keycloak, () -> List.of(ACME), store, directory.resolve("cursors"), Clock.systemUTC());
            assertEquals(2, poller.pollOnce());
            assertEquals(0, poller.pollOnce(), "nothing new");
            // a third event at the same millisecond as the cursor, and 250 more: more than two pages
            keycloak.add("e3", t, "LOGOUT", "auditor");
            for (int i = 0; i < 250; i++) {
                keycloak.add("n" + i, t + 1 + i, "LOGIN", "engineer");
            }
            keycloak.failing = true;
            assertEquals(0, poller.pollOnce(), "a failing source stores nothing and keeps the cursor");
            keycloak.failing = false;
            assertEquals(251, poller.pollOnce());
            List<AuditEvent> events = identityEvents(store);
            assertEquals(253, events.size());
            AuditEvent failed = events.stream().filter(event -> event.outcome() == Outcome.DENIED).findFirst().orElseThrow();
            assertEquals("identity.login", failed.action());
            assertEquals("viewer", failed.actor().name());
            assertEquals("192.0.2.7", failed.source().ip());
            assertEquals("invalid_user_credentials", failed.requestParameters().get("error"));
        }
        try (AuditStore store = AuditStore.open(AuditStoreConfig.defaults(directory.resolve("store")), key, Clock.systemUTC())) {
            keycloak.add("late", t + 10_000, "LOGIN", "admin");
            IdentityEventPoller restarted = new IdentityEventPoller(keycloak, () -> List.of(ACME), store, directory.resolve("cursors"), Clock.systemUTC());
            assertEquals(1, restarted.pollOnce(), "the persisted cursor: only the new event after a restart");
            // even without the cursor (lost), the derived event ids keep every event single
            IdentityEventPoller amnesiac = new IdentityEventPoller(keycloak, () -> List.of(ACME), store, directory.resolve("no-cursors"), Clock.systemUTC());
            assertEquals(0, amnesiac.pollOnce());
            assertEquals(254, identityEvents(store).size());
            assertTrue(identityEvents(store).stream().map(AuditEvent::eventId).distinct().count() == 254);
        }
    }
}

package io.lakeward.audit.identity;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakeward.audit.client.event.Actor;
import io.lakeward.audit.client.event.ActorType;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuditEventId;
import io.lakeward.audit.client.event.AuthenticationMethod;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.event.ResourceReference;
import io.lakeward.audit.client.event.Source;
import io.lakeward.audit.store.AuditStore;
import io.lakeward.audit.store.ChainHash;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the identity provider's own login events of every tenant realm into that tenant's audit
 * log (PCI DSS 10.2.1.4 and 10.2.1.5): successful and failed logins, logouts, token exchanges,
 * client logins and credential updates, with outcome, user, client and source address.
 *
 * <p>No event is lost or stored twice: each realm has a persisted cursor (the newest event time
 * taken and the ids at that time), advanced only after the events are durable in the store; the
 * audit event id is derived from the provider's event id, so a replay after a crash between the
 * append and the cursor write is deduplicated by the store.
 */
public final class IdentityEventPoller implements AutoCloseable {
    static final List<String> TYPES = List.of("LOGIN", "LOGIN_ERROR", "LOGOUT", "LOGOUT_ERROR", "CODE_TO_TOKEN", "CODE_TO_TOKEN_ERROR",
            "CLIENT_LOGIN", "CLIENT_LOGIN_ERROR", "REFRESH_TOKEN_ERROR", "UPDATE_CREDENTIAL", "UPDATE_CREDENTIAL_ERROR", "UPDATE_PASSWORD",
            "UPDATE_PASSWORD_ERROR");
    private static final Logger LOG = LoggerFactory.getLogger(IdentityEventPoller.class);
    private static final int PAGE = 100;
    private static final int MAX_PAGES = 50;

    private final IdentityEventSource source;
    private final Supplier<List<TenantId>> tenants;
    private final AuditStore store;
    private final Path cursors;
    private final Clock clock;
    private ScheduledExecutorService executor;

    public IdentityEventPoller(IdentityEventSource source, Supplier<List<TenantId>> tenants, AuditStore store, Path cursors, Clock clock) {
        this.source = source;
        this.tenants = tenants;
        this.store = store;
        this.cursors = cursors;
        this.clock = clock;
    }

    /** Polls every {@code interval} on a thread of its own. */
    public IdentityEventPoller start(Duration interval) {
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "identity-event-poller");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void pollQuietly() {
        try {
            pollOnce();
        } catch (RuntimeException e) {
            LOG.warn("reading the identity provider's events failed: {}; retrying at the next poll", e.toString());
        }
    }

    /** One pass over every tenant; returns how many new events were stored. */
    public synchronized int pollOnce() {
        int stored = 0;
        for (TenantId tenant : tenants.get()) {
            try {
                stored += poll(tenant);
            } catch (IOException e) {
                LOG.warn("the identity provider's events of {} could not be read: {}", tenant, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return stored;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("the identity provider's events of {} could not be stored: {}", tenant, e.toString());
            }
        }
        return stored;
    }

    private int poll(TenantId tenant) throws IOException, InterruptedException, java.util.concurrent.ExecutionException,
            java.util.concurrent.TimeoutException {
        Cursor cursor = Cursor.read(cursors.resolve(tenant.value() + ".cursor"));
        String dateFrom = cursor.time() == 0 ? null : LocalDate.ofInstant(Instant.ofEpochMilli(cursor.time()), ZoneOffset.UTC).toString();
        List<JsonNode> fresh = new ArrayList<>();
        for (int page = 0; page < MAX_PAGES; page++) {
            JsonNode events = source.page(tenant.value(), TYPES, dateFrom, page * PAGE, PAGE);
            boolean older = false;
            for (JsonNode event : events) {
                if (cursor.covers(event.path("time").asLong(), idOf(event))) {
                    older = true;
                } else {
                    fresh.add(event);
                }
            }
            if (events.size() < PAGE || older) {
                break;
            }
        }
        if (fresh.isEmpty()) {
            return 0;
        }
        fresh.sort(Comparator.comparingLong((JsonNode event) -> event.path("time").asLong()).thenComparing(IdentityEventPoller::idOf));
        List<AuditEvent> events = new ArrayList<>();
        for (JsonNode event : fresh) {
            events.add(toAuditEvent(tenant, event));
        }
        int stored = store.append(events).get(30, TimeUnit.SECONDS).stored();
        cursor.advance(fresh).write(cursors.resolve(tenant.value() + ".cursor"));
        return stored;
    }

    /** The audit event of one provider event. */
    static AuditEvent toAuditEvent(TenantId tenant, JsonNode event) {
        String type = event.path("type").asText();
        boolean error = type.endsWith("_ERROR");
        String base = error ? type.substring(0, type.length() - "_ERROR".length()) : type;
        String action = switch (base) {
            case "LOGIN" -> "identity.login";
            case "LOGOUT" -> "identity.logout";
            case "CODE_TO_TOKEN" -> "identity.code_to_token";
            case "CLIENT_LOGIN" -> "identity.login_client";
            case "REFRESH_TOKEN" -> "identity.token_refresh";
            case "UPDATE_CREDENTIAL", "UPDATE_PASSWORD" -> "credential.update";
            default -> "identity.event";
        };
        String userId = text(event, "userId");
        String username = text(event.path("details"), "username");
        String clientId = text(event, "clientId");
        Actor actor = !error && userId != null
                ? Actor.user(userId, username, AuthenticationMethod.IDENTITY_PROVIDER)
                : new Actor(ActorType.ANONYMOUS, userId, username, AuthenticationMethod.IDENTITY_PROVIDER);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("provider_event", type);
        if (clientId != null) {
            parameters.put("client_id", clientId);
        }
        String failure = text(event, "error");
        if (failure != null) {
            parameters.put("error", failure);
        }
        AuditEvent.Builder builder = AuditEvent.builder()
                .eventId(derivedId("event", tenant, event))
                .time(Instant.ofEpochMilli(event.path("time").asLong()))
                .tenant(tenant)
                .service(PlatformService.AUDIT)
                .action(action)
                .actor(actor)
                .source(source(text(event, "ipAddress")))
                .requestId(new RequestId(derivedId("request", tenant, event).value()))
                .requestParameters(parameters)
                .outcome(error ? (base.equals("LOGIN") || base.equals("CLIENT_LOGIN") ? Outcome.DENIED : Outcome.FAILURE) : Outcome.SUCCESS);
        if (username != null || userId != null) {
            builder.touched(ResourceReference.of("user", username != null ? username : userId));
        }
        if (clientId != null) {
            builder.touched(ResourceReference.of("client", clientId));
        }
        return builder.build();
    }

    private static Source source(String ip) {
        try {
            return Source.of(ip, null);
        } catch (IllegalArgumentException e) {
            return Source.of(null, null);
        }
    }

    /** A stable id for the provider's event: the same event always gets the same audit event id. */
    private static AuditEventId derivedId(String purpose, TenantId tenant, JsonNode event) {
        String digest = ChainHash.sha256(("lakeward-identity-" + purpose + "\n" + tenant.value() + "\n" + idOf(event))
                .getBytes(StandardCharsets.UTF_8));
        return AuditEventId.of(digest.substring(0, 32));
    }

    /** The provider's event id, or (for versions without one) a digest of what identifies the event. */
    static String idOf(JsonNode event) {
        String id = text(event, "id");
        if (id != null) {
            return id;
        }
        return ChainHash.sha256((event.path("time").asLong() + "|" + event.path("type").asText() + "|" + event.path("userId").asText()
                + "|" + event.path("sessionId").asText() + "|" + event.path("ipAddress").asText() + "|" + event.path("clientId").asText())
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The newest event time taken from a realm, and the ids taken at exactly that time. */
    record Cursor(long time, Set<String> idsAtTime) {
        boolean covers(long eventTime, String id) {
            return eventTime < time || eventTime == time && idsAtTime.contains(id);
        }

        Cursor advance(List<JsonNode> taken) {
            long newest = time;
            for (JsonNode event : taken) {
                newest = Math.max(newest, event.path("time").asLong());
            }
            Set<String> ids = new LinkedHashSet<>(newest == time ? idsAtTime : Set.of());
            for (JsonNode event : taken) {
                if (event.path("time").asLong() == newest) {
                    ids.add(idOf(event));
                }
            }
            return new Cursor(newest, ids);
        }

        static Cursor read(Path file) throws IOException {
            if (!Files.exists(file)) {
                return new Cursor(0, Set.of());
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return new Cursor(0, Set.of());
            }
            Set<String> ids = new LinkedHashSet<>();
            for (String id : lines.subList(1, lines.size())) {
                if (!id.isBlank()) {
                    ids.add(id.strip());
                }
            }
            return new Cursor(Long.parseLong(lines.get(0).strip()), ids);
        }

        /** Written to a temporary file, synced and renamed over the old one: a crash leaves one or the other. */
        void write(Path file) throws IOException {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            StringBuilder text = new StringBuilder().append(time).append('\n');
            idsAtTime.forEach(id -> text.append(id).append('\n'));
            try (var channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

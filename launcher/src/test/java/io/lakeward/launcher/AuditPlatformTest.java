package io.lakeward.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.audit.client.event.ActorType;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuditJson;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.store.AuditLogId;
import io.lakeward.common.id.TenantId;
import io.lakeward.gateway.GatewayRoute;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit service inside the whole platform, as {@code lakeward up} runs it, with real Keycloak:
 * every route of the gateway leaves an event with the required fields in the audit log (the
 * gateway's outbox ships it there); an auditor signed in through Keycloak's login form queries and
 * exports, the export verifies offline with {@code lakeward audit verify} and a tampered copy
 * does not; another tenant's auditor sees none of it; Keycloak's own login events arrive too.
 */
class AuditPlatformTest {
    private static final ObjectMapper MAPPER = AuditJson.newMapper();
    private static RunningPlatform platform;
    private static String acmeServiceToken;
    private static String acmeAuditorToken;
    private static String globexAuditorToken;
    private static Instant started;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.get();
        started = Instant.now().minusSeconds(5);
        acmeServiceToken = platform.serviceAccountToken("acme");
        acmeAuditorToken = KeycloakLogin.login(platform, "acme", "auditor", KeycloakLogin.password(platform, "acme", "auditor")).orElseThrow();
        globexAuditorToken = KeycloakLogin.login(platform, "globex", "auditor", KeycloakLogin.password(platform, "globex", "auditor")).orElseThrow();
    }

    private HttpResponse<byte[]> send(String tenant, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(platform.tenantUrl(tenant, path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return platform.https.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(HttpResponse<byte[]> response) throws Exception {
        return MAPPER.readTree(response.body());
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void everyRouteOfTheGatewayLeavesAnEventWithTheRequiredFieldsInTheAuditLog() throws Exception {
        List<GatewayRoute> routes = platform.platform.services().gatewayRoutes();
        assertTrue(routes.size() >= 6, "the route table: " + routes);
        for (GatewayRoute route : routes) {
            String path = route.path().replaceAll(":[a-z_]+", "0".repeat(32));
            String body = route.method().name().equals("POST") ? "{}" : null;
            for (String token : route.authenticated() ? List.of(acmeServiceToken, "") : List.of("")) {
                HttpResponse<byte[]> response = send("acme", route.method().name(), path, token.isEmpty() ? null : token, body);
                String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
                List<AuditEvent> events = platform.awaitAuditEvents(requestId, event -> event.service() == PlatformService.GATEWAY);
                AuditEvent event = events.stream().filter(e -> e.service() == PlatformService.GATEWAY).findFirst().orElseThrow();
                String where = route.method() + " " + route.path() + (token.isEmpty() ? " without credentials" : "");
                // PCI DSS 10.2.2: user, type of event, date and time, success or failure, origination, affected component
                assertEquals(route.action(), event.action(), where);
                assertEquals(TenantId.of("acme"), event.tenantId(), where);
                assertNotNull(event.actor(), where);
                assertEquals(token.isEmpty() ? ActorType.ANONYMOUS : ActorType.SERVICE, event.actor().type(), where);
                assertTrue(event.time().isAfter(started) && event.time().isBefore(Instant.now().plusSeconds(1)), where);
                assertEquals(response.statusCode(), event.response().statusCode(), where);
                assertEquals(response.statusCode() < 400 ? Outcome.SUCCESS : event.outcome(), event.outcome(), where);
                assertEquals("127.0.0.1", event.source().ip(), where);
                assertEquals(requestId, event.requestId().value(), where);
                if (token.isEmpty() && route.authenticated()) {
                    assertEquals(Outcome.DENIED, event.outcome(), where);
                } else if (token.isEmpty()) {
                    // open routes answer without a credential; the sign-in routes refuse a request without their
                    // parameters (no state, no CSRF token, no logout token), and that refusal is audited as such
                    assertEquals(response.statusCode() < 400, event.outcome() == Outcome.SUCCESS, where);
                }
            }
        }
    }

    @Test
    void anAuditorExportsThroughTheGatewayAndTheExportVerifiesOfflineUntilTampered() throws Exception {
        HttpResponse<byte[]> query = send("acme", "GET", "/api/2.0/audit/events?page_size=1000", acmeAuditorToken, null);
        assertEquals(200, query.statusCode(), text(query));
        JsonNode events = json(query).get("events");
        assertTrue(events.size() > 0);
        events.forEach(entry -> assertEquals("acme", entry.get("event").get("tenant_id").asText()));

        HttpResponse<byte[]> created = send("acme", "POST", "/api/2.0/audit/exports", acmeAuditorToken,
                "{\"start_time\":\"" + started.minusSeconds(3600) + "\",\"end_time\":\"" + Instant.now().plusSeconds(60) + "\"}");
        assertEquals(200, created.statusCode(), text(created));
        String exportId = json(created).get("export_id").asText();
        HttpResponse<byte[]> zip = send("acme", "GET", "/api/2.0/audit/exports/" + exportId, acmeAuditorToken, null);
        assertEquals(200, zip.statusCode(), text(zip));
        Path file = platform.config.stateDirectory().resolve("download-" + exportId + ".zip");
        Files.write(file, zip.body());

        Path publicKey = AuditCommand.defaultPublicKey(platform.config.state());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = AuditCommand.run(List.of("verify", file.toString(), "--public-key=" + publicKey), publicKey,
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, status, out.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("export verified: tenant acme"));

        Path unpacked = unzip(file, platform.config.stateDirectory().resolve("tampered-" + exportId));
        List<String> lines = new ArrayList<>(Files.readAllLines(unpacked.resolve("records.log")));
        int victim = lines.size() / 2;
        long sequence = Long.parseLong(lines.get(victim).substring(0, lines.get(victim).indexOf('\t')));
        lines.set(victim, lines.get(victim).replace("\"outcome\":\"DENIED\"", "\"outcome\":\"SUCCESS\"")
                .replace("\"outcome\":\"FAILURE\"", "\"outcome\":\"SUCCESS\"").replace("\"127.0.0.1\"", "\"127.0.0.2\""));
        Files.write(unpacked.resolve("records.log"), lines);
        out.reset();
        status = AuditCommand.run(List.of("verify", unpacked.toString()), publicKey, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(1, status);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("first bad record is sequence " + sequence), out.toString(StandardCharsets.UTF_8));

        // globex's auditor cannot fetch acme's export, and sees no acme event in its own queries and exports
        assertEquals(404, send("globex", "GET", "/api/2.0/audit/exports/" + exportId, globexAuditorToken, null).statusCode());
        HttpResponse<byte[]> globex = send("globex", "GET", "/api/2.0/audit/events?page_size=1000", globexAuditorToken, null);
        assertEquals(200, globex.statusCode());
        json(globex).get("events").forEach(entry -> assertEquals("globex", entry.get("event").get("tenant_id").asText()));
        HttpResponse<byte[]> globexExport = send("globex", "POST", "/api/2.0/audit/exports", globexAuditorToken, "{}");
        assertEquals(200, globexExport.statusCode(), text(globexExport));
        HttpResponse<byte[]> globexZip = send("globex", "GET", "/api/2.0/audit/exports/" + json(globexExport).get("export_id").asText(),
                globexAuditorToken, null);
        assertFalse(new String(globexZip.body(), StandardCharsets.ISO_8859_1).contains("\"tenant_id\":\"acme\""));
        // the acme auditor's token at globex's host is another tenant's credential
        assertEquals(404, send("globex", "GET", "/api/2.0/audit/events", acmeAuditorToken, null).statusCode());
    }

    @Test
    void theServiceAccountMayNotReadTheLogAndTheRefusalIsInIt() throws Exception {
        HttpResponse<byte[]> refused = send("acme", "GET", "/api/2.0/audit/events", acmeServiceToken, null);
        assertEquals(403, refused.statusCode(), text(refused));
        assertEquals("PERMISSION_DENIED", json(refused).get("error_code").asText());
        String requestId = refused.headers().firstValue("X-Request-Id").orElseThrow();
        List<AuditEvent> events = platform.awaitAuditEvents(requestId, event -> event.service() == PlatformService.GATEWAY);
        // the gateway's policy decision refuses it before the audit service is asked: the refusal, with the
        // decision that made it, is in the tenant's log
        assertTrue(events.stream().anyMatch(event -> event.service() == PlatformService.GATEWAY && event.outcome() == Outcome.DENIED
                && event.action().equals("audit.read") && event.policyDecision() != null), events.toString());
    }

    @Test
    void keycloakLoginsSuccessfulAndFailedArriveInTheTenantsLog() throws Exception {
        // other tests of this JVM sign the same users in: only the logins from here on are this test's
        Instant loginsFrom = Instant.now();
        assertTrue(KeycloakLogin.login(platform, "acme", "viewer", "Wrong-password-1").isEmpty(), "a wrong password is refused");
        assertTrue(KeycloakLogin.login(platform, "acme", "engineer", KeycloakLogin.password(platform, "acme", "engineer")).isPresent());
        awaitIdentityEvent("acme", event -> event.action().equals("identity.login") && event.outcome() == Outcome.DENIED
                && "viewer".equals(event.actor().name()) && !event.time().isBefore(loginsFrom));
        AuditEvent success = awaitIdentityEvent("acme", event -> event.action().equals("identity.login") && event.outcome() == Outcome.SUCCESS
                && "engineer".equals(event.actor().name()) && !event.time().isBefore(loginsFrom));
        assertEquals(ActorType.USER, success.actor().type());
        assertNotNull(success.source().ip());
        assertTrue(platform.platform.auditStore().state(AuditLogId.parse("globex")).isPresent());
        String acmeEngineer = success.actor().id();
        List<AuditEvent> globex = new ArrayList<>();
        platform.platform.auditStore().read(AuditLogId.parse("globex"), 1, Long.MAX_VALUE, record -> {
            // globex has users of the same names; acme's user is told apart by its id, unique per realm
            if (record.eventJsonText().contains(acmeEngineer)) {
                globex.add(null);
            }
        });
        assertTrue(globex.isEmpty(), "acme's logins stay in acme's log");
    }

    private static AuditEvent awaitIdentityEvent(String tenant, Predicate<AuditEvent> wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<AuditEvent> found = new ArrayList<>();
            platform.platform.auditStore().read(AuditLogId.parse(tenant), 1, Long.MAX_VALUE, record -> {
                if (record.eventJsonText().contains("\"identity.")) {
                    try {
                        AuditEvent event = MAPPER.readValue(record.eventJson(), AuditEvent.class);
                        if (wanted.test(event)) {
                            found.add(event);
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            if (!found.isEmpty()) {
                assertEquals(1, found.size(), "each provider event exactly once: " + found);
                return found.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the identity provider's event did not reach the audit log within 30 s");
            }
            platform.platform.auditStore().awaitAppend(Duration.ofMillis(500));
        }
    }

    private static Path unzip(Path zip, Path target) throws Exception {
        Path top = target;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                Path destination = target.resolve(entry.getName()).normalize();
                Files.createDirectories(destination.getParent());
                Files.copy(in, destination);
                top = destination.getParent();
            }
        }
        return top;
    }

    @SuppressWarnings("unused")
    private static URI unused() {
        return null;
    }
}

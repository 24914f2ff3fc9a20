package io.lakeward.audit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.audit.AuditConfig;
import io.lakeward.audit.AuditVerticle;
import io.lakeward.audit.TestEvents;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuditJson;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.shipping.AuditIngestToken;
import io.lakeward.audit.client.shipping.HttpAuditShipper;
import io.lakeward.audit.export.AuditExporter;
import io.lakeward.audit.query.AuditQueryService;
import io.lakeward.audit.service.AuditRetention;
import io.lakeward.audit.service.AuditService;
import io.lakeward.audit.store.AuditLogId;
import io.lakeward.audit.store.AuditStore;
import io.lakeward.audit.store.AuditStoreConfig;
import io.lakeward.audit.store.ChainRecord;
import io.lakeward.audit.verify.ExportVerifier;
import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.config.ConfigSource;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.common.identity.InternalServiceKeys;
import io.lakeward.common.identity.Principal;
import io.lakeward.keyvault.signing.AuditSigningKey;
import io.lakeward.policy.client.EmbeddedPolicyClient;
import io.lakeward.policy.client.EmbeddedPolicyConfig;
import io.lakeward.policy.client.PolicyClient;
import io.lakeward.policy.client.PolicyData;
import io.lakeward.policy.client.WasmPolicy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit service over HTTP, with the real embedded policy engine and the policies of the
 * platform: ingest only with a shipping service's credential, queries and exports only within the
 * caller's tenant and only for the roles the policy grants, every read of the log recorded in it.
 */
class AuditApiTest {
    private static final ObjectMapper MAPPER = AuditJson.newMapper();
    private static final Clock CLOCK = Clock.systemUTC();
    private static final AuditSigningKey KEY = AuditSigningKey.generate();
    private static final InternalServiceKeys KEYS = InternalServiceKeys.generate(List.of("audit", "audit-ingest-gateway", "audit-ingest-compute"));
    @TempDir
    static Path directory;
    private static Vertx vertx;
    private static AuditStore store;
    private static PolicyClient policy;
    private static AuditVerticle verticle;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final InternalIdentitySigner SIGNER = new InternalIdentitySigner(KEYS, Duration.ofSeconds(30), CLOCK);
    private static final Instant NOW = Instant.now();

    @BeforeAll
    static void start() throws Exception {
        store = AuditStore.open(AuditStoreConfig.defaults(directory.resolve("store")), KEY, CLOCK);
        policy = EmbeddedPolicyClient.start(WasmPolicy.fromClasspath(), PolicyData.empty("0"), EmbeddedPolicyConfig.defaults());
        AuditService service = new AuditService(store, new AuditQueryService(store, Duration.ofDays(92)),
                new AuditExporter(store, KEY, directory.resolve("exports"), CLOCK), policy, AuditRetention.defaults(), CLOCK);
        ConfigProblems problems = new ConfigProblems();
        AuditConfig config = AuditConfig.from(ConfigSource.ofMap(Map.of("audit.port", "0")), problems);
        problems.throwIfAny();
        verticle = new AuditVerticle(config, List.of(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new InternalIdentityVerifier("audit", KEYS.keyOf("audit"), CLOCK), service,
                Map.of(PlatformService.GATEWAY, KEYS.keyOf("audit-ingest-gateway"), PlatformService.COMPUTE, KEYS.keyOf("audit-ingest-compute")), CLOCK);
        vertx = Vertx.vertx();
        vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            events.add(TestEvents.event("acme", i % 2 == 0 ? "ada" : "bob", "notebook.read", i % 5 == 0 ? Outcome.DENIED : Outcome.SUCCESS,
                    "/Users/ada/n" + i, NOW.minusSeconds(600 - i)));
            events.add(TestEvents.event("globex", "gus", "notebook.read", Outcome.SUCCESS, "/Users/gus/secret-" + i, NOW.minusSeconds(600 - i)));
        }
        HttpResponse<String> shipped = ship(PlatformService.GATEWAY, "audit-ingest-gateway", body(events));
        assertEquals(200, shipped.statusCode(), shipped.body());
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
        policy.close();
        store.close();
    }

    private static byte[] body(List<AuditEvent> events) throws Exception {
        return MAPPER.writeValueAsBytes(Map.of("events", events));
    }

    private static HttpResponse<String> ship(PlatformService service, String keyName, byte[] body) throws Exception {
        return ship(AuditIngestToken.sign(service, KEYS.keyOf(keyName), body, CLOCK), body);
    }

    private static HttpResponse<String> ship(String token, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + verticle.port() + HttpAuditShipper.PATH))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header(AuditIngestToken.HEADER, token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Principal user(String tenant, String subject, String... roles) {
        return new Principal(TenantId.of(tenant), subject, subject + "@" + tenant + ".example", Principal.PrincipalType.USER, List.of(roles),
                List.of(), "oidc_access_token");
    }

    private static HttpResponse<byte[]> call(Principal principal, String method, String pathAndQuery, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + verticle.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .header(InternalIdentitySigner.HEADER, SIGNER.sign("audit", principal, RequestId.random()))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(HttpResponse<byte[]> response) throws Exception {
        return MAPPER.readTree(response.body());
    }

    private static String range() {
        return "start_time=" + NOW.minusSeconds(3600) + "&end_time=" + NOW.plusSeconds(60);
    }

    private static List<String> actionsOf(String tenant) {
        List<String> actions = new ArrayList<>();
        store.read(AuditLogId.parse(tenant), 1, Long.MAX_VALUE, record -> actions.add(actionOf(record)));
        return actions;
    }

    private static String actionOf(ChainRecord record) {
        return record.eventJsonText().replaceAll(".*?\"action\":\"([a-z_.]+)\".*", "$1");
    }

    @Test
    void shipmentsNeedTheShippingServicesOwnCredentialForTheExactBody() throws Exception {
        List<AuditEvent> events = List.of(TestEvents.read("acme", "ada", "/x", NOW));
        byte[] body = body(events);
        assertEquals(401, ship(null, body).statusCode(), "no credential");
        assertEquals(401, ship("not-a-token", body).statusCode());
        String token = AuditIngestToken.sign(PlatformService.GATEWAY, KEYS.keyOf("audit-ingest-gateway"), body, CLOCK);
        byte[] altered = new String(body, StandardCharsets.UTF_8).replace("/x", "/y").getBytes(StandardCharsets.UTF_8);
        assertEquals(401, ship(token, altered).statusCode(), "the body is bound to the token");
        // signed with the compute key but claiming to be the gateway
        String forged = AuditIngestToken.sign(PlatformService.GATEWAY, KEYS.keyOf("audit-ingest-compute"), body, CLOCK);
        assertEquals(401, ship(forged, body).statusCode());
        HttpResponse<String> otherService = ship(PlatformService.COMPUTE, "audit-ingest-compute", body);
        assertEquals(403, otherService.statusCode(), "compute may not deliver gateway events");
        assertTrue(otherService.body().contains("PERMISSION_DENIED"));
        long[] stored = {0};
        store.read(AuditLogId.parse("acme"), 1, Long.MAX_VALUE, record -> stored[0] += record.eventJsonText().contains("\"/x\"") ? 1 : 0);
        assertEquals(0, stored[0], "no refused shipment stored anything");
    }

    @Test
    void aRedeliveredBatchIsStoredOnceAndAnInvalidOneNotAtAll() throws Exception {
        List<AuditEvent> events = List.of(TestEvents.read("acme", "ada", "/once", NOW), TestEvents.read("acme", "ada", "/once-2", NOW));
        byte[] body = body(events);
        assertEquals("{\"stored\":2,\"duplicates\":0}".length(), ship(PlatformService.GATEWAY, "audit-ingest-gateway", body).body().length());
        JsonNode again = MAPPER.readTree(ship(PlatformService.GATEWAY, "audit-ingest-gateway", body).body());
        assertEquals(0, again.get("stored").asInt());
        assertEquals(2, again.get("duplicates").asInt());
        long before = store.state(AuditLogId.parse("acme")).orElseThrow().lastSequence();
        String valid = MAPPER.writeValueAsString(TestEvents.read("acme", "ada", "/lost", NOW));
        String invalid = valid.replace("\"notebook.read\"", "\"Not An Action\"");
        byte[] mixed = ("{\"events\":[" + valid + "," + invalid + "]}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> refused = ship(PlatformService.GATEWAY, "audit-ingest-gateway", mixed);
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("INVALID_PARAMETER_VALUE") && refused.body().contains("request_id"), refused.body());
        assertEquals(before, store.state(AuditLogId.parse("acme")).orElseThrow().lastSequence(), "nothing of a refused batch is stored");
    }

    @Test
    void anAcmeAuditorSeesAcmeEventsOnlyAndTheQueryIsAudited() throws Exception {
        HttpResponse<byte[]> response = call(user("acme", "auditor-1", "auditor"), "GET", "/api/2.0/audit/events?" + range() + "&page_size=1000", null);
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        JsonNode events = json(response).get("events");
        assertTrue(events.size() >= 20);
        for (JsonNode entry : events) {
            assertEquals("acme", entry.get("event").get("tenant_id").asText());
        }
        assertFalse(new String(response.body(), StandardCharsets.UTF_8).contains("globex"), "not a trace of the other tenant");
        assertTrue(actionsOf("acme").contains(AuditService.ACTION_QUERY), "the read of the log is in the log");
        assertFalse(actionsOf("globex").contains(AuditService.ACTION_QUERY));

        HttpResponse<byte[]> globex = call(user("globex", "auditor-2", "auditor"), "GET", "/api/2.0/audit/events?" + range() + "&page_size=1000", null);
        assertFalse(new String(globex.body(), StandardCharsets.UTF_8).contains("\"acme\""));
    }

    @Test
    void filtersAndPagesCoverEveryMatchOnce() throws Exception {
        Principal auditor = user("acme", "auditor-1", "auditor");
        HttpResponse<byte[]> denied = call(auditor, "GET", "/api/2.0/audit/events?" + range() + "&outcome=denied&actor=sub-ada", null);
        JsonNode events = json(denied).get("events");
        assertEquals(2, events.size(), "i = 0 and 10: denied and by ada");
        List<Long> seen = new ArrayList<>();
        String token = null;
        do {
            HttpResponse<byte[]> page = call(auditor, "GET", "/api/2.0/audit/events?" + range() + "&action=notebook.read&page_size=3"
                    + (token == null ? "" : "&page_token=" + token), null);
            JsonNode body = json(page);
            body.get("events").forEach(entry -> seen.add(entry.get("sequence").asLong()));
            token = body.hasNonNull("next_page_token") ? body.get("next_page_token").asText() : null;
        } while (token != null);
        assertEquals(seen.stream().distinct().count(), seen.size(), "no event twice");
        assertTrue(seen.size() >= 20);
        assertEquals(400, call(auditor, "GET", "/api/2.0/audit/events?page_token=garbage", null).statusCode());
        assertEquals(400, call(auditor, "GET", "/api/2.0/audit/events?start_time=yesterday", null).statusCode());
        assertEquals(400, call(auditor, "GET", "/api/2.0/audit/events?start_time=2020-01-01T00:00:00Z&end_time=2026-01-01T00:00:00Z", null)
                .statusCode(), "longer than the queryable window");
    }

    @Test
    void rolesThePolicyDoesNotGrantAreDeniedAndTheDenialIsAudited() throws Exception {
        HttpResponse<byte[]> viewer = call(user("acme", "viewer-1", "viewer"), "GET", "/api/2.0/audit/events?" + range(), null);
        assertEquals(403, viewer.statusCode());
        assertEquals("PERMISSION_DENIED", json(viewer).get("error_code").asText());
        assertEquals(403, call(user("acme", "eng-1", "workspace-user"), "POST", "/api/2.0/audit/exports", "{}").statusCode());
        List<String> denied = new ArrayList<>();
        store.read(AuditLogId.parse("acme"), 1, Long.MAX_VALUE, record -> {
            if (record.eventJsonText().contains("\"viewer-1\"") && record.eventJsonText().contains("\"DENIED\"")) {
                denied.add(actionOf(record));
            }
        });
        assertEquals(List.of(AuditService.ACTION_QUERY), denied);
    }

    @Test
    void myAccessShowsOnlyTheCallersOwnEvents() throws Exception {
        HttpResponse<byte[]> response = call(user("acme", "sub-ada", "workspace-user"), "GET", "/api/2.0/audit/my-access?" + range(), null);
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        JsonNode events = json(response).get("events");
        assertTrue(events.size() >= 10, "ada made every other of the 20 requests");
        events.forEach(entry -> assertEquals("sub-ada", entry.get("event").get("actor").get("id").asText()));
        assertEquals(400, call(user("acme", "sub-ada", "workspace-user"), "GET", "/api/2.0/audit/my-access?actor=sub-bob", null).statusCode());
    }

    @Test
    void anExportDownloadsAsAZipThatVerifiesAndOtherTenantsCannotFetchIt() throws Exception {
        Principal auditor = user("acme", "auditor-1", "auditor");
        HttpResponse<byte[]> created = call(auditor, "POST", "/api/2.0/audit/exports",
                "{\"start_time\":\"" + NOW.minusSeconds(3600) + "\",\"end_time\":\"" + NOW.plusSeconds(60) + "\",\"outcome\":\"DENIED\"}");
        assertEquals(200, created.statusCode(), new String(created.body(), StandardCharsets.UTF_8));
        String exportId = json(created).get("export_id").asText();
        assertEquals(4, json(created).get("view_records").asInt());
        HttpResponse<byte[]> zip = call(auditor, "GET", "/api/2.0/audit/exports/" + exportId, null);
        assertEquals(200, zip.statusCode());
        assertEquals("application/zip", zip.headers().firstValue("Content-Type").orElseThrow());
        Path file = directory.resolve("download.zip");
        Files.write(file, zip.body());
        var result = new ExportVerifier().verify(file, KEY.publicKey());
        assertTrue(result.valid(), result.problems().toString());
        assertFalse(new String(zip.body(), StandardCharsets.ISO_8859_1).contains("globex"), "no globex record in acme's export");

        HttpResponse<byte[]> stranger = call(user("globex", "auditor-2", "auditor"), "GET", "/api/2.0/audit/exports/" + exportId, null);
        assertEquals(404, stranger.statusCode(), "another tenant's export does not exist for globex");
        assertEquals(404, call(auditor, "GET", "/api/2.0/audit/exports/..%2F..%2Fstore", null).statusCode());
        assertTrue(actionsOf("acme").contains(AuditService.ACTION_EXPORT));
        assertTrue(actionsOf("acme").contains(AuditService.ACTION_EXPORT_DOWNLOAD));
        assertEquals(400, call(auditor, "POST", "/api/2.0/audit/exports", "{\"tenant\":\"globex\"}").statusCode(), "no tenant can be chosen");
    }

    @Test
    void withoutTheGatewaysAssertionTheApiAnswers401() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + verticle.port() + "/api/2.0/audit/events"))
                .header("X-Lakeward-Tenant", "acme").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode());
    }
}

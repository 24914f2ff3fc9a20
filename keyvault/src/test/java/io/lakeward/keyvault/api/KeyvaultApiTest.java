package io.lakeward.keyvault.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.outbox.FileAuditOutbox;
import io.lakeward.audit.client.outbox.FileAuditOutboxConfig;
import io.lakeward.audit.client.outbox.OutboxEntry;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.json.Json;
import io.lakeward.keyvault.Keyvault;
import io.lakeward.keyvault.KeyvaultConfig;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The wrap/unwrap API over HTTP on loopback, with a real keystore and a real audit outbox. */
class KeyvaultApiTest {
    private static final ObjectMapper JSON = Json.newMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final Duration LIFETIME = Duration.ofMinutes(5);

    private static final MutableClock CLOCK = new MutableClock();
    private static Keyvault keyvault;
    private static FileAuditOutbox audit;
    private static Vertx vertx;
    private static URI base;

    @BeforeAll
    static void start() throws Exception {
        Path state = Files.createTempDirectory("keyvault-api");
        keyvault = Keyvault.open(new KeyvaultConfig(Optional.empty(), state.resolve("master.key"), state.resolve("keys.bcfks"), 0, LIFETIME), CLOCK);
        keyvault.ensureTenantKey(ACME);
        keyvault.ensureTenantKey(GLOBEX);
        audit = FileAuditOutbox.open(FileAuditOutboxConfig.defaults(state.resolve("outbox")));
        vertx = Vertx.vertx();
        KeyvaultVerticle verticle = new KeyvaultVerticle(keyvault, audit, 0, null);
        vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
        base = URI.create("http://127.0.0.1:" + verticle.port() + KeyvaultVerticle.BASE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
        if (audit != null) {
            audit.close();
        }
    }

    static HttpResponse<String> call(String token, String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String wrap(String token, String keyId, byte[] key) throws Exception {
        HttpResponse<String> response = call(token, "/keys/wrap", Map.of("key_id", keyId, "key", Base64.getEncoder().encodeToString(key)));
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).get("wrapped_key").asText();
    }

    static HttpResponse<String> unwrap(String token, String keyId, String wrapped) throws Exception {
        return call(token, "/keys/unwrap", Map.of("key_id", keyId, "wrapped_key", wrapped));
    }

    static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(code, body.get("error_code").asText());
        assertTrue(body.has("request_id"));
    }

    static byte[] dataKey() {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        return key;
    }

    static String token(TenantId tenant, String caller) {
        return keyvault.issueToken(tenant, caller).token().reveal();
    }

    @Test
    void aScopedTokenWrapsAndUnwrapsItsTenantsDataKeys() throws Exception {
        String token = token(ACME, "cluster:c-1");
        byte[] key = dataKey();
        String wrapped = wrap(token, "table/orders", key);
        assertFalse(wrapped.contains(Base64.getEncoder().encodeToString(key)));
        HttpResponse<String> unwrapped = unwrap(token, "table/orders", wrapped);
        assertEquals(200, unwrapped.statusCode(), unwrapped.body());
        assertArrayEquals(key, Base64.getDecoder().decode(JSON.readTree(unwrapped.body()).get("key").asText()));
        // another cluster of the same tenant reads the same table
        assertEquals(200, unwrap(token(ACME, "cluster:c-2"), "table/orders", wrapped).statusCode());
    }

    @Test
    void anotherTenantsTokenOrAnotherKeyIdCannotUnwrap() throws Exception {
        String acme = token(ACME, "cluster:c-1");
        String wrapped = wrap(acme, "table/orders", dataKey());
        assertError(unwrap(token(GLOBEX, "cluster:c-1"), "table/orders", wrapped), 400, "INVALID_PARAMETER_VALUE");
        assertError(unwrap(acme, "table/customers", wrapped), 400, "INVALID_PARAMETER_VALUE");
    }

    @Test
    void aFlippedBitInTheWrappedKeyIsRefused() throws Exception {
        String token = token(ACME, "cluster:c-1");
        byte[] wrapped = Base64.getDecoder().decode(wrap(token, "table/orders", dataKey()));
        for (int position : new int[] {5, 8, 20, 75, wrapped.length - 1}) {
            byte[] tampered = wrapped.clone();
            tampered[position] ^= 0x01;
            HttpResponse<String> response = unwrap(token, "table/orders", Base64.getEncoder().encodeToString(tampered));
            assertError(response, 400, "INVALID_PARAMETER_VALUE");
            assertFalse(response.body().contains("Tag") || response.body().contains("Exception"), response.body());
        }
    }

    @Test
    void missingGarbageExpiredAndRevokedTokensAreRefused() throws Exception {
        String wrapped = wrap(token(ACME, "cluster:c-1"), "table/orders", dataKey());
        assertError(unwrap(null, "table/orders", wrapped), 401, "UNAUTHENTICATED");
        assertError(unwrap("lwkv1.not-a-token", "table/orders", wrapped), 401, "UNAUTHENTICATED");
        assertError(unwrap(ScopedTokens.PREFIX + "A".repeat(43), "table/orders", wrapped), 401, "UNAUTHENTICATED");

        String expiring = token(ACME, "cluster:c-3");
        assertEquals(200, unwrap(expiring, "table/orders", wrapped).statusCode());
        CLOCK.advance(LIFETIME.plusSeconds(1));
        assertError(unwrap(expiring, "table/orders", wrapped), 401, "UNAUTHENTICATED");

        String revoked = token(ACME, "cluster:c-4");
        String sibling = token(ACME, "cluster:c-4");
        String other = token(ACME, "cluster:c-5");
        assertTrue(keyvault.tokens().revoke(revoked));
        assertError(unwrap(revoked, "table/orders", wrapped), 401, "UNAUTHENTICATED");
        assertEquals(200, unwrap(sibling, "table/orders", wrapped).statusCode());
        assertEquals(1, keyvault.tokens().revokeCaller(new TokenScope(ACME, "cluster:c-4")), "a stopped cluster loses every token");
        assertError(unwrap(sibling, "table/orders", wrapped), 401, "UNAUTHENTICATED");
        assertEquals(200, unwrap(other, "table/orders", wrapped).statusCode());
    }

    @Test
    void refreshGivesANewTokenAndRetiresTheOldOne() throws Exception {
        String first = token(ACME, "cluster:c-6");
        HttpResponse<String> refreshed = call(first, "/token/refresh", null);
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        String second = JSON.readTree(refreshed.body()).get("token").asText();
        assertNotEquals(first, second);
        assertTrue(JSON.readTree(refreshed.body()).has("expires_at"));
        assertError(call(first, "/token/refresh", null), 401, "UNAUTHENTICATED");
        String wrapped = wrap(second, "table/orders", dataKey());
        assertError(unwrap(first, "table/orders", wrapped), 401, "UNAUTHENTICATED");

        // refreshing keeps a live caller going past the first token's end
        CLOCK.advance(LIFETIME.minusSeconds(10));
        String third = JSON.readTree(call(second, "/token/refresh", null).body()).get("token").asText();
        CLOCK.advance(Duration.ofSeconds(30));
        assertEquals(200, unwrap(third, "table/orders", wrapped).statusCode());
        assertError(unwrap(second, "table/orders", wrapped), 401, "UNAUTHENTICATED");
    }

    @Test
    void rotationKeepsOldWrappedKeysReadable() throws Exception {
        TenantId tenant = TenantId.of("rotating");
        keyvault.ensureTenantKey(tenant);
        String token = token(tenant, "cluster:c-1");
        byte[] key = dataKey();
        String before = wrap(token, "table/t", key);
        keyvault.keys().rotate(tenant);
        String after = wrap(token, "table/t", key);
        assertNotEquals(before, after);
        assertArrayEquals(key, Base64.getDecoder().decode(JSON.readTree(unwrap(token, "table/t", before).body()).get("key").asText()));
        assertArrayEquals(key, Base64.getDecoder().decode(JSON.readTree(unwrap(token, "table/t", after).body()).get("key").asText()));
    }

    @Test
    void shreddingRevokesTokensAndMakesWrappedKeysUnreadable() throws Exception {
        TenantId tenant = TenantId.of("doomed");
        keyvault.ensureTenantKey(tenant);
        String token = token(tenant, "cluster:c-1");
        byte[] key = dataKey();
        String wrapped = wrap(token, "table/t", key);
        Keyvault.ShredResult result = keyvault.shred(tenant);
        assertTrue(result.keysDestroyed());
        assertEquals(1, result.tokensRevoked());
        assertError(unwrap(token, "table/t", wrapped), 401, "UNAUTHENTICATED");
        org.junit.jupiter.api.Assertions.assertThrows(io.lakeward.common.error.LakewardException.class, () -> keyvault.issueToken(tenant, "cluster:c-2"));
        org.junit.jupiter.api.Assertions.assertThrows(io.lakeward.common.error.LakewardException.class,
                () -> keyvault.unwrapKey(tenant, "table/t", Base64.getDecoder().decode(wrapped)));
        // a tenant of the same id made again gets new keys; the old key stays unreadable
        keyvault.ensureTenantKey(tenant);
        assertError(unwrap(token(tenant, "cluster:c-3"), "table/t", wrapped), 400, "INVALID_PARAMETER_VALUE");
    }

    @Test
    void badRequestsGetClearErrors() throws Exception {
        String token = token(ACME, "cluster:c-1");
        assertError(call(token, "/keys/wrap", Map.of("key_id", "table/t", "key", "%%%")), 400, "INVALID_PARAMETER_VALUE");
        assertError(call(token, "/keys/wrap", Map.of("key_id", "table/t", "key", Base64.getEncoder().encodeToString(new byte[8]))),
                400, "INVALID_PARAMETER_VALUE");
        assertError(call(token, "/keys/wrap", Map.of("key", Base64.getEncoder().encodeToString(dataKey()))), 400, "INVALID_PARAMETER_VALUE");
        assertError(call(token, "/keys/wrap", Map.of("key_id", "../../etc", "key", Base64.getEncoder().encodeToString(dataKey()))),
                400, "INVALID_PARAMETER_VALUE");
        HttpResponse<String> notJson = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/keys/unwrap"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString("{nope")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(notJson, 400, "MALFORMED_REQUEST");
    }

    @Test
    void everyCallIsAuditedWithItsCallerAndNoKeyMaterial() throws Exception {
        String token = token(ACME, "cluster:audited");
        byte[] key = dataKey();
        String wrapped = wrap(token, "table/audited", key);
        HttpResponse<String> ok = unwrap(token, "table/audited", wrapped);
        HttpResponse<String> refused = unwrap("lwkv1.bogus", "table/audited", wrapped);
        List<AuditEvent> events = audit.readAll().stream().map(OutboxEntry::event).toList();

        AuditEvent success = find(events, ok);
        assertEquals("keyvault.key_unwrap", success.action());
        assertEquals(Outcome.SUCCESS, success.outcome());
        assertEquals(ACME, success.tenantId());
        assertEquals("cluster:audited", success.actor().id());
        assertEquals("table/audited", success.dataTouched().get(0).name());

        AuditEvent denied = find(events, refused);
        assertEquals(Outcome.DENIED, denied.outcome());
        assertEquals(null, denied.tenantId(), "an unknown token names no tenant");

        String all = JSON.writeValueAsString(events);
        assertFalse(all.contains(Base64.getEncoder().encodeToString(key)), "no data key in the audit trail");
        assertFalse(all.contains(token), "no token in the audit trail");
    }

    private static AuditEvent find(List<AuditEvent> events, HttpResponse<String> response) {
        String id = response.headers().firstValue("X-Request-Id").orElseThrow();
        return events.stream().filter(e -> e.requestId().value().equals(id)).findFirst().orElseThrow();
    }
}

package io.lakeward.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakeward.audit.client.event.ActorType;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuthenticationMethod;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.ResourceReference;
import io.lakeward.common.config.Secret;
import io.lakeward.common.id.TenantId;
import io.lakeward.gateway.audit.RequestAudit;
import io.lakeward.gateway.auth.PersonalAccessTokens;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import io.lakeward.metastore.MetadataDatabase;
import io.lakeward.metastore.MetastoreConfig;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.metastore.tenant.NewTenant;
import io.lakeward.metastore.token.JdbcPersonalAccessTokenStore;
import io.lakeward.metastore.token.PersonalAccessToken;
import io.lakeward.testing.TestingHosts;
import io.lakeward.testing.keycloak.TestingKeycloak;
import io.lakeward.testing.postgres.TestDatabase;
import io.lakeward.testing.postgres.TestingPostgres;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Personal access tokens end to end: the Databricks token API on a real gateway, tokens stored in
 * a real PostgreSQL (by hash), used as bearer tokens, revoked, managed by tenant administrators,
 * and refused on every route of another tenant.
 */
class PersonalAccessTokenApiTest {
    private static final String ME = "/api/2.0/preview/scim/v2/Me";
    private static final int MAX_PER_PRINCIPAL = 3;

    private static TestDatabase database;
    private static MetadataDatabase metadata;
    private static JdbcPersonalAccessTokenStore store;
    private static TestGateway gateway;
    private static ProvisionedRealm acme;
    private static ProvisionedRealm globex;
    private static ProvisionedRealm spare;
    private static io.lakeward.gateway.auth.TokenForge forge;

    @BeforeAll
    static void start() throws Exception {
        TestingKeycloak.TenantRealmPool pool = TestingKeycloak.get().tenantRealmPool(3);
        acme = pool.take();
        globex = pool.take();
        spare = pool.take();
        forge = io.lakeward.gateway.auth.TokenForge.forRealm(acme);
        database = TestingPostgres.embedded().createDatabase();
        metadata = MetadataDatabase.start(MetastoreConfig.external(database.jdbcUrl(), database.superuser(),
                database.superuserPassword().map(Secret::of), database.roleName("app"), Secret.of(UUID.randomUUID().toString())));
        JdbcTenantRegistryStore registry = new JdbcTenantRegistryStore(metadata.transactions());
        for (ProvisionedRealm realm : List.of(acme, globex, spare)) {
            registry.create(new NewTenant(TenantId.of(realm.realm()), realm.realm(), realm.realm() + "." + TestGateway.BASE, realm.issuer(),
                    "kek/" + realm.realm()));
        }
        store = new JdbcPersonalAccessTokenStore(metadata.transactions());
        GatewayConfig.TokenSettings defaults = GatewayConfig.TokenSettings.defaults();
        GatewayConfig.TokenSettings settings = new GatewayConfig.TokenSettings(defaults.cacheTtl(), defaults.cacheSize(), defaults.keysCacheTtl(),
                defaults.keysRefetchInterval(), defaults.keysOutageTolerance(), Duration.ofDays(30), MAX_PER_PRINCIPAL,
                Duration.ofSeconds(5), Duration.ofSeconds(1));
        gateway = TestGateway.start(Files.createTempDirectory("pat-api"), List.of(acme, globex, spare), settings, store);
        TestingHosts.register("nobody." + TestGateway.BASE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (metadata != null) {
            metadata.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private static HttpResponse<String> create(ProvisionedRealm realm, String credential, String body) throws Exception {
        return gateway.send(realm.realm(), "POST", "/api/2.0/token/create", credential, body);
    }

    @Test
    void createUseListAndRevoke() throws Exception {
        String accessToken = TestGateway.serviceAccountToken(acme);
        HttpResponse<String> created = create(acme, accessToken, "{\"lifetime_seconds\": 3600, \"comment\": \"nightly job\"}");
        assertEquals(200, created.statusCode(), created.body());
        assertEquals("no-store", created.headers().firstValue("Cache-Control").orElseThrow());
        JsonNode answer = TestGateway.json(created);
        String token = answer.get("token_value").asText();
        assertTrue(token.startsWith("lkw_") && PersonalAccessTokens.isWellFormed(token), token.substring(0, 4));
        JsonNode info = answer.get("token_info");
        String tokenId = info.get("token_id").asText();
        long creation = info.get("creation_time").asLong();
        assertEquals(3_600_000, info.get("expiry_time").asLong() - creation);
        assertEquals("nightly job", info.get("comment").asText());
        assertTrue(Math.abs(creation - System.currentTimeMillis()) < 60_000);

        // the token works as a bearer credential and acts as its owner
        HttpResponse<String> me = gateway.get(acme.realm(), ME, token);
        assertEquals(200, me.statusCode(), me.body());
        assertTrue(TestGateway.json(me).get("internal_identity").asBoolean());
        AuditEvent used = single(me);
        assertEquals(AuthenticationMethod.PERSONAL_ACCESS_TOKEN, used.actor().authenticationMethod());
        assertEquals(ActorType.SERVICE, used.actor().type());
        assertEquals(com.nimbusds.jwt.SignedJWT.parse(accessToken).getJWTClaimsSet().getSubject(), used.actor().id());

        // listed without its value; the create was audited without its value
        HttpResponse<String> listed = gateway.get(acme.realm(), "/api/2.0/token/list", accessToken);
        assertEquals(200, listed.statusCode());
        assertFalse(listed.body().contains(token.substring(4, 20)));
        assertTrue(ids(TestGateway.json(listed).get("token_infos")).contains(tokenId));
        AuditEvent creationEvent = single(created);
        assertEquals("token.create", creationEvent.action());
        assertEquals(List.of(ResourceReference.of("personal_access_token", tokenId)), creationEvent.dataTouched());
        assertFalse(outboxText().contains(token.substring(4)), "the token value is nowhere in the audit outbox");

        // revoked: refused at once on this gateway, and a second delete finds nothing
        HttpResponse<String> deleted = gateway.send(acme.realm(), "POST", "/api/2.0/token/delete", accessToken,
                "{\"token_id\": \"" + tokenId + "\"}");
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals("{}", deleted.body());
        assertEquals("token.delete", single(deleted).action());
        HttpResponse<String> afterRevocation = gateway.get(acme.realm(), ME, token);
        assertEquals(401, afterRevocation.statusCode());
        assertEquals("unknown_token", single(afterRevocation).requestParameters().get(RequestAudit.AUTHENTICATION_FAILURE));
        assertEquals(AuthenticationMethod.PERSONAL_ACCESS_TOKEN, single(afterRevocation).actor().authenticationMethod());
        assertEquals(404, gateway.send(acme.realm(), "POST", "/api/2.0/token/delete", accessToken,
                "{\"token_id\": \"" + tokenId + "\"}").statusCode());
    }

    @Test
    void onlyTheHashOfATokenIsStored() throws Exception {
        String token = TestGateway.json(create(acme, forge.userToken("hash-check", List.of("workspace-user")), "{\"comment\": \"x\"}"))
                .get("token_value").asText();
        try (Connection connection = database.connectAsSuperuser();
             PreparedStatement select = connection.prepareStatement("SELECT t.*, h.token_hash AS hint FROM personal_access_tokens t "
                     + "JOIN personal_access_token_tenants h ON h.token_hash = t.token_hash WHERE t.owner_id = ?")) {
            select.setString(1, "hash-check");
            try (ResultSet row = select.executeQuery()) {
                assertTrue(row.next());
                assertArrayEquals(PersonalAccessTokens.hash(token), row.getBytes("token_hash"));
                for (int column = 1; column <= row.getMetaData().getColumnCount(); column++) {
                    Object value = row.getObject(column);
                    assertFalse(value != null && value.toString().contains(token.substring(4, 30)), "column " + column + " holds the token");
                }
            }
        }
    }

    @Test
    void aPersonalAccessTokenCannotMakeAnother() throws Exception {
        String token = TestGateway.json(create(acme, forge.userToken("chain", List.of("workspace-user")), "{}")).get("token_value").asText();
        HttpResponse<String> refused = create(acme, token, "{\"lifetime_seconds\": 60}");
        assertEquals(403, refused.statusCode());
        assertEquals("PERMISSION_DENIED", TestGateway.json(refused).get("error_code").asText());
    }

    @Test
    void badRequestsAreRefusedAndStoreNothing() throws Exception {
        String user = forge.userToken("careless", List.of("workspace-user"));
        for (String body : List.of("{\"lifetime_seconds\": 0}", "{\"lifetime_seconds\": -5}", "{\"lifetime_seconds\": \"forever\"}",
                "{\"lifetime_seconds\": 1.5}", "{\"lifetime_seconds\": " + (Duration.ofDays(30).toSeconds() + 1) + "}",
                "{\"comment\": 42}", "{\"comment\": \"" + "c".repeat(1001) + "\"}", "{\"comment\": \"bell\\u0007\"}")) {
            HttpResponse<String> refused = create(acme, user, body);
            assertEquals(400, refused.statusCode(), body + ": " + refused.body());
            assertEquals("INVALID_PARAMETER_VALUE", TestGateway.json(refused).get("error_code").asText(), body);
        }
        HttpResponse<String> notJson = create(acme, user, "{lifetime_seconds");
        assertEquals(400, notJson.statusCode());
        assertEquals("MALFORMED_REQUEST", TestGateway.json(notJson).get("error_code").asText());
        HttpResponse<String> noId = gateway.send(acme.realm(), "POST", "/api/2.0/token/delete", user, "{}");
        assertEquals(400, noId.statusCode());
        assertEquals(0, store.list(TenantId.of(acme.realm()), Optional.of("careless"), 100).size(), "nothing was stored");
    }

    @Test
    void aPrincipalHoldsAtMostTheConfiguredNumberOfTokens() throws Exception {
        String user = forge.userToken("collector", List.of("workspace-user"));
        for (int i = 0; i < MAX_PER_PRINCIPAL; i++) {
            assertEquals(200, create(acme, user, "{}").statusCode());
        }
        HttpResponse<String> refused = create(acme, user, "{}");
        assertEquals(429, refused.statusCode());
        assertEquals("RESOURCE_EXHAUSTED", TestGateway.json(refused).get("error_code").asText());
        assertEquals(MAX_PER_PRINCIPAL, store.list(TenantId.of(acme.realm()), Optional.of("collector"), 100).size());
    }

    @Test
    void expiredAndMadeUpTokensAreRefused() throws Exception {
        String token = new PersonalAccessTokens(new SecureRandom()).generate();
        Instant made = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        store.create(new PersonalAccessToken(TenantId.of(acme.realm()), randomId(), PersonalAccessTokens.hash(token), "old", "old", "USER",
                List.of(), List.of(), "", made, made.plus(1, ChronoUnit.HOURS), Optional.empty()), 10);
        assertRefused(gateway.get(acme.realm(), ME, token), "expired");
        assertRefused(gateway.get(acme.realm(), ME, new PersonalAccessTokens(new SecureRandom()).generate()), "unknown_token");
        String flipped = token.substring(0, 10) + (token.charAt(10) == 'a' ? 'b' : 'a') + token.substring(11);
        assertRefused(gateway.get(acme.realm(), ME, flipped), "malformed_token");
        assertRefused(gateway.get(acme.realm(), ME, "lkw_short"), "malformed_token");
    }

    @Test
    void tenantAdministratorsManageEveryTokenOfTheirTenant() throws Exception {
        String user = forge.userToken("worker", List.of("workspace-user"));
        String admin = forge.userToken("chief", List.of("tenant-admin"));
        JsonNode created = TestGateway.json(create(acme, user, "{\"comment\": \"worker's\"}"));
        String token = created.get("token_value").asText();
        String tokenId = created.get("token_info").get("token_id").asText();
        assertEquals(200, gateway.get(acme.realm(), ME, token).statusCode());

        HttpResponse<String> forbidden = gateway.get(acme.realm(), "/api/2.0/token-management/tokens", user);
        assertEquals(403, forbidden.statusCode());
        assertEquals(Outcome.DENIED, single(forbidden).outcome());

        HttpResponse<String> listed = gateway.get(acme.realm(), "/api/2.0/token-management/tokens?created_by_username=worker-name", admin);
        assertEquals(200, listed.statusCode(), listed.body());
        JsonNode info = find(TestGateway.json(listed).get("token_infos"), tokenId);
        assertEquals("worker", info.get("created_by_id").asText());
        assertEquals("worker-name", info.get("created_by_username").asText());
        assertEquals("worker", info.get("owner_id").asText());
        assertEquals("worker's", info.get("comment").asText());

        // last use is written coalesced, within the flush interval
        Instant deadline = Instant.now().plusSeconds(15);
        JsonNode single;
        do {
            single = TestGateway.json(gateway.get(acme.realm(), "/api/2.0/token-management/tokens/" + tokenId, admin)).get("token_info");
        } while (!single.has("last_used_day") && Instant.now().isBefore(deadline));
        assertTrue(single.has("last_used_day"), "last use recorded: " + single);
        assertEquals(Instant.now().truncatedTo(ChronoUnit.DAYS).toEpochMilli(), single.get("last_used_day").asLong());

        HttpResponse<String> revoked = gateway.send(acme.realm(), "DELETE", "/api/2.0/token-management/tokens/" + tokenId, admin, null);
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals(401, gateway.get(acme.realm(), ME, token).statusCode());
        assertEquals(404, gateway.get(acme.realm(), "/api/2.0/token-management/tokens/" + tokenId, admin).statusCode());
        assertEquals(404, gateway.send(acme.realm(), "DELETE", "/api/2.0/token-management/tokens/" + tokenId, admin, null).statusCode());
        // a user cannot delete another user's token through the self-service API
        String otherId = TestGateway.json(create(acme, admin, "{}")).get("token_info").get("token_id").asText();
        assertEquals(404, gateway.send(acme.realm(), "POST", "/api/2.0/token/delete", user, "{\"token_id\": \"" + otherId + "\"}").statusCode());
        assertTrue(store.get(TenantId.of(acme.realm()), otherId).isPresent());
    }

    @Test
    void anAcmeAccessTokenAndPersonalAccessTokenAreRefusedOnEveryGlobexRouteLikeAMissingResource() throws Exception {
        String accessToken = TestGateway.serviceAccountToken(acme);
        String personal = TestGateway.json(create(acme, accessToken, "{}")).get("token_value").asText();
        assertEquals(200, gateway.get(acme.realm(), ME, personal).statusCode());
        List<GatewayRoute> authenticated = gateway.routeTable().stream().filter(GatewayRoute::authenticated).toList();
        assertTrue(authenticated.size() >= 7, "the route table: " + authenticated);
        for (GatewayRoute route : authenticated) {
            String path = route.path().replace(":token_id", randomId());
            String body = route.method() == HttpMethod.POST ? "{\"token_id\": \"" + randomId() + "\", \"comment\": \"x\"}" : null;
            HttpResponse<String> missing = gateway.send("nobody", route.method().name(), path, accessToken, body);
            for (String credential : List.of(accessToken, personal)) {
                HttpResponse<String> refused = gateway.send(globex.realm(), route.method().name(), path, credential, body);
                String what = route.method() + " " + route.path() + " with " + (credential == personal ? "a PAT" : "an access token");
                assertEquals(404, refused.statusCode(), what + ": " + refused.body());
                assertEquals(withoutRequestId(missing.body()), withoutRequestId(refused.body()), what);
                assertFalse(refused.body().contains(acme.realm()), what);
                AuditEvent event = single(refused);
                assertEquals(TenantId.of(globex.realm()), event.tenantId(), what);
                assertEquals(Outcome.DENIED, event.outcome(), what);
                assertEquals("other_tenant", event.requestParameters().get(RequestAudit.AUTHENTICATION_FAILURE), what);
            }
        }
        assertEquals(0, store.list(TenantId.of(globex.realm()), Optional.empty(), 100).size(), "nothing was made at globex");
    }

    private static void assertRefused(HttpResponse<String> response, String reason) throws Exception {
        assertEquals(401, response.statusCode(), reason + ": " + response.body());
        assertEquals("UNAUTHENTICATED", TestGateway.json(response).get("error_code").asText());
        assertEquals(reason, single(response).requestParameters().get(RequestAudit.AUTHENTICATION_FAILURE));
    }

    private static AuditEvent single(HttpResponse<String> response) {
        List<AuditEvent> events = gateway.auditEventsOf(response);
        assertEquals(1, events.size(), "one audit event per request: " + events);
        return events.get(0);
    }

    private static String outboxText() throws Exception {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.walk(gateway.outboxDirectory())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                text.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        return text.toString();
    }

    private static List<String> ids(JsonNode infos) {
        List<String> ids = new ArrayList<>();
        infos.forEach(info -> ids.add(info.get("token_id").asText()));
        return ids;
    }

    private static JsonNode find(JsonNode infos, String tokenId) {
        for (JsonNode info : infos) {
            if (info.get("token_id").asText().equals(tokenId)) {
                return info;
            }
        }
        throw new AssertionError("token " + tokenId + " not listed: " + infos);
    }

    private static String withoutRequestId(String body) {
        return body.replaceAll("\"request_id\"\\s*:\\s*\"[^\"]*\"", "");
    }

    private static String randomId() {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }
}

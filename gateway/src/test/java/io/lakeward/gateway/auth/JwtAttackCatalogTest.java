package io.lakeward.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuthenticationMethod;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.id.TenantId;
import io.lakeward.gateway.GatewayConfig;
import io.lakeward.gateway.TestGateway;
import io.lakeward.gateway.audit.RequestAudit;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import io.lakeward.testing.keycloak.TestingKeycloak;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JWT attack catalog against a real gateway whose tenants are real Keycloak realms. Hostile
 * tokens are made with Nimbus; where an attack needs a valid signature (claims, headers, duplicate
 * members) it is signed by a key imported into the realm, which the realm's JWKS publishes, so each
 * case differs from an accepted token ({@link #aForgedTokenWithNothingWrongIsAccepted}) only by the
 * property under attack. Every case must be refused with 401, the generic error body, and one
 * audit event in the gateway's outbox naming the reason.
 */
class JwtAttackCatalogTest {
    private static final String ME = "/api/2.0/preview/scim/v2/Me";
    private static final String GENERIC = "credentials are missing, invalid or expired";

    private static Path state;
    private static TestGateway gateway;
    private static ProvisionedRealm target;
    private static ProvisionedRealm otherTenant;
    private static ProvisionedRealm noTenant;
    private static TokenForge forge;
    private static TokenForge otherForge;
    private static TokenForge noTenantForge;
    private static String realToken;

    @BeforeAll
    static void start() throws Exception {
        TestingKeycloak.TenantRealmPool pool = TestingKeycloak.get().tenantRealmPool(3);
        target = pool.take();
        otherTenant = pool.take();
        noTenant = pool.take();
        forge = TokenForge.forRealm(target);
        otherForge = TokenForge.forRealm(otherTenant);
        noTenantForge = TokenForge.forRealm(noTenant);
        state = Files.createTempDirectory("jwt-attack-catalog");
        gateway = TestGateway.start(state, List.of(target, otherTenant), GatewayConfig.TokenSettings.defaults(),
                new InMemoryPersonalAccessTokenStore());
        realToken = TestGateway.serviceAccountToken(target);
        assertEquals(200, gateway.get(target.realm(), ME, realToken).statusCode(), "the real token of the realm is accepted");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @FunctionalInterface
    interface Attack {
        String token() throws Exception;
    }

    static Stream<Arguments> attacks() {
        return Stream.of(
                attack("alg none", RefusalReason.ALGORITHM_NOT_ALLOWED, () -> new PlainJWT(forge.accessTokenClaims().build()).serialize()),
                attack("alg None", RefusalReason.ALGORITHM_NOT_ALLOWED, () -> unsigned("None")),
                attack("alg NONE", RefusalReason.ALGORITHM_NOT_ALLOWED, () -> unsigned("NONE")),
                attack("alg nOnE", RefusalReason.ALGORITHM_NOT_ALLOWED, () -> unsigned("nOnE")),
                attack("alg rs256 (wrong case)", RefusalReason.ALGORITHM_NOT_ALLOWED, () -> withHeader(
                        "{\"alg\":\"rs256\",\"typ\":\"JWT\",\"kid\":\"" + forge.keyId + "\"}", forge.token(c -> c))),
                attack("stripped signature", RefusalReason.BAD_SIGNATURE, () -> {
                    String token = forge.token(c -> c);
                    return token.substring(0, token.lastIndexOf('.') + 1);
                }),
                attack("payload modified after signing", RefusalReason.BAD_SIGNATURE, () -> {
                    String[] parts = realToken.split("\\.");
                    String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8).replace("workspace-user", "tenant-admin");
                    return parts[0] + "." + TokenForge.encode(payload) + "." + parts[2];
                }),
                attack("HS256 keyed with the realm's RSA public key", RefusalReason.ALGORITHM_NOT_ALLOWED, () -> {
                    SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).keyID(forge.keyId).build(),
                            forge.accessTokenClaims().build());
                    confused.sign(new MACSigner(forge.key.toRSAPublicKey().getEncoded()));
                    return confused.serialize();
                }),
                attack("embedded jwk", RefusalReason.HEADER_NOT_ALLOWED, () -> {
                    RSAKey attacker = new RSAKeyGenerator(2048).keyID(forge.keyId).generate();
                    return signedBy(attacker, forge.header().jwk(attacker.toPublicJWK()).build());
                }),
                attack("jku elsewhere", RefusalReason.HEADER_NOT_ALLOWED, () ->
                        forge.sign(forge.header().jwkURL(URI.create("https://attacker.example/jwks.json")).build(), forge.accessTokenClaims().build())),
                attack("x5u elsewhere", RefusalReason.HEADER_NOT_ALLOWED, () ->
                        forge.sign(forge.header().x509CertURL(URI.create("https://attacker.example/cert.pem")).build(), forge.accessTokenClaims().build())),
                attack("kid path traversal", RefusalReason.BAD_KEY_ID, () -> forge.sign(
                        new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID("../../../../etc/passwd").build(), forge.accessTokenClaims().build())),
                attack("kid injection", RefusalReason.BAD_KEY_ID, () -> forge.sign(
                        new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID("x' OR '1'='1").build(), forge.accessTokenClaims().build())),
                attack("unknown kid", RefusalReason.UNKNOWN_KEY, () -> forge.sign(
                        new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID("k" + UUID.randomUUID().toString().replace("-", "")).build(),
                        forge.accessTokenClaims().build())),
                attack("ECDSA r=s=0", RefusalReason.ALGORITHM_NOT_ALLOWED, () -> TokenForge.encode("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"" + forge.keyId + "\"}")
                        + "." + TokenForge.encode(forge.accessTokenClaims().build().toString()) + "." + Base64URL.encode(new byte[64])),
                attack("expired", RefusalReason.EXPIRED, () -> forge.token(c -> c
                        .issueTime(Date.from(Instant.now().minusSeconds(900))).expirationTime(Date.from(Instant.now().minusSeconds(600))))),
                attack("nbf in the future", RefusalReason.NOT_YET_VALID, () -> forge.token(c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(600))))),
                attack("iat in the future", RefusalReason.ISSUED_IN_FUTURE, () -> forge.token(c -> c
                        .issueTime(Date.from(Instant.now().plusSeconds(600))).expirationTime(Date.from(Instant.now().plusSeconds(900))))),
                attack("missing exp", RefusalReason.MISSING_CLAIM, () -> forge.token(c -> c.expirationTime(null))),
                attack("missing iat", RefusalReason.MISSING_CLAIM, () -> forge.token(c -> c.issueTime(null))),
                attack("wrong aud", RefusalReason.WRONG_AUDIENCE, () -> forge.token(c -> c.audience(List.of("account", "some-other-service")))),
                attack("no aud", RefusalReason.WRONG_AUDIENCE, () -> forge.token(c -> c.audience((String) null))),
                attack("a realm that is no tenant", RefusalReason.UNKNOWN_ISSUER, () -> noTenantForge.token(c -> c)),
                attack("issuer of this tenant, key of another tenant's realm", RefusalReason.UNKNOWN_KEY, () -> {
                    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(otherForge.keyId).build(),
                            forge.accessTokenClaims().build());
                    jwt.sign(new RSASSASigner(otherForge.key));
                    return jwt.serialize();
                }),
                attack("ID token as access token", RefusalReason.WRONG_TOKEN_TYPE, () -> forge.token(c -> c.claim("typ", "ID").audience("lakeward-gateway"))),
                attack("logout token as access token", RefusalReason.WRONG_TOKEN_TYPE, () -> forge.sign(
                        new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("logout+jwt")).keyID(forge.keyId).build(),
                        forge.accessTokenClaims().claim("typ", "Logout").build())),
                attack("duplicate claims", RefusalReason.DUPLICATE_MEMBER, () -> {
                    String claims = forge.accessTokenClaims().build().toString();
                    String duplicated = claims.substring(0, claims.length() - 1) + ",\"typ\":\"ID\"}";
                    return forge.signRaw(forge.header().build(), duplicated);
                }),
                attack("duplicate header members", RefusalReason.DUPLICATE_MEMBER, () -> withHeader(
                        "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + forge.keyId + "\",\"alg\":\"none\"}", forge.token(c -> c))),
                attack("unknown crit", RefusalReason.CRITICAL_HEADER, () -> forge.sign(
                        forge.header().criticalParams(java.util.Set.of("lakeward-x")).customParam("lakeward-x", "1").build(), forge.accessTokenClaims().build())),
                attack("oversized token", RefusalReason.OVERSIZED, () -> forge.token(c -> c.claim("padding", "A".repeat(9000)))),
                attack("correct header, wrong key", RefusalReason.BAD_SIGNATURE, () -> signedBy(new RSAKeyGenerator(2048).generate(), forge.header().build())),
                attack("garbage", RefusalReason.MALFORMED, () -> "not-a-token"),
                attack("JWE compact form", RefusalReason.MALFORMED, () -> "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d"));
    }

    private static Arguments attack(String name, RefusalReason reason, Attack attack) {
        return Arguments.of(name, reason, attack);
    }

    private static String unsigned(String algorithm) {
        return TokenForge.encode("{\"alg\":\"" + algorithm + "\",\"typ\":\"JWT\"}") + "." + TokenForge.encode(forge.accessTokenClaims().build().toString()) + ".";
    }

    /** {@code token} with its header replaced (signature kept: it no longer covers the header). */
    private static String withHeader(String headerJson, String token) {
        return TokenForge.encode(headerJson) + token.substring(token.indexOf('.'));
    }

    private static String signedBy(RSAKey key, JWSHeader header) throws Exception {
        SignedJWT jwt = new SignedJWT(header, forge.accessTokenClaims().build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void isRefusedWith401AndAudited(String name, RefusalReason reason, Attack attack) throws Exception {
        HttpResponse<String> response = gateway.get(target.realm(), ME, attack.token());
        assertRefused(response, reason, name);
    }

    @Test
    void aMissingCredentialIsRefusedAndAudited() throws Exception {
        HttpResponse<String> response = gateway.get(target.realm(), ME, null);
        assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertRefused(response, RefusalReason.MISSING_CREDENTIAL, "missing credential");
    }

    @Test
    void aForgedTokenWithNothingWrongIsAccepted() throws Exception {
        // the control: the forge's key is trusted, so each attack above fails for its one difference
        HttpResponse<String> response = gateway.get(target.realm(), ME, forge.token(c -> c));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(TestGateway.json(response).get("internal_identity").asBoolean());
        assertFalse(TestGateway.json(response).get("authorization").asBoolean(), "the client's credential is not forwarded");
        AuditEvent event = single(response);
        assertEquals(Outcome.SUCCESS, event.outcome());
        assertEquals(AuthenticationMethod.BEARER_TOKEN, event.actor().authenticationMethod());
        assertEquals(Map.of(), event.requestParameters());
    }

    @Test
    void identityHeadersFromTheClientNeverReachTheService() throws Exception {
        List<String> claimed = List.of("X-Lakeward-Internal-Identity", "X-Lakeward-Tenant", "X-Forwarded-User", "X-Remote-User",
                "Remote-User", "X-Auth-Request-User", "X-Auth-Request-Email", "X-Forwarded-Groups", "X-MS-Client-Principal-Name", "Cookie");
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(gateway.url(target.realm(), ME))
                .header("Authorization", "Bearer " + forge.token(c -> c));
        claimed.forEach(name -> request.header(name, "admin"));
        HttpResponse<String> response = gateway.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode forwarded = TestGateway.json(response).get("headers");
        for (String name : claimed) {
            boolean internal = name.equalsIgnoreCase("X-Lakeward-Internal-Identity");
            boolean reached = false;
            for (JsonNode header : forwarded) {
                reached |= header.asText().equals(name.toLowerCase(java.util.Locale.ROOT));
            }
            // the internal identity reaches the service, but it is the gateway's own (the upstream sees one, made by the gateway)
            assertEquals(internal, reached, name + " in " + forwarded);
        }
    }

    @Test
    void unknownKeyIdsCostAtMostOneKeyFetchPerInterval() throws Exception {
        assertEquals(200, gateway.get(target.realm(), ME, realToken).statusCode());
        double before = gateway.keyFetches(target.realm());
        assertTrue(before >= 1, "the issuer's keys were fetched once at least");
        for (int i = 0; i < 8; i++) {
            String token = forge.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                    .keyID("unknown" + i + UUID.randomUUID().toString().replace("-", "")).build(), forge.accessTokenClaims().build());
            assertRefused(gateway.get(target.realm(), ME, token), RefusalReason.UNKNOWN_KEY, "unknown kid " + i);
        }
        double refetches = gateway.keyFetches(target.realm()) - before;
        assertTrue(refetches <= 1, "at most one refetch within the rate-limit window, was " + refetches);
        assertEquals(200, gateway.get(target.realm(), ME, forge.token(c -> c)).statusCode(), "known keys keep working");
    }

    @Test
    void aValidTokenOfAnotherTenantGetsTheAnswerOfAMissingResource() throws Exception {
        io.lakeward.testing.TestingHosts.register("nobody." + TestGateway.BASE);
        String otherToken = TestGateway.serviceAccountToken(otherTenant);
        assertEquals(200, gateway.get(otherTenant.realm(), ME, otherToken).statusCode());
        HttpResponse<String> crossTenant = gateway.get(target.realm(), ME, otherToken);
        HttpResponse<String> noSuchHost = gateway.get("nobody", ME, otherToken);
        assertEquals(404, crossTenant.statusCode());
        assertEquals(404, noSuchHost.statusCode());
        JsonNode cross = TestGateway.json(crossTenant);
        JsonNode missing = TestGateway.json(noSuchHost);
        assertEquals(missing.get("error_code"), cross.get("error_code"));
        assertEquals(missing.get("message"), cross.get("message"));
        assertFalse(crossTenant.body().contains(otherTenant.realm()), "the answer names no other tenant");
        assertTrue(crossTenant.headers().firstValue("WWW-Authenticate").isEmpty(), "no challenge that a missing resource would not get");
        AuditEvent event = single(crossTenant);
        assertEquals(TenantId.of(target.realm()), event.tenantId());
        assertEquals(Outcome.DENIED, event.outcome());
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, event.response().errorCode());
        assertEquals(RefusalReason.OTHER_TENANT.auditValue(), event.requestParameters().get(RequestAudit.AUTHENTICATION_FAILURE));
        // the second time comes from the verified-token cache, with the same answer
        HttpResponse<String> again = gateway.get(target.realm(), ME, otherToken);
        assertEquals(404, again.statusCode());
        assertEquals(crossTenant.body().replaceAll("\"request_id\":\"[^\"]*\"", ""), again.body().replaceAll("\"request_id\":\"[^\"]*\"", ""));
    }

    private static void assertRefused(HttpResponse<String> response, RefusalReason reason, String name) throws Exception {
        assertEquals(401, response.statusCode(), name + ": " + response.body());
        JsonNode body = TestGateway.json(response);
        assertEquals("UNAUTHENTICATED", body.get("error_code").asText(), name);
        assertEquals(GENERIC, body.get("message").asText(), name);
        assertNotNull(body.get("request_id"), name);
        assertEquals(3, body.size(), name + ": nothing but the three fields: " + response.body());
        AuditEvent event = single(response);
        assertEquals(TenantId.of(target.realm()), event.tenantId(), name);
        assertEquals("identity.read_self", event.action(), name);
        assertEquals(Outcome.DENIED, event.outcome(), name);
        assertEquals(401, event.response().statusCode(), name);
        assertEquals(reason.auditValue(), event.requestParameters().get(RequestAudit.AUTHENTICATION_FAILURE), name);
        assertTrue(event.actor().id() == null, name + ": a refused caller is anonymous");
    }

    private static AuditEvent single(HttpResponse<String> response) {
        List<AuditEvent> events = gateway.auditEventsOf(response);
        assertEquals(1, events.size(), "one audit event per request: " + events);
        return events.get(0);
    }
}

package io.lakeward.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.lakeward.audit.client.event.ActorType;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuthenticationMethod;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.id.TenantId;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bearer tokens at the gateway, with real Keycloak tokens and hostile ones made here: a tenant's
 * host accepts its own issuer's access tokens and nothing else.
 */
class GatewayTokenTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ME = "/api/2.0/preview/scim/v2/Me";
    private static RunningPlatform platform;
    private static String acmeToken;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.get();
        acmeToken = platform.serviceAccountToken("acme");
    }

    @Test
    void theServiceAccountTokenNamesItsIssuerAudienceAndRoles() throws Exception {
        SignedJWT token = SignedJWT.parse(acmeToken);
        JWTClaimsSet claims = token.getJWTClaimsSet();
        assertEquals(platform.issuer("acme").toString(), claims.getIssuer());
        assertTrue(claims.getAudience().contains("lakeward-gateway"), "audience: " + claims.getAudience());
        assertEquals("Bearer", claims.getStringClaim("typ"));
        assertEquals(JWSAlgorithm.RS256, token.getHeader().getAlgorithm());
        @SuppressWarnings("unchecked")
        List<String> roles = (List<String>) claims.getJSONObjectClaim("realm_access").get("roles");
        assertTrue(roles.contains("workspace-user"), "roles: " + roles);
        assertTrue(token.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(realmKey("acme", token.getHeader().getKeyID()))));
    }

    @Test
    void theAcmeHostAcceptsAnAcmeAccessToken() throws Exception {
        HttpResponse<String> response = platform.get(platform.tenantUrl("acme", ME), acmeToken);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode me = JSON.readTree(response.body());
        assertEquals("acme", me.get("lakeward_tenant").asText());
        assertEquals("service", me.get("lakeward_principal_type").asText());
        assertEquals("lakeward-automation", me.get("userName").asText());
    }

    @Test
    void theGlobexHostDoesNotAcceptTheAcmeIssuer() throws Exception {
        HttpResponse<String> crossTenant = platform.get(platform.tenantUrl("globex", ME), acmeToken);
        assertEquals(404, crossTenant.statusCode());
        // audited at the host it was sent to, as a denied, unauthenticated attempt with a bearer token
        List<AuditEvent> audited = platform.auditEventsOf(crossTenant);
        assertEquals(1, audited.size(), "audit events: " + audited);
        AuditEvent event = audited.get(0);
        assertEquals(TenantId.of("globex"), event.tenantId());
        assertEquals("identity.read_self", event.action());
        assertEquals(ActorType.ANONYMOUS, event.actor().type());
        assertEquals(AuthenticationMethod.BEARER_TOKEN, event.actor().authenticationMethod());
        assertEquals(Outcome.DENIED, event.outcome());
        assertEquals(404, event.response().statusCode());
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, event.response().errorCode());
        HostsFile.write(platform.config.hostsFile(), List.of("nobody." + platform.config.baseDomain()));
        HttpResponse<String> missing = platform.get(platform.tenantUrl("nobody", ME), acmeToken);
        // the same answer a host with no tenant gets: nothing tells the caller globex exists
        JsonNode crossBody = JSON.readTree(crossTenant.body());
        JsonNode missingBody = JSON.readTree(missing.body());
        assertEquals(missingBody.get("error_code"), crossBody.get("error_code"));
        assertEquals(missingBody.get("message"), crossBody.get("message"));

        String globexToken = platform.serviceAccountToken("globex");
        assertEquals(200, platform.get(platform.tenantUrl("globex", ME), globexToken).statusCode());
        // repeated cross-tenant requests stay 404: they never make the host refetch its issuer's keys
        for (int i = 0; i < 3; i++) {
            assertEquals(404, platform.get(platform.tenantUrl("acme", ME), globexToken).statusCode());
            assertEquals(404, platform.get(platform.tenantUrl("globex", ME), acmeToken).statusCode());
        }
    }

    @Test
    void aClientCannotSmuggleAnInternalIdentityPastTheGateway() throws Exception {
        // an assertion made by the client, claiming tenant-admin of acme, under a key of its own
        io.lakeward.common.identity.InternalServiceKeys ownKeys =
                io.lakeward.common.identity.InternalServiceKeys.generate(List.of("workspace-service"));
        String smuggled = new io.lakeward.common.identity.InternalIdentitySigner(ownKeys, java.time.Duration.ofSeconds(30),
                java.time.Clock.systemUTC()).sign("workspace-service", new io.lakeward.common.identity.Principal(
                        io.lakeward.common.id.TenantId.of("acme"), "intruder", "intruder", io.lakeward.common.identity.Principal.PrincipalType.USER,
                        List.of("tenant-admin"), List.of(), "oidc_access_token"), io.lakeward.common.id.RequestId.random());
        String globexToken = platform.serviceAccountToken("globex");
        HttpResponse<String> response = platform.https.send(java.net.http.HttpRequest.newBuilder(platform.tenantUrl("globex", ME))
                .header("Authorization", "Bearer " + globexToken)
                .header("X-Lakeward-Internal-Identity", smuggled)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode me = JSON.readTree(response.body());
        assertEquals("globex", me.get("lakeward_tenant").asText(), "the service sees the gateway's assertion, not the client's");
        assertTrue(!response.body().contains("tenant-admin") && !response.body().contains("intruder"), response.body());

        HttpResponse<String> withoutToken = platform.https.send(java.net.http.HttpRequest.newBuilder(platform.tenantUrl("acme", ME))
                .header("X-Lakeward-Internal-Identity", smuggled).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, withoutToken.statusCode());
    }

    @Test
    void aMissingCredentialIs401WithAChallenge() throws Exception {
        HttpResponse<String> response = platform.get(platform.tenantUrl("acme", ME), null);
        assertEquals(401, response.statusCode());
        assertEquals("UNAUTHENTICATED", JSON.readTree(response.body()).get("error_code").asText());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
    }

    @Test
    void forgedAndAlteredTokensAre401() throws Exception {
        SignedJWT real = SignedJWT.parse(acmeToken);
        JWTClaimsSet claims = real.getJWTClaimsSet();
        String kid = real.getHeader().getKeyID();

        // same claims and key id, signed by a key of our own
        RSAKey attackerKey = new RSAKeyGenerator(2048).keyID(kid).generate();
        SignedJWT selfSigned = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(kid).build(), claims);
        selfSigned.sign(new RSASSASigner(attackerKey));

        // "alg": "none"
        String unsigned = new PlainJWT(claims).serialize();

        // algorithm confusion: HS256 keyed with the issuer's public key
        byte[] publicKey = realmKey("acme", kid).getEncoded();
        SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).keyID(kid).build(), claims);
        confused.sign(new MACSigner(publicKey.length >= 32 ? publicKey : java.util.Arrays.copyOf(publicKey, 32)));

        // the real signature over an escalated payload
        String[] parts = acmeToken.split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8).replace("workspace-user", "tenant-admin");
        String altered = parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];

        // a valid signature, but the ID-token kind of payload type, made by our own key: still refused
        JWTClaimsSet idTokenClaims = new JWTClaimsSet.Builder(claims).claim("typ", "ID").build();
        SignedJWT idToken = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(kid).build(), idTokenClaims);
        idToken.sign(new RSASSASigner(attackerKey));

        Map<String, String> hostile = Map.of(
                "self-signed", selfSigned.serialize(),
                "alg none", unsigned,
                "algorithm confusion", confused.serialize(),
                "altered payload", altered,
                "ID token", idToken.serialize(),
                "oversized", acmeToken + "A".repeat(9000),
                "garbage", "not-a-token");
        for (var attempt : hostile.entrySet()) {
            HttpResponse<String> response = platform.get(platform.tenantUrl("acme", ME), attempt.getValue());
            assertEquals(401, response.statusCode(), attempt.getKey() + ": " + response.body());
            JsonNode body = JSON.readTree(response.body());
            assertEquals("UNAUTHENTICATED", body.get("error_code").asText(), attempt.getKey());
            assertNotNull(body.get("request_id"));
            assertTrue(!response.body().contains("signature") && !response.body().contains("Exception"), "generic message: " + response.body());
        }
        // and the real one still works afterwards: refusals did not poison the key cache
        assertEquals(200, platform.get(platform.tenantUrl("acme", ME), acmeToken).statusCode());
    }

    @Test
    void aPersonalAccessTokenWorksAtItsOwnTenantOnlyAndStopsWhenRevoked() throws Exception {
        HttpResponse<String> created = platform.https.send(java.net.http.HttpRequest.newBuilder(platform.tenantUrl("acme", "/api/2.0/token/create"))
                .header("Authorization", "Bearer " + acmeToken)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"lifetime_seconds\": 600, \"comment\": \"platform test\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, created.statusCode(), created.body());
        JsonNode answer = JSON.readTree(created.body());
        String token = answer.get("token_value").asText();
        String tokenId = answer.get("token_info").get("token_id").asText();
        assertTrue(token.startsWith("lkw_"));

        HttpResponse<String> me = platform.get(platform.tenantUrl("acme", ME), token);
        assertEquals(200, me.statusCode(), me.body());
        assertEquals("lakeward-automation", JSON.readTree(me.body()).get("userName").asText());
        assertEquals(AuthenticationMethod.PERSONAL_ACCESS_TOKEN, platform.auditEventsOf(me).get(0).actor().authenticationMethod());
        assertEquals(404, platform.get(platform.tenantUrl("globex", ME), token).statusCode());

        HttpResponse<String> deleted = platform.https.send(java.net.http.HttpRequest.newBuilder(platform.tenantUrl("acme", "/api/2.0/token/delete"))
                .header("Authorization", "Bearer " + acmeToken)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"token_id\": \"" + tokenId + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals(401, platform.get(platform.tenantUrl("acme", ME), token).statusCode());
    }

    private static java.security.interfaces.RSAPublicKey realmKey(String tenant, String kid) throws Exception {
        HttpResponse<String> jwks = platform.get(URI.create(platform.issuer(tenant) + "/protocol/openid-connect/certs"), null);
        return JWKSet.parse(jwks.body()).getKeyByKeyId(kid).toRSAKey().toRSAPublicKey();
    }
}

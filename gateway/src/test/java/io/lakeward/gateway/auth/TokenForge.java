package io.lakeward.gateway.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.lakeward.infra.keycloak.KeycloakAdminClient;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import io.lakeward.testing.keycloak.TestingKeycloak;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Makes tokens a realm's JWKS vouches for: an RSA key pair made here is imported into the real
 * Keycloak realm as an extra (lower-priority) signing key, so Keycloak publishes its public key
 * under a key id it chooses, while tokens signed with it can say anything. Each attack then
 * differs from a token the gateway accepts by the one property under attack.
 */
public final class TokenForge {
    final ProvisionedRealm realm;
    final RSAKey key;
    final String keyId;

    private TokenForge(ProvisionedRealm realm, RSAKey key, String keyId) {
        this.realm = realm;
        this.key = key;
        this.keyId = keyId;
    }

    /** Imports a new signing key into {@code realm} (priority below Keycloak's own, so Keycloak keeps signing with its key). */
    public static TokenForge forRealm(ProvisionedRealm realm) throws Exception {
        RSAKey generated = new RSAKeyGenerator(2048).generate();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(generated.toPrivateKey().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        KeycloakAdminClient admin = TestingKeycloak.get().adminClient();
        admin.addRealmSigningKey(realm.realm(), "test-forge", 10, Optional.of(pem));
        for (JWK published : realmKeys(realm).getKeys()) {
            if (published instanceof RSAKey rsa && rsa.getModulus().equals(generated.getModulus())) {
                RSAKey withId = new RSAKey.Builder(generated).keyID(rsa.getKeyID()).build();
                return new TokenForge(realm, withId, rsa.getKeyID());
            }
        }
        throw new IllegalStateException("Keycloak did not publish the imported key of " + realm.realm());
    }

    static JWKSet realmKeys(ProvisionedRealm realm) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(TestingKeycloak.get().sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> jwks = client.send(HttpRequest.newBuilder(realm.jwksUri()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JWKSet.parse(jwks.body());
    }

    /** The claims of a valid access token of the realm's automation service account, as Keycloak makes them. */
    JWTClaimsSet.Builder accessTokenClaims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(realm.issuer().toString())
                .audience(List.of("lakeward-gateway", "account"))
                .subject(UUID.randomUUID().toString())
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("typ", "Bearer")
                .claim("azp", "lakeward-automation")
                .claim("preferred_username", "service-account-lakeward-automation")
                .claim("realm_access", Map.of("roles", List.of("workspace-user")));
    }

    /** A valid access token of a user {@code subject} (user name {@code <subject>-name}) with these realm roles. */
    public String userToken(String subject, List<String> roles) throws Exception {
        return token(claims -> claims.subject(subject)
                .claim("preferred_username", subject + "-name")
                .claim("azp", "lakeward-gateway")
                .claim("realm_access", Map.of("roles", roles)));
    }

    JWSHeader.Builder header() {
        return new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(keyId);
    }

    /** A valid token, with its claims changed by {@code change}. */
    String token(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        return sign(header().build(), change.apply(accessTokenClaims()).build());
    }

    String sign(JWSHeader header, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** Signs a payload given as raw JSON text (kept byte for byte, e.g. with duplicate members). */
    String signRaw(JWSHeader header, String payloadJson) throws Exception {
        JWSObject object = new JWSObject(header, new Payload(Base64URL.encode(payloadJson.getBytes(StandardCharsets.UTF_8))));
        object.sign(new RSASSASigner(key));
        return object.serialize();
    }

    static String encode(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }
}

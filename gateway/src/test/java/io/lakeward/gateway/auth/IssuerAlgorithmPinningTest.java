package io.lakeward.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.Principal;
import io.lakeward.common.tenant.InMemoryTenantDirectory;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An issuer's access tokens must carry the one algorithm it is pinned to, even when its key set
 * also publishes keys for others. Each issuer here publishes an EC P-256, an EC P-384 and an RSA
 * key; {@code ec} is pinned to ES256, {@code rsa} takes the default RS256. Verification runs
 * against discovery documents and key sets served from memory, the key sets at places no
 * identity provider's make would suggest: what is under test is the verifier's choice of
 * algorithm and key, which no identity provider decides.
 */
class IssuerAlgorithmPinningTest {
    private static final URI EC_ISSUER = URI.create("https://idp.example/realms/ec");
    private static final URI RSA_ISSUER = URI.create("https://idp.example/realms/rsa");
    private static ECKey p256;
    private static ECKey p384;
    private static RSAKey rsa;
    private static Tenant ec;
    private static Tenant rsaTenant;
    private static AccessTokenVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        p256 = new ECKeyGenerator(Curve.P_256).keyID("p256").generate();
        p384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate();
        rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
        String jwks = new JWKSet(List.of(p256.toPublicJWK(), p384.toPublicJWK(), rsa.toPublicJWK())).toString();
        ec = new Tenant(TenantId.of("ec"), "EC", "ec.lakeward.localhost", EC_ISSUER, TenantStatus.ACTIVE);
        rsaTenant = new Tenant(TenantId.of("rsa"), "RSA", "rsa.lakeward.localhost", RSA_ISSUER, TenantStatus.ACTIVE);
        verifier = new AccessTokenVerifier(new InMemoryTenantDirectory(List.of(ec, rsaTenant)),
                new AccessTokenVerifier.Settings("lakeward-gateway", Duration.ofSeconds(30), Duration.ofMinutes(5), 0,
                        Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofHours(12),
                        IssuerAlgorithms.of(Map.of(EC_ISSUER, JWSAlgorithm.ES256))),
                DiscoveryDocuments.serving(Map.of(EC_ISSUER, URI.create("https://keys.example/ec"), RSA_ISSUER, URI.create("https://keys.example/rsa")),
                        jwks), new SimpleMeterRegistry(), Clock.systemUTC());
    }

    @Test
    void eachIssuerAcceptsItsPinnedAlgorithm() throws Exception {
        Principal principal = verifier.verify(ec, token(EC_ISSUER, JWSAlgorithm.ES256, "p256", new ECDSASigner(p256)));
        assertEquals(TenantId.of("ec"), principal.tenant());
        assertEquals(TenantId.of("rsa"), verifier.verify(rsaTenant, token(RSA_ISSUER, JWSAlgorithm.RS256, "rsa", new RSASSASigner(rsa))).tenant());
    }

    @Test
    void aValidSignatureWithAnotherAlgorithmIsRefused() throws Exception {
        // each token is correctly signed with a key the issuer publishes, but not with its pinned algorithm
        assertRefused(RefusalReason.ALGORITHM_NOT_ALLOWED, ec, token(EC_ISSUER, JWSAlgorithm.RS256, "rsa", new RSASSASigner(rsa)));
        assertRefused(RefusalReason.ALGORITHM_NOT_ALLOWED, ec, token(EC_ISSUER, JWSAlgorithm.PS256, "rsa", new RSASSASigner(rsa)));
        assertRefused(RefusalReason.ALGORITHM_NOT_ALLOWED, ec, token(EC_ISSUER, JWSAlgorithm.ES384, "p384", new ECDSASigner(p384)));
        assertRefused(RefusalReason.ALGORITHM_NOT_ALLOWED, rsaTenant, token(RSA_ISSUER, JWSAlgorithm.ES256, "p256", new ECDSASigner(p256)));
    }

    @Test
    void theKeyMustFitThePinnedAlgorithm() throws Exception {
        // ES256 in the header, the RSA key's id: no EC P-256 key has that id
        String signedWithP256 = token(EC_ISSUER, JWSAlgorithm.ES256, "rsa", new ECDSASigner(p256));
        assertRefused(RefusalReason.UNKNOWN_KEY, ec, signedWithP256);
        // ES256 in the header, the P-384 key's id: the wrong curve for ES256
        assertRefused(RefusalReason.UNKNOWN_KEY, ec, token(EC_ISSUER, JWSAlgorithm.ES256, "p384", new ECDSASigner(p256)));
    }

    @Test
    void anEcdsaSignatureOfZerosIsRefusedByAnEcdsaPinnedIssuer() throws Exception {
        String valid = token(EC_ISSUER, JWSAlgorithm.ES256, "p256", new ECDSASigner(p256));
        String[] parts = valid.split("\\.");
        String zeros = parts[0] + "." + parts[1] + "." + Base64URL.encode(new byte[64]);
        assertRefused(RefusalReason.BAD_SIGNATURE, ec, zeros);
        // and another key's signature (P-256, right algorithm, wrong key) too
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID("p256").generate();
        assertRefused(RefusalReason.BAD_SIGNATURE, ec, token(EC_ISSUER, JWSAlgorithm.ES256, "p256", new ECDSASigner(other)));
    }

    @Test
    void onlyPublicKeyAlgorithmsCanBePinned() {
        ConfigProblems problems = new ConfigProblems();
        IssuerAlgorithms parsed = IssuerAlgorithms.parse("https://a.example/realms/x=ES384 https://b.example=PS256", "gateway.token.algorithms", problems);
        assertTrue(problems.all().isEmpty(), problems.all().toString());
        assertEquals(JWSAlgorithm.ES384, parsed.of(URI.create("https://a.example/realms/x")));
        assertEquals(JWSAlgorithm.PS256, parsed.of(URI.create("https://b.example")));
        assertEquals(JWSAlgorithm.RS256, parsed.of(URI.create("https://c.example")));

        for (String bad : List.of("https://a.example=HS256", "https://a.example=none", "https://a.example=es256", "a.example=RS256",
                "https://a.example", "https://a.example=RS256 https://a.example=ES256")) {
            ConfigProblems refused = new ConfigProblems();
            IssuerAlgorithms.parse(bad, "gateway.token.algorithms", refused);
            assertTrue(!refused.all().isEmpty(), bad + " was accepted");
        }
        assertThrows(IllegalArgumentException.class, () -> IssuerAlgorithms.of(Map.of(EC_ISSUER, JWSAlgorithm.HS256)));
    }

    private static void assertRefused(RefusalReason reason, Tenant tenant, String token) {
        TokenRefusedException refused = assertThrows(TokenRefusedException.class, () -> verifier.verify(tenant, token));
        assertEquals(reason, refused.reason());
    }

    private static String token(URI issuer, JWSAlgorithm algorithm, String keyId, JWSSigner signer) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(keyId).build(),
                new JWTClaimsSet.Builder().issuer(issuer.toString()).audience(List.of("lakeward-gateway")).subject(UUID.randomUUID().toString())
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                        .claim("typ", "Bearer").claim("azp", "lakeward-automation").claim("preferred_username", "alice").build());
        jwt.sign(signer);
        return jwt.serialize();
    }
}

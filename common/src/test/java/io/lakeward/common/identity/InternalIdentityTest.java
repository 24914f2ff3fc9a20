package io.lakeward.common.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class InternalIdentityTest {
    private static final List<String> SERVICES = List.of("workspace-service", "compute", "audit");
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final TenantId ACME = TenantId.of("acme");
    private static final Principal USER = new Principal(ACME, "user-1", "ada", Principal.PrincipalType.USER, List.of("workspace-user"),
            List.of("analysts"), "oidc_session");

    private final InternalServiceKeys keys = InternalServiceKeys.generate(SERVICES);
    private final MutableClock clock = new MutableClock(NOW);
    private final InternalIdentitySigner signer = new InternalIdentitySigner(keys, Duration.ofSeconds(30), clock);
    private final InternalIdentityVerifier workspace = new InternalIdentityVerifier("workspace-service", keys.keyOf("workspace-service"), clock);

    private String assertionFor(String service) {
        return signer.sign(service, USER, new RequestId("0123456789abcdef0123456789abcdef"));
    }

    @Test
    void aFreshAssertionForThisServiceCarriesTheIdentity() {
        InternalIdentity identity = workspace.verify(assertionFor("workspace-service"));
        assertEquals(USER, identity.principal());
        assertEquals("0123456789abcdef0123456789abcdef", identity.requestId().value());
    }

    @Test
    void missingOrGarbageIsRefused() {
        refused(() -> workspace.verify(null));
        refused(() -> workspace.verify(""));
        refused(() -> workspace.verify("not.a.jwt"));
        refused(() -> workspace.verify("x".repeat(10_000)));
    }

    @Test
    void anAssertionForAnotherServiceIsRefused() {
        // signed under compute's key and naming compute: useless at the workspace service
        refused(() -> workspace.verify(assertionFor("compute")));
    }

    @Test
    void anAssertionForThisAudienceUnderAnotherKeyIsRefused() throws Exception {
        InternalServiceKeys otherKeys = InternalServiceKeys.generate(SERVICES);
        Principal admin = new Principal(ACME, "user-1", "ada", Principal.PrincipalType.USER, List.of("tenant-admin"), List.of(), "oidc_session");
        String forged = new InternalIdentitySigner(otherKeys, Duration.ofSeconds(30), clock).sign("workspace-service", admin, RequestId.random());
        refused(() -> workspace.verify(forged));
    }

    @Test
    void tamperedClaimsAreRefused() {
        String[] parts = assertionFor("workspace-service").split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8);
        String escalated = payload.replace("\"acme\"", "\"globex\"").replace("workspace-user", "tenant-admin");
        String tampered = parts[0] + "." + Base64URL.encode(escalated) + "." + parts[2];
        refused(() -> workspace.verify(tampered));
    }

    @Test
    void expiredAndReplayedAfterExpiryAreRefused() {
        String assertion = assertionFor("workspace-service");
        workspace.verify(assertion);
        clock.advance(Duration.ofSeconds(30 + 6));
        refused(() -> workspace.verify(assertion));
        clock.advance(Duration.ofHours(1));
        refused(() -> workspace.verify(assertion));
    }

    @Test
    void unsignedAndAlgorithmSwitchesAreRefused() throws Exception {
        JWTClaimsSet claims = validClaims(NOW, NOW.plusSeconds(30));
        refused(() -> workspace.verify(new PlainJWT(claims).serialize()));

        SignedJWT hs512 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS512).type(new JOSEObjectType("lakeward-internal+jwt")).build(), claims);
        byte[] longKey = new byte[64];
        System.arraycopy(keys.keyOf("workspace-service").getEncoded(), 0, longKey, 0, 32);
        hs512.sign(new MACSigner(longKey));
        refused(() -> workspace.verify(hs512.serialize()));
    }

    @Test
    void aTokenOfAnotherTypeOrWithTooLongALifeIsRefused() throws Exception {
        SignedJWT plainJwtType = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                validClaims(NOW, NOW.plusSeconds(30)));
        plainJwtType.sign(new MACSigner(keys.keyOf("workspace-service")));
        refused(() -> workspace.verify(plainJwtType.serialize()));

        SignedJWT longLived = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("lakeward-internal+jwt")).build(),
                validClaims(NOW, NOW.plus(Duration.ofHours(1))));
        longLived.sign(new MACSigner(keys.keyOf("workspace-service")));
        refused(() -> workspace.verify(longLived.serialize()));

        SignedJWT future = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("lakeward-internal+jwt")).build(),
                validClaims(NOW.plusSeconds(40), NOW.plusSeconds(70)));
        future.sign(new MACSigner(keys.keyOf("workspace-service")));
        refused(() -> workspace.verify(future.serialize()));
    }

    @Test
    void signerRefusesLifetimesOverSixtySeconds() {
        assertThrows(IllegalArgumentException.class, () -> new InternalIdentitySigner(keys, Duration.ofSeconds(61), clock));
        assertThrows(IllegalArgumentException.class, () -> new InternalIdentitySigner(keys, Duration.ZERO, clock));
    }

    @Test
    void keysPersistOwnerOnlyAndDifferPerService(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("secrets").resolve("internal-keys.properties");
        InternalServiceKeys first = InternalServiceKeys.loadOrCreate(file, SERVICES);
        InternalServiceKeys second = InternalServiceKeys.loadOrCreate(file, SERVICES);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(first.keyOf("audit"), second.keyOf("audit"));
        org.junit.jupiter.api.Assertions.assertNotEquals(first.keyOf("audit"), first.keyOf("compute"));
        assertThrows(IllegalArgumentException.class, () -> first.keyOf("gateway"));
    }

    private static JWTClaimsSet validClaims(Instant issued, Instant expires) {
        return new JWTClaimsSet.Builder()
                .issuer("lakeward-gateway").audience("workspace-service").subject("user-1")
                .issueTime(Date.from(issued)).expirationTime(Date.from(expires)).jwtID("j-1")
                .claim("tenant", "acme").claim("name", "ada").claim("principal_type", "USER").claim("roles", List.of("tenant-admin"))
                .claim("groups", List.of()).claim("amr", "oidc_session").claim("request_id", "0123456789abcdef0123456789abcdef")
                .build();
    }

    private static void refused(Executable call) {
        LakewardException thrown = assertThrows(LakewardException.class, call);
        assertEquals(ErrorCode.UNAUTHENTICATED, thrown.code());
    }

    /** A clock tests can move. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}

package io.lakeward.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.tenant.InMemoryTenantDirectory;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Access-token keys come from the key set the issuer's discovery document names: a document that
 * cannot be had or does not hold is an outage (503), not a refusal of the caller, and is asked for
 * at most once per refetch interval however many tokens arrive meanwhile.
 */
class IssuerDiscoveryTest {
    private static final URI ISSUER = URI.create("https://login.example/tenant-1/v2.0");

    @Test
    void aFailingDocumentIsAnOutageAskedForAtMostOncePerInterval() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        String jwks = new JWKSet(key.toPublicJWK()).toString();
        AtomicInteger discoveries = new AtomicInteger();
        AtomicBoolean issuerUp = new AtomicBoolean(false);
        AtomicBoolean lying = new AtomicBoolean(false);
        URI keys = URI.create("https://login.example/tenant-1/discovery/v2.0/keys");
        Tenant tenant = new Tenant(TenantId.of("acme"), "Acme", "acme.lakeward.localhost", ISSUER, TenantStatus.ACTIVE);
        AccessTokenVerifier verifier = new AccessTokenVerifier(new InMemoryTenantDirectory(List.of(tenant)),
                new AccessTokenVerifier.Settings("lakeward-gateway", Duration.ofSeconds(30), Duration.ofMinutes(5), 0,
                        Duration.ofMinutes(10), Duration.ofMillis(300), Duration.ofHours(12), IssuerAlgorithms.rs256()),
                url -> {
                    if (url.toString().endsWith("/.well-known/openid-configuration")) {
                        discoveries.incrementAndGet();
                        if (!issuerUp.get()) {
                            throw new IOException("connection refused");
                        }
                        return new Resource(DiscoveryDocuments.document(lying.get() ? URI.create("https://evil.example") : ISSUER, keys),
                                "application/json");
                    }
                    if (url.toString().equals(keys.toString())) {
                        return new Resource(jwks, "application/json");
                    }
                    throw new IOException("HTTP 404 for " + url);
                }, new SimpleMeterRegistry(), Clock.systemUTC());
        String token = token(key);

        for (int i = 0; i < 20; i++) {
            LakewardException outage = assertThrows(LakewardException.class, () -> verifier.verify(tenant, token));
            assertEquals(ErrorCode.TEMPORARILY_UNAVAILABLE, outage.code());
        }
        assertEquals(1, discoveries.get(), "20 tokens, one discovery attempt within the interval");

        // up, but its document names another issuer: still no keys
        issuerUp.set(true);
        lying.set(true);
        Thread.sleep(400);
        assertThrows(LakewardException.class, () -> verifier.verify(tenant, token));
        assertEquals(2, discoveries.get());

        // an honest document: the token verifies with the key set it names
        lying.set(false);
        Thread.sleep(400);
        assertEquals(TenantId.of("acme"), verifier.verify(tenant, token).tenant());
        assertEquals(3, discoveries.get());
        verifier.verify(tenant, token);
        assertEquals(3, discoveries.get(), "the document is not asked for again once the key set is known");
    }

    private static String token(RSAKey key) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER.toString()).audience(List.of("lakeward-gateway")).subject(UUID.randomUUID().toString())
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                        .claim("typ", "Bearer").claim("azp", "lakeward-automation").claim("preferred_username", "alice").build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}

package io.lakeward.gateway.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.lakeward.common.id.TenantId;
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
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Access-token verifications per second: {@code uncached} (every call parses, checks the header and
 * claims and verifies the RS256 signature) and {@code cached} (the verified-token cache answers:
 * one SHA-256 and a map lookup). The token has the size and shape of a Keycloak access token; the
 * issuer's key set is served from memory, since it is fetched once and cached either way. Not run
 * by the build; see the README for the command.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AccessTokenVerificationBenchmark {
    private static final URI ISSUER = URI.create("https://auth.lakeward.localhost:9543/realms/acme");

    @Param({"uncached", "cached"})
    public String cache;

    private AccessTokenVerifier verifier;
    private Tenant tenant;
    private String token;

    @Setup(Level.Trial)
    public void start() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString().replace("-", "")).generate();
        String jwks = new JWKSet(key.toPublicJWK()).toString();
        tenant = new Tenant(TenantId.of("acme"), "Acme", "acme.lakeward.localhost", ISSUER, TenantStatus.ACTIVE);
        int cacheSize = cache.equals("cached") ? 10_000 : 0;
        verifier = new AccessTokenVerifier(new InMemoryTenantDirectory(List.of(tenant)),
                new AccessTokenVerifier.Settings("lakeward-gateway", Duration.ofSeconds(30), Duration.ofMinutes(5), cacheSize,
                        Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofHours(12), IssuerAlgorithms.rs256()),
                DiscoveryDocuments.serving(Map.of(ISSUER, URI.create(ISSUER + "/keys")), jwks), new SimpleMeterRegistry(), Clock.systemUTC());
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder()
                        .issuer(ISSUER.toString()).audience(List.of("lakeward-gateway", "account")).subject(UUID.randomUUID().toString())
                        .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)))
                        .claim("typ", "Bearer").claim("azp", "lakeward-automation").claim("scope", "openid profile email")
                        .claim("preferred_username", "service-account-lakeward-automation").claim("email_verified", false)
                        .claim("realm_access", Map.of("roles", List.of("workspace-user", "offline_access", "uma_authorization")))
                        .claim("resource_access", Map.of("account", Map.of("roles", List.of("manage-account", "view-profile"))))
                        .claim("groups", List.of("data-engineers")).claim("clientHost", "127.0.0.1").claim("clientAddress", "127.0.0.1")
                        .claim("client_id", "lakeward-automation").claim("acr", "1").claim("sid", UUID.randomUUID().toString())
                        .build());
        jwt.sign(new RSASSASigner(key));
        token = jwt.serialize();
        verifier.verify(tenant, token);
    }

    @Benchmark
    public Object verify() {
        return verifier.verify(tenant, token);
    }
}

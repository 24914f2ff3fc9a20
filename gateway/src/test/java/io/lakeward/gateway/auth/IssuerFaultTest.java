package io.lakeward.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import io.lakeward.common.config.Secret;
import io.lakeward.gateway.GatewayConfig;
import io.lakeward.gateway.TestGateway;
import io.lakeward.infra.keycloak.KeycloakDistribution;
import io.lakeward.infra.keycloak.KeycloakOptions;
import io.lakeward.infra.keycloak.KeycloakServer;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import io.lakeward.infra.keycloak.TenantRealmSpec;
import io.lakeward.keyvault.tls.DevCertificateAuthority;
import io.lakeward.keyvault.tls.ServerCertificate;
import io.lakeward.testing.TestingHosts;
import io.lakeward.testing.keycloak.TestingKeycloak;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The issuer misbehaving while the gateway runs, with real Keycloak servers: its signing key
 * rotated (new tokens accepted without a restart), and the server stopped (unexpired tokens keep
 * working from the cached keys). The outage test runs a Keycloak of its own, since it stops it.
 */
class IssuerFaultTest {
    private static final String ME = "/api/2.0/preview/scim/v2/Me";

    private static GatewayConfig.TokenSettings settings(Duration keysCacheTtl, Duration refetchInterval, Duration tokenCacheTtl) {
        GatewayConfig.TokenSettings defaults = GatewayConfig.TokenSettings.defaults();
        return new GatewayConfig.TokenSettings(tokenCacheTtl, defaults.cacheSize(), keysCacheTtl, refetchInterval,
                defaults.keysOutageTolerance(), defaults.personalTokenMaxLifetime(), defaults.personalTokenMaxPerPrincipal(),
                defaults.personalTokenCacheTtl(), defaults.personalTokenLastUseFlush());
    }

    @Test
    void aRotatedSigningKeyIsPickedUpWithoutARestart() throws Exception {
        ProvisionedRealm realm = TestingKeycloak.get().newTenantRealm();
        try (TestGateway gateway = TestGateway.start(Files.createTempDirectory("key-rotation"), List.of(realm),
                settings(Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofMinutes(5)), new InMemoryPersonalAccessTokenStore())) {
            String before = TestGateway.serviceAccountToken(realm);
            assertEquals(200, gateway.get(realm.realm(), ME, before).statusCode());

            TestingKeycloak.get().adminClient().addRealmSigningKey(realm.realm(), "rotated", 1000, Optional.empty());
            String after = TestGateway.serviceAccountToken(realm);
            assertNotEquals(SignedJWT.parse(before).getHeader().getKeyID(), SignedJWT.parse(after).getHeader().getKeyID(),
                    "Keycloak signs with the new key");

            // the new key id is unknown to the cached key set: refetched within the rate limit's interval
            Instant deadline = Instant.now().plusSeconds(20);
            int status;
            do {
                status = gateway.get(realm.realm(), ME, after).statusCode();
            } while (status != 200 && Instant.now().isBefore(deadline));
            assertEquals(200, status, "a token signed with the rotated key is accepted");
            assertTrue(gateway.keyFetches(realm.realm()) >= 2);
            assertEquals(200, gateway.get(realm.realm(), ME, before).statusCode(), "tokens of the previous key still work");
        }
    }

    @Test
    void unexpiredTokensKeepWorkingWhileTheIssuerIsDown() throws Exception {
        Path state = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "issuer-outage-");
        DevCertificateAuthority ca = DevCertificateAuthority.loadOrCreate(state.resolve("ca"));
        ServerCertificate certificate = ca.issueServerCertificate("keycloak", List.of(TestingKeycloak.HOSTNAME));
        TestingHosts.register(TestingKeycloak.HOSTNAME);
        Path home = KeycloakDistribution.copyInto(state, KeycloakDistribution.cacheDirectory());
        KeycloakServer keycloak = KeycloakServer.start(new KeycloakOptions(home, TestingKeycloak.HOSTNAME, 0, 0, certificate.certificatePem(),
                certificate.privateKeyPem(), ca.caCertificatePem(), Path.of(System.getProperty("jdk.net.hosts.file")), "lakeward-admin",
                Secret.of(UUID.randomUUID().toString()), state.resolve("keycloak.log"), null, Duration.ofMinutes(3)));
        try {
            String tenantId = "t-" + UUID.randomUUID().toString().substring(0, 8);
            TestingHosts.register(tenantId + "." + TestGateway.BASE);
            ProvisionedRealm realm = keycloak.provisioner().ensureTenantRealm(TenantRealmSpec.of(tenantId, "Outage tenant",
                    "https://" + tenantId + "." + TestGateway.BASE + ":9443", false), state.resolve("secrets"));
            // a short key-set lifetime, so that requests during the outage must try to refetch, and no
            // verified-token cache, so that every request is verified with the keys again
            try (TestGateway gateway = TestGateway.start(state.resolve("gateway"), ca, keycloak.serverUrl() + "/realms/", List.of(realm),
                    settings(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ZERO), new InMemoryPersonalAccessTokenStore())) {
                String token = TestGateway.serviceAccountToken(realm, ca);
                String unseen = TestGateway.serviceAccountToken(realm, ca);
                assertEquals(200, gateway.get(realm.realm(), ME, token).statusCode());
                double fetchesBefore = gateway.keyFetches(realm.realm());

                keycloak.close();

                assertEquals(200, gateway.get(realm.realm(), ME, unseen).statusCode(), "a token never seen before, with the cached keys");
                // once the key set's lifetime has passed, the gateway tries to refetch it, fails, and keeps the last good set
                Instant deadline = Instant.now().plusSeconds(30);
                while (gateway.keyFetches(realm.realm()) <= fetchesBefore + 1 && Instant.now().isBefore(deadline)) {
                    HttpResponse<String> response = gateway.get(realm.realm(), ME, token);
                    assertEquals(200, response.statusCode(), response.body());
                }
                assertTrue(gateway.keyFetches(realm.realm()) > fetchesBefore + 1, "the gateway tried to refetch the keys during the outage");
                HttpResponse<String> afterFailedFetch = gateway.get(realm.realm(), ME, token);
                assertEquals(200, afterFailedFetch.statusCode(), "served from the last good key set: " + afterFailedFetch.body());
                String forged = token.substring(0, token.length() - 6) + (token.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA");
                assertEquals(401, gateway.get(realm.realm(), ME, forged).statusCode(), "and forgeries are still refused");
            }
        } finally {
            keycloak.close();
        }
    }
}

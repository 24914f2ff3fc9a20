package io.lakeward.gateway.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.identity.InternalServiceKeys;
import io.lakeward.common.tenant.InMemoryTenantDirectory;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantStatus;
import io.lakeward.common.tls.PemTrust;
import io.lakeward.gateway.GatewayConfig;
import io.lakeward.gateway.GatewayVerticle;
import io.lakeward.gateway.audit.FakeAuditOutbox;
import io.lakeward.keyvault.tls.DevCertificateAuthority;
import io.lakeward.keyvault.tls.ServerCertificate;
import io.lakeward.testing.TestingHosts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's edge on a real TLS listener: rate limits per tenant, header and body limits. */
class GatewayEdgeTest {
    private static final String BASE = "lakeward.localhost";
    /** The gateway runs as several instances, as in production: the limits must hold across them. */
    private static final int INSTANCES = 4;
    private static final String ISSUERS = "https://auth." + BASE + ":1/realms/";

    @TempDir
    Path state;
    private Vertx vertx;
    private HttpClient client;
    private javax.net.ssl.SSLContext trust;
    private int port;

    @BeforeEach
    void start() throws Exception {
        TestingHosts.register("acme." + BASE, "globex." + BASE);
        DevCertificateAuthority ca = DevCertificateAuthority.loadOrCreate(state.resolve("ca"));
        ServerCertificate certificate = ca.issueServerCertificate("gateway", List.of(BASE, "*." + BASE));
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, 0, BASE, certificate.certificatePem(), certificate.privateKeyPem(),
                ca.caCertificatePem(), "lakeward-gateway", Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(2),
                new GatewayConfig.RateLimit(1, 3), new GatewayConfig.RateLimit(1, 1), ISSUERS).withInstances(INSTANCES);
        InMemoryTenantDirectory tenants = new InMemoryTenantDirectory(List.of(tenant("acme"), tenant("globex")));
        InternalServiceKeys keys = InternalServiceKeys.generate(List.of("workspace-service", "audit"));
        vertx = Vertx.vertx();
        GatewayVerticle gateway = new GatewayVerticle(config, tenants, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Map.of("workspace-service", URI.create("http://127.0.0.1:1"), "audit", URI.create("http://127.0.0.1:1")),
                new InternalIdentitySigner(keys, Duration.ofSeconds(30), Clock.systemUTC()), FakeAuditOutbox.accepting(),
                new io.lakeward.gateway.auth.InMemoryPersonalAccessTokenStore(),
                io.lakeward.gateway.session.TestBrowserLogins.withoutSignIn(state),
                io.lakeward.policy.client.EmbeddedPolicyClient.start(io.lakeward.policy.client.WasmPolicy.fromClasspath(),
                io.lakeward.policy.client.PolicyData.empty("0"), io.lakeward.policy.client.EmbeddedPolicyConfig.defaults()));
        gateway.deploy(vertx).await(30, TimeUnit.SECONDS);
        port = gateway.publicPort();
        trust = PemTrust.sslContext(ca.caCertificatePem());
        client = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    private static Tenant tenant(String id) {
        return new Tenant(TenantId.of(id), id, id + "." + BASE, URI.create(ISSUERS + id), TenantStatus.ACTIVE);
    }

    private HttpResponse<String> get(String tenant, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://" + tenant + "." + BASE + ":" + port + path))
                .timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTenantOverItsRateGets429WithRetryAfterAndOthersAreServed() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get("acme", "/", Map.of()).statusCode());
        }
        HttpResponse<String> limited = get("acme", "/", Map.of());
        assertEquals(429, limited.statusCode());
        assertTrue(limited.body().contains("REQUEST_LIMIT_EXCEEDED"), limited.body());
        assertTrue(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()) >= 1);
        assertEquals(200, get("globex", "/", Map.of()).statusCode());
    }

    /**
     * A connection of its own per request, so Vert.x spreads them over every instance: the tenant's
     * burst of 3 is spent once for the gateway, not once per instance (which would let 12 through).
     */
    @Test
    void theLimitsHoldAcrossEveryInstance() throws Exception {
        long started = System.nanoTime();
        int allowed = 0;
        for (int i = 0; i < 12; i++) {
            HttpClient fresh = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = fresh.send(HttpRequest.newBuilder(URI.create("https://acme." + BASE + ":" + port + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                allowed++;
            } else {
                assertEquals(429, response.statusCode(), response.body());
            }
        }
        double elapsedSeconds = (System.nanoTime() - started) / 1e9;
        // the burst, plus at most one token refilled per second that passed
        assertTrue(allowed >= 3 && allowed <= 3 + (int) Math.ceil(elapsedSeconds), allowed + " allowed in " + elapsedSeconds + " s");
    }

    @Test
    void theTenantLimitAppliesBeforeAnyTokenIsVerified() throws Exception {
        for (int i = 0; i < 3; i++) {
            get("acme", "/", Map.of());
        }
        // a token flood cannot make the gateway do signature work once the tenant is over its rate
        HttpResponse<String> response = get("acme", "/api/2.0/preview/scim/v2/Me", Map.of("Authorization", "Bearer x.y.z"));
        assertEquals(429, response.statusCode());
    }

    @Test
    void oversizedHeadersAre431() throws Exception {
        HttpResponse<String> response = get("globex", "/", Map.of("X-Padding", "a".repeat(20_000)));
        assertEquals(431, response.statusCode());
    }

    @Test
    void oversizedBodiesAre413() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://globex." + BASE + ":" + port + "/api/2.0/preview/scim/v2/Me"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[11 * 1024 * 1024])).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode());
    }
}

package io.lakeward.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.audit.client.event.ActorType;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.identity.InternalServiceKeys;
import io.lakeward.common.tenant.InMemoryTenantDirectory;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantStatus;
import io.lakeward.common.tls.PemTrust;
import io.lakeward.gateway.GatewayConfig;
import io.lakeward.gateway.GatewayVerticle;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway audits every public request to its outbox before answering, and refuses requests it cannot audit. */
class RequestAuditTest {
    private static final String BASE = "lakeward.localhost";
    private static final String ISSUERS = "https://auth." + BASE + ":1/realms/";

    @TempDir
    Path state;
    private Vertx vertx;
    private HttpClient client;
    private int port;

    private void start(FakeAuditOutbox outbox) throws Exception {
        TestingHosts.register("acme." + BASE, "nobody." + BASE);
        DevCertificateAuthority ca = DevCertificateAuthority.loadOrCreate(state.resolve("ca"));
        ServerCertificate certificate = ca.issueServerCertificate("gateway", List.of(BASE, "*." + BASE));
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, 0, BASE, certificate.certificatePem(), certificate.privateKeyPem(),
                ca.caCertificatePem(), "lakeward-gateway", Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(2),
                new GatewayConfig.RateLimit(100, 100), new GatewayConfig.RateLimit(100, 100), ISSUERS);
        Tenant acme = new Tenant(TenantId.of("acme"), "acme", "acme." + BASE, URI.create(ISSUERS + "acme"), TenantStatus.ACTIVE);
        InternalServiceKeys keys = InternalServiceKeys.generate(List.of("workspace-service", "audit"));
        vertx = Vertx.vertx();
        GatewayVerticle gateway = new GatewayVerticle(config, new InMemoryTenantDirectory(List.of(acme)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of("workspace-service", URI.create("http://127.0.0.1:1"), "audit", URI.create("http://127.0.0.1:1")),
                new InternalIdentitySigner(keys, Duration.ofSeconds(30), Clock.systemUTC()), outbox,
                new io.lakeward.gateway.auth.InMemoryPersonalAccessTokenStore(),
                io.lakeward.gateway.session.TestBrowserLogins.withoutSignIn(state),
                io.lakeward.policy.client.EmbeddedPolicyClient.start(io.lakeward.policy.client.WasmPolicy.fromClasspath(),
                io.lakeward.policy.client.PolicyData.empty("0"), io.lakeward.policy.client.EmbeddedPolicyConfig.defaults()));
        vertx.deployVerticle(gateway).await(30, TimeUnit.SECONDS);
        port = gateway.publicPort();
        client = HttpClient.newBuilder().sslContext(PemTrust.sslContext(ca.caCertificatePem())).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    private HttpRequest request(String host, String path) {
        return HttpRequest.newBuilder(URI.create("https://" + host + "." + BASE + ":" + port + path))
                .header("User-Agent", "audit-test/1.0")
                .timeout(Duration.ofSeconds(10)).build();
    }

    private HttpResponse<String> get(String host, String path) throws Exception {
        return client.send(request(host, path), HttpResponse.BodyHandlers.ofString());
    }

    private static AuditEvent only(FakeAuditOutbox outbox, HttpResponse<String> response) {
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        List<AuditEvent> matching = outbox.events().stream().filter(e -> e.requestId().value().equals(requestId)).toList();
        assertEquals(1, matching.size(), "events of request " + requestId + ": " + matching);
        return matching.get(0);
    }

    @Test
    void anAnsweredRequestHasOneEventWithItsTenantActionAndOutcome() throws Exception {
        FakeAuditOutbox outbox = FakeAuditOutbox.accepting();
        start(outbox);
        HttpResponse<String> response = get("acme", "/");
        assertEquals(200, response.statusCode());
        AuditEvent event = only(outbox, response);
        assertEquals(PlatformService.GATEWAY, event.service());
        assertEquals(TenantId.of("acme"), event.tenantId());
        assertEquals("workspace.view", event.action());
        assertEquals(ActorType.ANONYMOUS, event.actor().type());
        assertEquals(Outcome.SUCCESS, event.outcome());
        assertEquals(200, event.response().statusCode());
        assertEquals("127.0.0.1", event.source().ip());
        assertEquals("audit-test/1.0", event.source().userAgent());
    }

    @Test
    void unmatchedPathsUnknownHostsAndMissingCredentialsAreAuditedToo() throws Exception {
        FakeAuditOutbox outbox = FakeAuditOutbox.accepting();
        start(outbox);

        HttpResponse<String> unmatched = get("acme", "/no/such/path");
        assertEquals(404, unmatched.statusCode());
        AuditEvent unmatchedEvent = only(outbox, unmatched);
        assertEquals(RequestAudit.UNMATCHED, unmatchedEvent.action());
        assertEquals(Outcome.FAILURE, unmatchedEvent.outcome());
        assertEquals(ErrorCode.ENDPOINT_NOT_FOUND, unmatchedEvent.response().errorCode());

        HttpResponse<String> unknownHost = get("nobody", "/");
        assertEquals(404, unknownHost.statusCode());
        AuditEvent unknownEvent = only(outbox, unknownHost);
        assertEquals(RequestAudit.UNKNOWN_TENANT, unknownEvent.action());
        assertNull(unknownEvent.tenantId());
        assertEquals(Outcome.FAILURE, unknownEvent.outcome());

        HttpResponse<String> noToken = get("acme", "/api/2.0/preview/scim/v2/Me");
        assertEquals(401, noToken.statusCode());
        AuditEvent deniedEvent = only(outbox, noToken);
        assertEquals("identity.read_self", deniedEvent.action());
        assertEquals(Outcome.DENIED, deniedEvent.outcome());
        assertEquals(ErrorCode.UNAUTHENTICATED, deniedEvent.response().errorCode());
        assertEquals(ActorType.ANONYMOUS, deniedEvent.actor().type());

        assertEquals(200, get("acme", "/health/live").statusCode());
        assertEquals(3, outbox.events().size(), "health checks are not audited");
    }

    @Test
    void aRequestWhoseEventTheOutboxRefusesGets503() throws Exception {
        start(FakeAuditOutbox.refusing());
        for (String path : List.of("/", "/no/such/path", "/api/2.0/preview/scim/v2/Me")) {
            HttpResponse<String> response = get("acme", path);
            assertEquals(503, response.statusCode(), path + ": " + response.body());
            assertTrue(response.body().contains("TEMPORARILY_UNAVAILABLE"), response.body());
            assertFalse(response.body().contains("Lakeward workspace"), "nothing of the page went out: " + response.body());
        }
        assertEquals(200, get("acme", "/health/live").statusCode(), "health endpoints do not depend on the outbox");
    }

    @Test
    void theAnswerWaitsUntilTheEventIsDurable() throws Exception {
        FakeAuditOutbox outbox = FakeAuditOutbox.holding();
        start(outbox);
        CompletableFuture<HttpResponse<String>> response = client.sendAsync(request("acme", "/"), HttpResponse.BodyHandlers.ofString());
        Instant deadline = Instant.now().plusSeconds(10);
        while (outbox.events().isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.onSpinWait();
        }
        assertEquals(1, outbox.events().size(), "the event was appended");
        assertFalse(response.isDone(), "no answer before the append completed");
        outbox.release();
        assertEquals(200, response.get(10, TimeUnit.SECONDS).statusCode());
    }
}

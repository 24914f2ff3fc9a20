package io.lakeward.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.InternalIdentity;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.common.identity.InternalServiceKeys;
import io.lakeward.common.identity.Principal;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A service reached directly on loopback: only the gateway's assertion for this service gets in. */
class InternalIdentityHandlerTest {
    private final InternalServiceKeys keys = InternalServiceKeys.generate(List.of("workspace-service", "compute"));
    private final InternalIdentitySigner signer = new InternalIdentitySigner(keys, Duration.ofSeconds(30), Clock.systemUTC());
    private Vertx vertx;
    private WebClient client;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
        InternalIdentityVerifier verifier = new InternalIdentityVerifier("workspace-service", keys.keyOf("workspace-service"), Clock.systemUTC());
        port = InternalService.listen(vertx, "workspace-service", 0, List.of(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), verifier,
                router -> router.get("/api/tenant").handler(context -> {
                    InternalIdentity identity = InternalIdentityHandler.of(context);
                    Responses.json(context, 200, Map.of("tenant", identity.principal().tenant().value(), "principal", identity.principal().subject()));
                })).await(10, TimeUnit.SECONDS).actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private String assertion(String service, String tenant) {
        return signer.sign(service, new Principal(TenantId.of(tenant), "user-7", "grace", Principal.PrincipalType.USER,
                List.of("workspace-user"), List.of(), "oidc_session"), RequestId.random());
    }

    private HttpResponse<Buffer> send(HttpRequest<Buffer> request) throws Exception {
        return request.send().await(10, TimeUnit.SECONDS);
    }

    @Test
    void withoutTheAssertionEveryApiPathIsRefused() throws Exception {
        HttpResponse<Buffer> bare = send(client.get(port, "127.0.0.1", "/api/tenant").putHeader("X-Tenant", "acme"));
        assertEquals(401, bare.statusCode());
        assertEquals("UNAUTHENTICATED", bare.bodyAsJsonObject().getString("error_code"));
        assertEquals(401, send(client.get(port, "127.0.0.1", "/api/no/such/route")).statusCode());
        // health stays reachable for the orchestrator
        assertEquals(200, send(client.get(port, "127.0.0.1", "/health/ready")).statusCode());
    }

    @Test
    void anAssertionMadeForAnotherServiceIsRefused() throws Exception {
        HttpResponse<Buffer> response = send(client.get(port, "127.0.0.1", "/api/tenant")
                .putHeader(InternalIdentitySigner.HEADER, assertion("compute", "acme")));
        assertEquals(401, response.statusCode());
    }

    @Test
    void theTenantComesFromTheAssertionAndNothingElse() throws Exception {
        HttpResponse<Buffer> response = send(client.get(port, "127.0.0.1", "/api/tenant?tenant=globex")
                .putHeader(InternalIdentitySigner.HEADER, assertion("workspace-service", "acme"))
                .putHeader("X-Tenant", "globex"));
        assertEquals(200, response.statusCode());
        assertEquals("acme", response.bodyAsJsonObject().getString("tenant"));
        assertEquals("user-7", response.bodyAsJsonObject().getString("principal"));
    }
}

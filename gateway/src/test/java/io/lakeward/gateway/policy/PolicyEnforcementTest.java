package io.lakeward.gateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.audit.client.event.PolicyDecision;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.Principal;
import io.lakeward.gateway.audit.RequestAudit;
import io.lakeward.policy.client.PolicyClient;
import io.lakeward.policy.client.PolicyData;
import io.lakeward.policy.client.RemotePolicyClient;
import io.lakeward.policy.client.RemotePolicyConfig;
import io.lakeward.service.FailureHandler;
import io.lakeward.service.RequestIds;
import io.lakeward.testing.opa.TestingOpa;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's decision step against a real, remote OPA server running the production policies:
 * allowed, denied, and a server that is stopped or does not answer, which is 503, never an allow.
 * Authentication is not under test here: the step gets its principal as the authentication step
 * would leave it.
 */
class PolicyEnforcementTest {
    private static final Principal VIEWER = new Principal(TenantId.of("acme"), "user-viewer", "viewer", Principal.PrincipalType.USER,
            List.of("viewer"), List.of("analysts"), "oidc_access_token");

    private Vertx vertx;
    private PolicyClient policy;
    private TestingOpa opa;
    private final Map<String, PolicyDecision> audited = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() throws Exception {
        if (policy != null) {
            policy.close();
        }
        if (opa != null) {
            opa.close();
        }
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    /** A router: request id, the declared action from the path, the decision step, then "ok". */
    private int serve(PolicyClient client) throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(RequestIds::assign);
        // what the audit event would carry, recorded before the one failure handler answers
        router.route().failureHandler(context -> {
            audited.put(RequestIds.of(context).value(), RequestAudit.decisionOf(context));
            context.next();
        });
        FailureHandler.install(router);
        PolicyEnforcement enforcement = new PolicyEnforcement(client, Clock.systemUTC(), context -> VIEWER, context -> "acme");
        router.get("/:action").handler(context -> RequestAudit.declare(context, context.pathParam("action")))
                .handler(enforcement::handle)
                .handler(context -> context.response().end("ok"));
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
        return server.actualPort();
    }

    private HttpResponse<String> get(int port, String action) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + action)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void allowedDeniedAndAStoppedServer() throws Exception {
        opa = TestingOpa.start(List.of(TestingOpa.productionPolicies()));
        RemotePolicyClient remote = new RemotePolicyClient(RemotePolicyConfig.of(opa.baseUri()).withRequestTimeout(Duration.ofMillis(500)));
        remote.updateData(PolicyData.empty("r1")).get(10, TimeUnit.SECONDS);
        policy = remote;
        int port = serve(remote);

        assertEquals(200, get(port, "notebook.read").statusCode());
        HttpResponse<String> denied = get(port, "notebook.run");
        assertEquals(403, denied.statusCode(), denied.body());
        assertTrue(denied.body().contains("\"error_code\":\"PERMISSION_DENIED\""), denied.body());
        PolicyDecision decision = audited.get(denied.headers().firstValue("X-Request-Id").orElseThrow());
        assertEquals("no role grants the action", decision.reason());
        assertEquals("0@r1", decision.policyRevision());

        opa.close();
        opa = null;
        for (String action : List.of("notebook.read", "notebook.run")) {
            HttpResponse<String> unavailable = get(port, action);
            assertEquals(503, unavailable.statusCode(), unavailable.body());
            assertTrue(unavailable.body().contains("\"error_code\":\"TEMPORARILY_UNAVAILABLE\""), unavailable.body());
            assertTrue(!unavailable.body().contains("127.0.0.1") && !unavailable.body().contains("Exception"), unavailable.body());
            assertTrue(audited.get(unavailable.headers().firstValue("X-Request-Id").orElseThrow()).reason().startsWith("unavailable (UNREACHABLE"));
        }
    }

    @Test
    void aServerThatDoesNotAnswerIs503WithinTheTimeout() throws Exception {
        // accepts connections and never answers
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            RemotePolicyClient remote = new RemotePolicyClient(RemotePolicyConfig.of(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
                    .withRequestTimeout(Duration.ofMillis(300)));
            policy = remote;
            // the push never completes either: decisions have no known data and must not allow
            remote.updateData(PolicyData.empty("r1")).exceptionally(failure -> null);
            int port = serve(remote);
            long started = System.nanoTime();
            HttpResponse<String> response = get(port, "notebook.read");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals(503, response.statusCode(), response.body());
            assertTrue(millis < 3000, "answered after " + millis + " ms");
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}

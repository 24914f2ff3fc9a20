package io.lakeward.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.error.LakewardException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OperationalRoutesTest {
    private Vertx vertx;
    private WebClient client;
    private int port;
    private final AtomicBoolean databaseUp = new AtomicBoolean(true);

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
        ReadinessCheck database = new ReadinessCheck() {
            @Override
            public String name() {
                return "database";
            }

            @Override
            public Future<Void> check() {
                return databaseUp.get() ? Future.succeededFuture() : Future.failedFuture("connection refused");
            }
        };
        ReadinessCheck hanging = new ReadinessCheck() {
            @Override
            public String name() {
                return "slow-upstream";
            }

            @Override
            public Future<Void> check() {
                return hangingForever ? Promise.<Void>promise().future() : Future.succeededFuture();
            }
        };
        Router router = ServiceRouters.base(vertx);
        OperationalRoutes routes = new OperationalRoutes(vertx, "test-service", List.of(database, hanging));
        routes.mountHealth(router);
        routes.mountMetrics(router, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        router.get("/boom").handler(context -> {
            throw new IllegalStateException("secret detail that must not leak");
        });
        router.get("/denied").handler(context -> context.fail(LakewardException.permissionDenied("not yours")));
        port = ServiceRouters.listenOnLoopback(vertx, router, 0).await(10, TimeUnit.SECONDS).actualPort();
    }

    private volatile boolean hangingForever;

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private HttpResponse<Buffer> get(String path) throws Exception {
        return client.get(port, "127.0.0.1", path).send().await(10, TimeUnit.SECONDS);
    }

    @Test
    void readinessFollowsTheChecksAndTimesOut() throws Exception {
        assertEquals(200, get("/health/live").statusCode());
        HttpResponse<Buffer> ready = get("/health/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("UP", ready.bodyAsJsonObject().getJsonObject("checks").getString("database"));

        databaseUp.set(false);
        HttpResponse<Buffer> notReady = get("/health/ready");
        assertEquals(503, notReady.statusCode());
        assertEquals("DOWN", notReady.bodyAsJsonObject().getJsonObject("checks").getString("database"));
        assertFalse(notReady.bodyAsString().contains("connection refused"), "causes stay in the log");

        databaseUp.set(true);
        hangingForever = true;
        HttpResponse<Buffer> timedOut = get("/health/ready");
        assertEquals(503, timedOut.statusCode());
        assertEquals("DOWN", timedOut.bodyAsJsonObject().getJsonObject("checks").getString("slow-upstream"));
    }

    @Test
    void everyFailureHasTheOneErrorShapeAndNoInternals() throws Exception {
        HttpResponse<Buffer> boom = get("/boom");
        assertEquals(500, boom.statusCode());
        JsonObject body = boom.bodyAsJsonObject();
        assertEquals("INTERNAL_ERROR", body.getString("error_code"));
        assertEquals(boom.getHeader(RequestIds.HEADER), body.getString("request_id"));
        assertFalse(boom.bodyAsString().contains("secret detail"));
        assertFalse(boom.bodyAsString().contains("IllegalStateException"));

        HttpResponse<Buffer> denied = get("/denied");
        assertEquals(403, denied.statusCode());
        assertEquals("PERMISSION_DENIED", denied.bodyAsJsonObject().getString("error_code"));

        HttpResponse<Buffer> missing = get("/no/such/path");
        assertEquals(404, missing.statusCode());
        assertEquals("ENDPOINT_NOT_FOUND", missing.bodyAsJsonObject().getString("error_code"));
        assertNotNull(missing.getHeader("Content-Security-Policy"));
        assertEquals("nosniff", missing.getHeader("X-Content-Type-Options"));
    }

    @Test
    void metricsAreInPrometheusFormat() throws Exception {
        HttpResponse<Buffer> metrics = get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.getHeader("Content-Type").startsWith("text/plain"));
    }
}

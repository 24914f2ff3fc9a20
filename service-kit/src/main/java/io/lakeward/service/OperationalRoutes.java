package io.lakeward.service;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health, readiness and metrics endpoints of one service:
 * {@code GET /health/live} (the process answers), {@code GET /health/ready} (every readiness
 * check passed within its timeout: 200, else 503 naming the failed checks) and {@code GET /metrics}
 * (Prometheus text format). Mount them only on listeners that are not public, except liveness
 * and readiness, which load balancers need.
 */
public final class OperationalRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(OperationalRoutes.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

    private final Vertx vertx;
    private final String service;
    private final List<ReadinessCheck> checks;

    public OperationalRoutes(Vertx vertx, String service, List<ReadinessCheck> checks) {
        this.vertx = vertx;
        this.service = service;
        this.checks = List.copyOf(checks);
    }

    public void mountHealth(Router router) {
        router.get("/health/live").handler(this::live);
        router.get("/health/ready").handler(this::ready);
    }

    public void mountMetrics(Router router, PrometheusMeterRegistry registry) {
        router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    }

    private void live(RoutingContext context) {
        Responses.json(context, 200, new Health(service, "UP", Map.of()));
    }

    private void ready(RoutingContext context) {
        readiness().onComplete(result -> {
            Health health = result.result();
            Responses.json(context, health.status().equals("UP") ? 200 : 503, health);
        });
    }

    /** Runs every check concurrently, each bounded by a timeout; never fails, reports instead. */
    public Future<Health> readiness() {
        List<Future<String>> outcomes = new ArrayList<>();
        for (ReadinessCheck check : checks) {
            outcomes.add(withTimeout(check).map("UP").otherwise(failure -> {
                LOG.warn("readiness check {} of {} failed: {}", check.name(), service, failure.toString());
                return "DOWN";
            }));
        }
        return Future.join(outcomes).transform(ignored -> {
            Map<String, String> states = new LinkedHashMap<>();
            boolean up = true;
            for (int i = 0; i < checks.size(); i++) {
                String state = outcomes.get(i).result();
                states.put(checks.get(i).name(), state);
                up &= "UP".equals(state);
            }
            return Future.succeededFuture(new Health(service, up ? "UP" : "DOWN", states));
        });
    }

    private Future<Void> withTimeout(ReadinessCheck check) {
        io.vertx.core.Promise<Void> promise = io.vertx.core.Promise.promise();
        long timer = vertx.setTimer(CHECK_TIMEOUT.toMillis(), id -> promise.tryFail(new TimeoutException("readiness check timed out")));
        Future<Void> started;
        try {
            started = check.check();
        } catch (RuntimeException e) {
            started = Future.failedFuture(e);
        }
        started.onComplete(result -> {
            vertx.cancelTimer(timer);
            if (result.succeeded()) {
                promise.tryComplete();
            } else {
                promise.tryFail(result.cause());
            }
        });
        return promise.future();
    }

    /** The body of health answers. */
    public record Health(String service, String status, Map<String, String> checks) {
    }
}

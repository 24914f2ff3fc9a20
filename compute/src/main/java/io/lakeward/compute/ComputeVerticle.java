package io.lakeward.compute;

import io.lakeward.service.InternalService;
import io.lakeward.service.ReadinessCheck;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import java.util.List;

/** The compute on its loopback listener, reached only through the gateway. */
public final class ComputeVerticle extends VerticleBase {
    private final ComputeConfig config;
    private final List<ReadinessCheck> readinessChecks;
    private final PrometheusMeterRegistry metrics;
    private HttpServer server;

    public ComputeVerticle(ComputeConfig config, List<ReadinessCheck> readinessChecks, PrometheusMeterRegistry metrics) {
        this.config = config;
        this.readinessChecks = List.copyOf(readinessChecks);
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        return InternalService.listen(vertx, "compute", config.port(), readinessChecks, metrics, router -> {
        }).onSuccess(listening -> server = listening);
    }

    public int port() {
        return server.actualPort();
    }
}

package io.lakeward.workspace;

import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.service.InternalService;
import io.lakeward.service.ReadinessCheck;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import java.util.List;

/** The workspace-service on its loopback listener, reached only through the gateway. */
public final class WorkspaceVerticle extends VerticleBase {
    private final WorkspaceConfig config;
    private final List<ReadinessCheck> readinessChecks;
    private final PrometheusMeterRegistry metrics;
    private final InternalIdentityVerifier identity;
    private HttpServer server;

    public WorkspaceVerticle(WorkspaceConfig config, List<ReadinessCheck> readinessChecks, PrometheusMeterRegistry metrics,
                             InternalIdentityVerifier identity) {
        this.config = config;
        this.readinessChecks = List.copyOf(readinessChecks);
        this.metrics = metrics;
        this.identity = identity;
    }

    @Override
    public Future<?> start() {
        return InternalService.listen(vertx, "workspace-service", config.port(), readinessChecks, metrics, identity, router -> {
            // no API routes yet: an /api/ path answers 401 without a valid assertion, 404 with one
        }).onSuccess(listening -> server = listening);
    }

    public int port() {
        return server.actualPort();
    }
}

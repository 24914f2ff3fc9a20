package io.lakeward.audit;

import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.service.InternalService;
import io.lakeward.service.ReadinessCheck;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import java.util.List;

/** The audit on its loopback listener, reached only through the gateway. */
public final class AuditVerticle extends VerticleBase {
    private final AuditConfig config;
    private final List<ReadinessCheck> readinessChecks;
    private final PrometheusMeterRegistry metrics;
    private final InternalIdentityVerifier identity;
    private HttpServer server;

    public AuditVerticle(AuditConfig config, List<ReadinessCheck> readinessChecks, PrometheusMeterRegistry metrics,
                         InternalIdentityVerifier identity) {
        this.config = config;
        this.readinessChecks = List.copyOf(readinessChecks);
        this.metrics = metrics;
        this.identity = identity;
    }

    @Override
    public Future<?> start() {
        return InternalService.listen(vertx, "audit", config.port(), readinessChecks, metrics, identity, router -> {
            // no API routes yet: an /api/ path answers 401 without a valid assertion, 404 with one
        }).onSuccess(listening -> server = listening);
    }

    public int port() {
        return server.actualPort();
    }
}

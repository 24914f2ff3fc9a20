package io.lakeward.service;

import io.lakeward.common.identity.InternalIdentityVerifier;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * An internal service on its loopback listener, reached only through the gateway: health,
 * readiness and metrics, then the service's own API under {@code /api/}, every API route behind
 * the internal identity check. Subclasses add their API routes in {@link #mountApi}.
 */
public abstract class InternalServiceVerticle extends VerticleBase {
    private final String name;
    private final int configuredPort;
    private final List<ReadinessCheck> readinessChecks;
    private final PrometheusMeterRegistry metrics;
    private final InternalIdentityVerifier identity;
    private int port;

    protected InternalServiceVerticle(String name, int port, List<ReadinessCheck> readinessChecks, PrometheusMeterRegistry metrics,
                                      InternalIdentityVerifier identity) {
        this.name = name;
        this.configuredPort = port;
        this.readinessChecks = List.copyOf(readinessChecks);
        this.metrics = metrics;
        this.identity = identity;
    }

    /** Adds this service's API routes; they sit behind the internal identity check. */
    protected abstract void mountApi(Router router);

    @Override
    public final Future<?> start() {
        return InternalService.listen(vertx, name, configuredPort, readinessChecks, metrics, identity, this::mountApi)
                .onSuccess(server -> port = server.actualPort());
    }

    /** The port the listener is bound to (useful when configured as 0). */
    public int port() {
        return port;
    }
}

package io.lakeward.compute;

import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.service.InternalServiceVerticle;
import io.lakeward.service.ReadinessCheck;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import java.util.List;

/** The compute on its loopback listener, reached only through the gateway. */
public final class ComputeVerticle extends InternalServiceVerticle {
    public ComputeVerticle(ComputeConfig config, List<ReadinessCheck> readinessChecks, PrometheusMeterRegistry metrics,
                           InternalIdentityVerifier identity) {
        super("compute", config.port(), readinessChecks, metrics, identity);
    }

    @Override
    protected void mountApi(Router router) {
        // no API routes yet: an /api/ path answers 401 without a valid assertion, 404 with one
    }
}

package io.lakeward.workspace;

import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.service.InternalServiceVerticle;
import io.lakeward.workspace.api.CurrentUserHandler;
import io.lakeward.service.ReadinessCheck;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import java.util.List;

/** The workspace-service on its loopback listener, reached only through the gateway. */
public final class WorkspaceVerticle extends InternalServiceVerticle {
    public WorkspaceVerticle(WorkspaceConfig config, List<ReadinessCheck> readinessChecks, PrometheusMeterRegistry metrics,
                             InternalIdentityVerifier identity) {
        super("workspace-service", config.port(), readinessChecks, metrics, identity);
    }

    @Override
    protected void mountApi(Router router) {
        router.get("/api/2.0/preview/scim/v2/Me").handler(CurrentUserHandler::handle);
    }
}

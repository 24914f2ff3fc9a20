package io.lakeward.workspace;

import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.service.InternalServiceVerticle;
import io.lakeward.service.ReadinessCheck;
import io.lakeward.workspace.api.CurrentUserHandler;
import io.lakeward.workspace.api.PolicyAdminHandlers;
import io.lakeward.workspace.policy.PolicyAdminService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import java.util.List;

/** The workspace-service on its loopback listener, reached only through the gateway. */
public final class WorkspaceVerticle extends InternalServiceVerticle {
    private final PolicyAdminService policies;
    private final Runnable policyChanged;

    /**
     * @param policies      the admin policy store's rules
     * @param policyChanged run after every stored policy change (e.g. to refresh local decision points at once)
     */
    public WorkspaceVerticle(WorkspaceConfig config, List<ReadinessCheck> readinessChecks, PrometheusMeterRegistry metrics,
                             InternalIdentityVerifier identity, PolicyAdminService policies, Runnable policyChanged) {
        super("workspace-service", config.port(), readinessChecks, metrics, identity);
        this.policies = policies;
        this.policyChanged = policyChanged;
    }

    @Override
    protected void mountApi(Router router) {
        router.get("/api/2.0/preview/scim/v2/Me").handler(CurrentUserHandler::handle);
        // JDBC and identity-provider calls: a named worker pool, never the event loop
        new PolicyAdminHandlers(policies, vertx.createSharedWorkerExecutor("lakeward-workspace-policy", 4), policyChanged).mount(router);
    }
}

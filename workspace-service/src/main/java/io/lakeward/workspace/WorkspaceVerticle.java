package io.lakeward.workspace;

import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.service.InternalServiceVerticle;
import io.lakeward.service.ReadinessCheck;
import io.lakeward.workspace.api.CurrentUserHandler;
import io.lakeward.workspace.api.SecretsApi;
import io.lakeward.workspace.secret.SecretService;
import io.lakeward.workspace.api.PolicyAdminHandlers;
import io.lakeward.workspace.policy.PolicyAdminService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Objects;

/** The workspace-service on its loopback listener, reached only through the gateway (and, for secret values, cluster code). */
public final class WorkspaceVerticle extends InternalServiceVerticle {
    private final SecretService secrets;
    private final AuditOutbox audit;
    private final PolicyAdminService policies;
    private final Runnable policyChanged;
    private WorkerExecutor storeWorkers;

    /**
     * @param secrets       the secrets API's rules (values encrypted under the tenant's key)
     * @param audit         where the workspace-service's own audit events go before it answers
     * @param policies      the admin policy store's rules
     * @param policyChanged run after every stored policy change (e.g. to refresh local decision points at once)
     */
    public WorkspaceVerticle(WorkspaceConfig config, List<ReadinessCheck> readinessChecks, PrometheusMeterRegistry metrics,
                             InternalIdentityVerifier identity, SecretService secrets, AuditOutbox audit, PolicyAdminService policies,
                             Runnable policyChanged) {
        super("workspace-service", config.port(), readinessChecks, metrics, identity);
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.policyChanged = Objects.requireNonNull(policyChanged, "policyChanged");
    }

    @Override
    protected void mountApi(Router router) {
        // JDBC and crypto run here, never on the event loop
        storeWorkers = vertx.createSharedWorkerExecutor("lakeward-workspace-store", 8);
        router.get("/api/2.0/preview/scim/v2/Me").handler(CurrentUserHandler::handle);
        new SecretsApi(secrets, audit, storeWorkers).mount(router);
        // JDBC and identity-provider calls: a named worker pool, never the event loop
        new PolicyAdminHandlers(policies, storeWorkers, policyChanged).mount(router);
    }

    @Override
    public Future<?> stop() {
        return storeWorkers == null ? Future.succeededFuture() : storeWorkers.close();
    }
}

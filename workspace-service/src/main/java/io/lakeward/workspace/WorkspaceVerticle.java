package io.lakeward.workspace;

import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.service.InternalServiceVerticle;
import io.lakeward.service.ReadinessCheck;
import io.lakeward.workspace.api.CurrentUserHandler;
import io.lakeward.workspace.api.SecretsApi;
import io.lakeward.workspace.secret.SecretService;
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
    private WorkerExecutor storeWorkers;

    public WorkspaceVerticle(WorkspaceConfig config, List<ReadinessCheck> readinessChecks, PrometheusMeterRegistry metrics,
                             InternalIdentityVerifier identity, SecretService secrets, AuditOutbox audit) {
        super("workspace-service", config.port(), readinessChecks, metrics, identity);
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    @Override
    protected void mountApi(Router router) {
        // JDBC and crypto run here, never on the event loop
        storeWorkers = vertx.createSharedWorkerExecutor("lakeward-workspace-store", 8);
        router.get("/api/2.0/preview/scim/v2/Me").handler(CurrentUserHandler::handle);
        new SecretsApi(secrets, audit, storeWorkers).mount(router);
    }

    @Override
    public Future<?> stop() {
        return storeWorkers == null ? Future.succeededFuture() : storeWorkers.close();
    }
}

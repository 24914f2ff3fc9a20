package io.lakeward.audit;

import io.lakeward.audit.api.AuditHandlers;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.shipping.HttpAuditShipper;
import io.lakeward.audit.service.AuditService;
import io.lakeward.audit.store.AuditLogId;
import io.lakeward.audit.store.AuditStore;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.service.InternalServiceVerticle;
import io.lakeward.service.ReadinessCheck;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit service on its loopback listener: the query and export API behind the gateway's
 * internal identity, the outbox ingest endpoint behind each shipping service's own credential,
 * and the hourly retention pass.
 */
public final class AuditVerticle extends InternalServiceVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(AuditVerticle.class);
    private static final long RETENTION_PERIOD_MILLIS = Duration.ofHours(1).toMillis();

    private final AuditService service;
    private final Map<PlatformService, SecretKey> ingestKeys;
    private final Clock clock;
    private long retentionTimer = -1;

    public AuditVerticle(AuditConfig config, List<ReadinessCheck> readinessChecks, PrometheusMeterRegistry metrics,
                         InternalIdentityVerifier identity, AuditService service, Map<PlatformService, SecretKey> ingestKeys, Clock clock) {
        super("audit", config.port(), readinessChecks, metrics, identity);
        this.service = service;
        this.ingestKeys = Map.copyOf(ingestKeys);
        this.clock = clock;
    }

    @Override
    protected void mountApi(Router router) {
        service.bind(vertx);
        AuditHandlers handlers = new AuditHandlers(service, ingestKeys, clock);
        // bodies are read (at most 10 MiB, about 15,000 events) by the shared router start
        router.route(HttpMethod.POST, HttpAuditShipper.PATH).handler(handlers::ingest);
        router.route(HttpMethod.GET, "/api/2.0/audit/events").handler(handlers::query);
        router.route(HttpMethod.GET, "/api/2.0/audit/my-access").handler(handlers::myAccess);
        router.route(HttpMethod.POST, "/api/2.0/audit/exports").handler(handlers::createExport);
        router.route(HttpMethod.GET, "/api/2.0/audit/exports/:export_id").handler(handlers::downloadExport);
        retentionTimer = vertx.setPeriodic(Duration.ofMinutes(1).toMillis(), RETENTION_PERIOD_MILLIS, id -> applyRetention());
    }

    /** Deletes what is past each tenant's retention, and records that in the log it came from. */
    private void applyRetention() {
        AuditStore store = service.store();
        Instant now = clock.instant();
        Future.fromCompletionStage(store.applyRetention(log -> now.minus(service.retention()
                        .of(log.isPlatform() ? null : TenantId.of(log.value())))))
                .compose(deleted -> {
                    List<io.lakeward.audit.client.event.AuditEvent> events = deleted.entrySet().stream()
                            .map(entry -> AuditStore.systemEvent(entry.getKey(), "audit.retention_applied",
                                    Map.of("deleted_segments", Integer.toString(entry.getValue())), Outcome.SUCCESS))
                            .toList();
                    return events.isEmpty() ? Future.succeededFuture() : Future.fromCompletionStage(store.append(events));
                })
                .onFailure(failure -> LOG.error("audit retention pass failed: {}", failure.toString()));
    }

    @Override
    public Future<?> stop() {
        if (retentionTimer >= 0) {
            vertx.cancelTimer(retentionTimer);
        }
        service.unbind();
        return Future.succeededFuture();
    }

    /** The log of a tenant (for tests and tools). */
    static AuditLogId logOf(TenantId tenant) {
        return AuditLogId.of(tenant);
    }
}

package io.lakeward.audit.service;

import io.lakeward.audit.client.event.Actor;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuthenticationMethod;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.event.PolicyDecision;
import io.lakeward.audit.client.event.ResourceReference;
import io.lakeward.audit.client.event.Response;
import io.lakeward.audit.client.event.Source;
import io.lakeward.audit.export.AuditExporter;
import io.lakeward.audit.query.AuditFilter;
import io.lakeward.audit.query.AuditPage;
import io.lakeward.audit.query.AuditQueryService;
import io.lakeward.audit.store.AppendResult;
import io.lakeward.audit.store.AuditLogId;
import io.lakeward.audit.store.AuditStore;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.identity.InternalIdentity;
import io.lakeward.common.identity.Principal;
import io.lakeward.policy.client.AuthorizationInput;
import io.lakeward.policy.client.Decision;
import io.lakeward.policy.client.PolicyClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The rules of the audit service: who may read and export which log (decided by the policy
 * engine with the actions {@code audit.read}, {@code audit.read_own} and {@code audit.export}),
 * always the caller's own tenant's log, every read of the log itself recorded in that log before
 * the answer, and what the outboxes may deliver. File work runs on the service's worker pool.
 */
public final class AuditService {
    public static final String ACTION_QUERY = "audit.query";
    public static final String ACTION_MY_ACCESS = "audit.my_access";
    public static final String ACTION_EXPORT = "audit.export";
    public static final String ACTION_EXPORT_DOWNLOAD = "audit.export_download";
    public static final int MAX_SHIPMENT_EVENTS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final com.fasterxml.jackson.databind.ObjectMapper shipmentReader = io.lakeward.audit.client.event.AuditJson.newMapper();

    private final AuditStore store;
    private final AuditQueryService queries;
    private final AuditExporter exporter;
    private final PolicyClient policy;
    private final AuditRetention retention;
    private final Clock clock;
    private WorkerExecutor workers;

    public AuditService(AuditStore store, AuditQueryService queries, AuditExporter exporter, PolicyClient policy, AuditRetention retention,
                        Clock clock) {
        this.store = store;
        this.queries = queries;
        this.exporter = exporter;
        this.policy = policy;
        this.retention = retention;
        this.clock = clock;
    }

    /** Binds the service to its Vert.x worker pool (called once by the verticle). */
    public void bind(Vertx vertx) {
        this.workers = vertx.createSharedWorkerExecutor("lakeward-audit-workers", 4);
    }

    public void unbind() {
        if (workers != null) {
            workers.close();
        }
    }

    public AuditStore store() {
        return store;
    }

    public AuditRetention retention() {
        return retention;
    }

    /** The body of a shipment: {@code {"events": [...]}}. */
    public record Shipment(@com.fasterxml.jackson.annotation.JsonProperty("events") List<AuditEvent> events) {
    }

    /**
     * Checks the shipment's credential against the shipping services' keys, reads the events (on a
     * worker) and stores them; completes after the fsync. A batch with any invalid event is
     * refused whole, so nothing of it is half-stored.
     */
    public Future<AppendResult> ingest(String token, byte[] body, Map<PlatformService, javax.crypto.SecretKey> keys) {
        PlatformService shipper;
        try {
            shipper = io.lakeward.audit.client.shipping.AuditIngestToken.verify(token, body, keys, clock);
        } catch (LakewardException e) {
            return Future.failedFuture(e);
        }
        return work(() -> {
            try {
                Shipment shipment = shipmentReader.readValue(body, Shipment.class);
                if (shipment.events() == null || shipment.events().size() > MAX_SHIPMENT_EVENTS) {
                    throw LakewardException.invalidParameter("a shipment holds 0 to " + MAX_SHIPMENT_EVENTS + " events");
                }
                return shipment.events();
            } catch (java.io.IOException | IllegalArgumentException e) {
                throw LakewardException.invalidParameter("the shipment is not a list of valid audit events");
            }
        }).compose(events -> ingest(shipper, events));
    }

    /**
     * Stores a batch shipped by {@code shipper}'s outbox; every event must name that service (a
     * service cannot write another's events). Completes after the fsync.
     */
    public Future<AppendResult> ingest(PlatformService shipper, List<AuditEvent> events) {
        for (AuditEvent event : events) {
            if (event.service() != shipper) {
                return Future.failedFuture(LakewardException.permissionDenied(
                        "the outbox of " + shipper.wireName() + " may deliver only its own events"));
            }
        }
        return Future.fromCompletionStage(store.append(events));
    }

    /** The tenant's events that {@code filter} selects; {@code audit.read} (auditor, tenant-admin). */
    public Future<AuditPage> query(InternalIdentity identity, AuditFilter filter, String pageToken, int pageSize) {
        Principal principal = identity.principal();
        checkRetention(filter, principal.tenant());
        Map<String, String> parameters = new LinkedHashMap<>(filter.describe());
        return authorize(identity, "audit.read", null, ACTION_QUERY, parameters)
                .compose(decision -> work(() -> queries.query(AuditLogId.of(principal.tenant()), filter, pageToken, pageSize))
                        .compose(page -> record(identity, ACTION_QUERY, parameters, Outcome.SUCCESS, 200, null, decision, null)
                                .map(page)));
    }

    /** The caller's own access history ({@code audit.read_own}, the caller owns it). */
    public Future<AuditPage> myAccess(InternalIdentity identity, AuditFilter filter, String pageToken, int pageSize) {
        Principal principal = identity.principal();
        AuditFilter own = filter.withActor(principal.subject());
        checkRetention(own, principal.tenant());
        Map<String, String> parameters = new LinkedHashMap<>(own.describe());
        return authorize(identity, "audit.read_own", principal.subject(), ACTION_MY_ACCESS, parameters)
                .compose(decision -> work(() -> queries.query(AuditLogId.of(principal.tenant()), own, pageToken, pageSize))
                        .compose(page -> record(identity, ACTION_MY_ACCESS, parameters, Outcome.SUCCESS, 200, null, decision, null)
                                .map(page)));
    }

    /** Exports the tenant's log for the period ({@code audit.export}); the export itself is audited. */
    public Future<AuditExporter.ExportResult> export(InternalIdentity identity, AuditFilter filter,
                                                     java.util.Set<io.lakeward.audit.export.ViewFormat> formats) {
        Principal principal = identity.principal();
        checkRetention(filter, principal.tenant());
        String exportId = newExportId();
        Map<String, String> parameters = new LinkedHashMap<>(filter.describe());
        parameters.put("export_id", exportId);
        parameters.put("formats", formats.stream().map(format -> format.name().toLowerCase(java.util.Locale.ROOT)).sorted()
                .collect(java.util.stream.Collectors.joining(",")));
        return authorize(identity, "audit.export", null, ACTION_EXPORT, parameters)
                .compose(decision -> work(() -> exporter.export(AuditLogId.of(principal.tenant()), filter, formats, exportId, principal.subject()))
                        .recover(failure -> record(identity, ACTION_EXPORT, parameters, Outcome.ERROR, 500, ErrorCode.INTERNAL_ERROR, decision, null)
                                .compose(ignored -> Future.failedFuture(failure)))
                        .compose(result -> {
                            parameters.put("first_sequence", Long.toString(result.firstSequence()));
                            parameters.put("last_sequence", Long.toString(result.lastSequence()));
                            parameters.put("view_records", Long.toString(result.viewRecords()));
                            return record(identity, ACTION_EXPORT, parameters, Outcome.SUCCESS, 200, null, decision,
                                    ResourceReference.of("audit_export", exportId)).map(result);
                        }));
    }

    /** The zip of one of the tenant's exports; another tenant's export id is simply not found. */
    public Future<Path> exportZip(InternalIdentity identity, String exportId) {
        Principal principal = identity.principal();
        Map<String, String> parameters = Map.of("export_id", exportId.length() > 64 ? exportId.substring(0, 64) : exportId);
        return authorize(identity, "audit.export", null, ACTION_EXPORT_DOWNLOAD, parameters)
                .compose(decision -> work(() -> exporter.zipOf(AuditLogId.of(principal.tenant()), exportId)
                                .orElseThrow(() -> LakewardException.notFound("no such export")))
                        .recover(failure -> record(identity, ACTION_EXPORT_DOWNLOAD, parameters, Outcome.FAILURE, 404,
                                ErrorCode.RESOURCE_DOES_NOT_EXIST, decision, null).compose(ignored -> Future.failedFuture(failure)))
                        .compose(zip -> record(identity, ACTION_EXPORT_DOWNLOAD, parameters, Outcome.SUCCESS, 200, null, decision,
                                ResourceReference.of("audit_export", exportId)).map(zip)));
    }

    private void checkRetention(AuditFilter filter, io.lakeward.common.id.TenantId tenant) {
        Duration kept = retention.of(tenant);
        if (filter.to().isBefore(clock.instant().minus(kept))) {
            throw LakewardException.invalidParameter("the period lies before the retention horizon (" + kept.toDays() + " days)");
        }
    }

    /** Asks the policy; a denial is recorded in the log and answered 403, an unavailable engine 503. */
    private Future<Decision> authorize(InternalIdentity identity, String action, String owner, String auditedAction, Map<String, String> parameters) {
        Principal principal = identity.principal();
        AuthorizationInput input = new AuthorizationInput(
                new AuthorizationInput.Principal(principal.subject(),
                        principal.type() == Principal.PrincipalType.SERVICE ? AuthorizationInput.PrincipalType.SERVICE : AuthorizationInput.PrincipalType.USER,
                        principal.tenant().value(), principal.roles(), principal.groups()),
                action,
                new AuthorizationInput.Resource(principal.tenant().value(), "audit", "audit-log", owner),
                new AuthorizationInput.Context(clock.instant(), null, identity.requestId().value()));
        return Future.fromCompletionStage(policy.decide(input)).compose(decision -> {
            if (decision.allow()) {
                return Future.succeededFuture(decision);
            }
            ErrorCode code = decision.outcome() == Decision.Outcome.DENIED ? ErrorCode.PERMISSION_DENIED : ErrorCode.TEMPORARILY_UNAVAILABLE;
            Outcome outcome = decision.outcome() == Decision.Outcome.DENIED ? Outcome.DENIED : Outcome.ERROR;
            return record(identity, auditedAction, parameters, outcome, code.httpStatus(), code, decision, null)
                    .compose(ignored -> {
                        decision.enforce();
                        return Future.failedFuture(new IllegalStateException("unreachable"));
                    });
        });
    }

    /** Appends the service's own event about a read of the log, durably, before the caller is answered. */
    private Future<Void> record(InternalIdentity identity, String action, Map<String, String> parameters, Outcome outcome, int status,
                                ErrorCode error, Decision decision, ResourceReference touched) {
        Principal principal = identity.principal();
        AuditEvent.Builder event = AuditEvent.builder()
                .tenant(principal.tenant())
                .service(PlatformService.AUDIT)
                .action(action)
                .actor(principal.type() == Principal.PrincipalType.SERVICE
                        ? new Actor(io.lakeward.audit.client.event.ActorType.SERVICE, principal.subject(), principal.name(), AuthenticationMethod.INTERNAL_IDENTITY)
                        : Actor.user(principal.subject(), principal.name(), AuthenticationMethod.INTERNAL_IDENTITY))
                .source(Source.of(null, null))
                .requestId(identity.requestId())
                .requestParameters(parameters)
                .response(new Response(status, error))
                .outcome(outcome)
                .touched(ResourceReference.of("audit_log", principal.tenant().value()));
        if (decision != null && decision.revision() != null) {
            event.policyDecision(new PolicyDecision(decision.decisionId(), decision.revision(), shortReason(decision.reason())));
        }
        if (touched != null) {
            event.touched(touched);
        }
        return Future.fromCompletionStage(store.append(List.of(event.build()))).mapEmpty();
    }

    private static String shortReason(String reason) {
        return reason == null ? null : reason.length() > 200 ? reason.substring(0, 200) : reason;
    }

    private <T> Future<T> work(Callable<T> task) {
        return workers.executeBlocking(task, false);
    }

    static String newExportId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The default period of a query without a start: the last day. */
    public static Duration defaultQueryPeriod() {
        return Duration.ofDays(1);
    }
}

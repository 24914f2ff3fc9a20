package io.lakeward.audit.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.shipping.AuditIngestToken;
import io.lakeward.audit.export.AuditExporter;
import io.lakeward.audit.export.ViewFormat;
import io.lakeward.audit.query.AuditFilter;
import io.lakeward.audit.query.AuditQueryService;
import io.lakeward.audit.service.AuditService;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.identity.InternalIdentity;
import io.lakeward.common.json.Json;
import io.lakeward.service.InternalIdentityHandler;
import io.lakeward.service.Responses;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;

/**
 * The audit service's HTTP handlers: parse and validate, call {@link AuditService}, answer. The
 * tenant always comes from the internal identity, never from a parameter.
 *
 * <pre>
 *   GET  /api/2.0/audit/events              query (auditor, tenant-admin)
 *   GET  /api/2.0/audit/my-access           the caller's own history
 *   POST /api/2.0/audit/exports             create an export (auditor, tenant-admin)
 *   GET  /api/2.0/audit/exports/:export_id  download it as a zip
 *   POST /internal/audit/v1/events          outbox shipments (ingest token, not the gateway's identity)
 * </pre>
 */
public final class AuditHandlers {
    private static final Pattern EXPORT_ID = Pattern.compile("[0-9a-f]{32}");
    private final AuditService service;
    private final Map<PlatformService, SecretKey> ingestKeys;
    private final Clock clock;
    private final ObjectMapper mapper = Json.newMapper();

    public AuditHandlers(AuditService service, Map<PlatformService, SecretKey> ingestKeys, Clock clock) {
        this.service = service;
        this.ingestKeys = Map.copyOf(ingestKeys);
        this.clock = clock;
    }

    public void ingest(RoutingContext context) {
        byte[] body = context.body() == null || context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
        service.ingest(context.request().getHeader(AuditIngestToken.HEADER), body, ingestKeys)
                .onSuccess(result -> Responses.json(context, 200, Map.of("stored", result.stored(), "duplicates", result.duplicates())))
                .onFailure(context::fail);
    }

    public void query(RoutingContext context) {
        InternalIdentity identity = InternalIdentityHandler.of(context);
        MultiMap parameters = context.queryParams();
        service.query(identity, filter(parameters), parameters.get("page_token"), pageSize(parameters))
                .onSuccess(page -> Responses.json(context, 200, page))
                .onFailure(context::fail);
    }

    public void myAccess(RoutingContext context) {
        InternalIdentity identity = InternalIdentityHandler.of(context);
        MultiMap parameters = context.queryParams();
        if (parameters.get("actor") != null) {
            throw LakewardException.invalidParameter("my-access shows the caller's own events; actor cannot be chosen");
        }
        service.myAccess(identity, filter(parameters), parameters.get("page_token"), pageSize(parameters))
                .onSuccess(page -> Responses.json(context, 200, page))
                .onFailure(context::fail);
    }

    public void createExport(RoutingContext context) {
        InternalIdentity identity = InternalIdentityHandler.of(context);
        JsonNode body;
        try {
            byte[] bytes = context.body() == null || context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
            body = bytes.length == 0 ? mapper.createObjectNode() : mapper.readTree(bytes);
        } catch (IOException e) {
            throw LakewardException.invalidParameter("the body is not a JSON object");
        }
        if (!body.isObject()) {
            throw LakewardException.invalidParameter("the body is not a JSON object");
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!java.util.Set.of("start_time", "end_time", "actor", "action", "resource", "outcome", "formats").contains(name)) {
                throw LakewardException.invalidParameter("unknown field " + (name.length() > 40 ? name.substring(0, 40) : name));
            }
        });
        AuditFilter filter = filter(name -> body.hasNonNull(name) ? body.get(name).asText() : null);
        java.util.Set<ViewFormat> formats = java.util.EnumSet.allOf(ViewFormat.class);
        if (body.hasNonNull("formats")) {
            if (!body.get("formats").isArray() || body.get("formats").isEmpty()) {
                throw LakewardException.invalidParameter("formats is a non-empty list of csv, jsonl, pdf");
            }
            formats = java.util.EnumSet.noneOf(ViewFormat.class);
            for (JsonNode format : body.get("formats")) {
                try {
                    formats.add(ViewFormat.parse(format.asText()));
                } catch (IllegalArgumentException e) {
                    throw LakewardException.invalidParameter(e.getMessage());
                }
            }
        }
        service.export(identity, filter, formats)
                .onSuccess(result -> Responses.json(context, 200, describe(result)))
                .onFailure(context::fail);
    }

    public void downloadExport(RoutingContext context) {
        InternalIdentity identity = InternalIdentityHandler.of(context);
        String exportId = context.pathParam("export_id");
        if (exportId == null || !EXPORT_ID.matcher(exportId).matches()) {
            throw LakewardException.notFound("no such export");
        }
        service.exportZip(identity, exportId)
                .onSuccess(zip -> send(context, exportId, zip))
                .onFailure(context::fail);
    }

    private static void send(RoutingContext context, String exportId, Path zip) {
        context.response()
                .putHeader("Content-Type", "application/zip")
                .putHeader("Content-Disposition", "attachment; filename=\"lakeward-audit-export-" + exportId + ".zip\"")
                .putHeader("Cache-Control", "no-store")
                .sendFile(zip.toString())
                .onFailure(context::fail);
    }

    private ObjectNode describe(AuditExporter.ExportResult result) {
        ObjectNode answer = mapper.createObjectNode();
        answer.put("export_id", result.exportId());
        answer.put("first_sequence", result.firstSequence());
        answer.put("last_sequence", result.lastSequence());
        answer.put("records", result.records());
        answer.put("view_records", result.viewRecords());
        answer.set("manifest", result.manifest());
        return answer;
    }

    private AuditFilter filter(MultiMap parameters) {
        return filter(parameters::get);
    }

    private AuditFilter filter(java.util.function.Function<String, String> parameter) {
        Instant now = clock.instant();
        Instant to = time(parameter.apply("end_time"), "end_time", now);
        Instant from = time(parameter.apply("start_time"), "start_time", to.minus(AuditService.defaultQueryPeriod()));
        if (!from.isBefore(to)) {
            throw LakewardException.invalidParameter("start_time must be before end_time");
        }
        String outcome = parameter.apply("outcome");
        Outcome parsedOutcome = null;
        if (outcome != null) {
            try {
                parsedOutcome = Outcome.valueOf(outcome.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw LakewardException.invalidParameter("outcome is one of SUCCESS, FAILURE, DENIED, ERROR");
            }
        }
        return new AuditFilter(from, to, text(parameter.apply("actor"), "actor"), text(parameter.apply("action"), "action"),
                text(parameter.apply("resource"), "resource"), parsedOutcome);
    }

    private static Instant time(String value, String name, Instant fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw LakewardException.invalidParameter(name + " is an ISO-8601 UTC time such as 2026-01-31T00:00:00Z");
        }
    }

    private static String text(String value, String name) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > 1024 || value.chars().anyMatch(c -> c < 0x20)) {
            throw LakewardException.invalidParameter(name + " is at most 1024 printable characters");
        }
        return value;
    }

    private static int pageSize(MultiMap parameters) {
        String value = parameters.get("page_size");
        if (value == null) {
            return 100;
        }
        try {
            int size = Integer.parseInt(value);
            if (size >= 1 && size <= AuditQueryService.MAX_PAGE_SIZE) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw LakewardException.invalidParameter("page_size must be from 1 to " + AuditQueryService.MAX_PAGE_SIZE);
    }
}

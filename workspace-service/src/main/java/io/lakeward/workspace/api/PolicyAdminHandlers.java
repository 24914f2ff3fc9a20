package io.lakeward.workspace.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.identity.InternalIdentity;
import io.lakeward.common.identity.Principal;
import io.lakeward.common.json.Json;
import io.lakeward.service.InternalIdentityHandler;
import io.lakeward.service.Responses;
import io.lakeward.workspace.policy.PolicyAdminService;
import io.lakeward.workspace.policy.PolicyDocument;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin policy API ({@code /api/2.0/policies/...}) and group and role membership in the
 * Databricks SCIM shapes ({@code /api/2.0/preview/scim/v2/Groups}, {@code .../Users/{id}}). Thin:
 * parse, call {@link PolicyAdminService} on the worker pool, answer. Every answer about the policy
 * carries its revision (body and {@code ETag}); changes take {@code If-Match: "<revision>"}.
 */
public final class PolicyAdminHandlers {
    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final Pattern IF_MATCH = Pattern.compile("(?:W/)?\"?(\\d{1,18})\"?");
    private static final Pattern MEMBER_FILTER = Pattern.compile("members\\[value eq \"([^\"]{1,255})\"]");
    private static final Pattern ROLE_FILTER = Pattern.compile("roles\\[value eq \"([^\"]{1,255})\"]");
    private static final String SCIM = "/api/2.0/preview/scim/v2";

    private final PolicyAdminService service;
    private final WorkerExecutor workers;
    private final Runnable changed;

    /**
     * @param changed run after every stored change (the local decision points pick it up at once;
     *                others within their poll interval)
     */
    public PolicyAdminHandlers(PolicyAdminService service, WorkerExecutor workers, Runnable changed) {
        this.service = service;
        this.workers = workers;
        this.changed = changed;
    }

    public void mount(Router router) {
        String base = "/api/2.0/policies";
        router.get(base).handler(context -> run(context, () -> policy(service.current(caller(context), requestId(context)))));
        router.get(base + "/grants").handler(context -> run(context, () -> section(service.current(caller(context), requestId(context)), "grants")));
        router.post(base + "/grants").handler(context -> change(context, () ->
                service.createGrant(caller(context), requestId(context), ifMatch(context), body(context, PolicyDocument.Grant.class))));
        router.post(base + "/grants/delete").handler(context -> change(context, () ->
                service.deleteGrant(caller(context), requestId(context), ifMatch(context), body(context, PolicyDocument.Grant.class))));
        router.get(base + "/row-filters").handler(context -> run(context, () -> section(service.current(caller(context), requestId(context)), "row_filters")));
        router.put(base + "/row-filters").handler(context -> change(context, () ->
                service.putRowFilter(caller(context), requestId(context), ifMatch(context), body(context, PolicyDocument.RowFilter.class))));
        router.post(base + "/row-filters/delete").handler(context -> change(context, () ->
                service.deleteRowFilter(caller(context), requestId(context), ifMatch(context), body(context, TableReference.class).table())));
        router.get(base + "/column-tags").handler(context -> run(context, () -> section(service.current(caller(context), requestId(context)), "column_tags")));
        router.post(base + "/column-tags").handler(context -> change(context, () ->
                service.addColumnTag(caller(context), requestId(context), ifMatch(context), body(context, PolicyDocument.ColumnTag.class))));
        router.post(base + "/column-tags/delete").handler(context -> change(context, () ->
                service.deleteColumnTag(caller(context), requestId(context), ifMatch(context), body(context, PolicyDocument.ColumnTag.class))));
        router.get(base + "/masks").handler(context -> run(context, () -> section(service.current(caller(context), requestId(context)), "masks")));
        router.put(base + "/masks").handler(context -> change(context, () ->
                service.putMask(caller(context), requestId(context), ifMatch(context), body(context, PolicyDocument.Mask.class))));
        router.post(base + "/masks/delete").handler(context -> change(context, () ->
                service.deleteMask(caller(context), requestId(context), ifMatch(context), body(context, PolicyDocument.Mask.class))));
        router.get(base + "/history").handler(context -> run(context, () -> history(context)));
        // the gateway's check of a personal access token's owner, made as that owner: only the caller's own standing
        router.get("/api/2.0/internal/identity/standing").handler(context -> run(context, () -> new Answer(200, service.standing(caller(context)), null)));
        router.post(base + "/rollback").handler(context -> change(context, () ->
                service.rollback(caller(context), requestId(context), ifMatch(context), body(context, RollbackRequest.class).revisionNumber())));
        router.post(base + "/simulate").handler(context -> run(context, () ->
                new Answer(200, service.simulate(caller(context), requestId(context), body(context, PolicyAdminService.SimulationRequest.class)), null)));

        router.get(SCIM + "/Groups").handler(context -> run(context, () -> groups(context)));
        router.get(SCIM + "/Groups/:group").handler(context -> run(context, () -> group(context)));
        router.patch(SCIM + "/Groups/:group").handler(context -> change(context, () -> patchGroup(context)));
        router.patch(SCIM + "/Users/:user").handler(context -> change(context, () -> patchUser(context)));
    }

    /** The answer of a handler: status, body, revision for the ETag (or {@code null}). */
    private record Answer(int status, Object body, Long revision) {
    }

    private void run(RoutingContext context, Callable<Answer> work) {
        workers.executeBlocking(work, false)
                .onSuccess(answer -> {
                    if (answer.revision() != null) {
                        context.response().putHeader("ETag", "\"" + answer.revision() + "\"");
                    }
                    Responses.json(context, answer.status(), answer.body());
                })
                .onFailure(context::fail);
    }

    private void change(RoutingContext context, Callable<PolicyAdminService.Current> work) {
        run(context, () -> {
            PolicyAdminService.Current current = work.call();
            changed.run();
            return policy(current);
        });
    }

    private static Answer policy(PolicyAdminService.Current current) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("revision", current.revision());
        body.put("policy", current.document());
        return new Answer(200, body, current.revision());
    }

    private static Answer section(PolicyAdminService.Current current, String name) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("revision", current.revision());
        body.put(name, MAPPER.valueToTree(current.document()).get(name));
        return new Answer(200, body, current.revision());
    }

    private Answer history(RoutingContext context) {
        long before = longParameter(context, "before", Long.MAX_VALUE);
        int limit = (int) longParameter(context, "limit", 50);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("revisions", service.history(caller(context), requestId(context), before, limit));
        return new Answer(200, body, null);
    }

    private Answer groups(RoutingContext context) {
        List<Map<String, Object>> resources = new ArrayList<>();
        for (String name : service.groups(caller(context), requestId(context))) {
            resources.add(scimGroup(name));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemas", List.of("urn:ietf:params:scim:api:messages:2.0:ListResponse"));
        body.put("totalResults", resources.size());
        body.put("startIndex", 1);
        body.put("itemsPerPage", resources.size());
        body.put("Resources", resources);
        return new Answer(200, body, null);
    }

    private Answer group(RoutingContext context) {
        String name = context.pathParam("group");
        if (!service.groups(caller(context), requestId(context)).contains(name)) {
            throw LakewardException.notFound("no group " + name);
        }
        return new Answer(200, scimGroup(name), null);
    }

    private static Map<String, Object> scimGroup(String name) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:Group"));
        group.put("id", name);
        group.put("displayName", name);
        return group;
    }

    /** SCIM PatchOp on a group: {@code add} members ({@code value: [{value: id}]}) and {@code remove} them. */
    private PolicyAdminService.Current patchGroup(RoutingContext context) {
        List<String> add = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        for (JsonNode operation : operations(context)) {
            String op = operation.path("op").asText("").toLowerCase(java.util.Locale.ROOT);
            String path = operation.path("path").asText("members");
            Matcher filtered = MEMBER_FILTER.matcher(path);
            if (op.equals("remove") && filtered.matches()) {
                remove.add(filtered.group(1));
                continue;
            }
            if (!path.equals("members")) {
                throw LakewardException.invalidParameter("only the members of a group can be patched; path " + path + " is not supported");
            }
            List<String> values = values(operation);
            switch (op) {
                case "add" -> add.addAll(values);
                case "remove" -> remove.addAll(values);
                default -> throw LakewardException.invalidParameter("op must be add or remove");
            }
        }
        return service.changeGroupMembers(caller(context), requestId(context), context.pathParam("group"), add, remove);
    }

    /** SCIM PatchOp on a user's {@code roles}: the tenant roles, granted and revoked through the identity directory. */
    private PolicyAdminService.Current patchUser(RoutingContext context) {
        List<String> grant = new ArrayList<>();
        List<String> revoke = new ArrayList<>();
        for (JsonNode operation : operations(context)) {
            String op = operation.path("op").asText("").toLowerCase(java.util.Locale.ROOT);
            String path = operation.path("path").asText("");
            Matcher filtered = ROLE_FILTER.matcher(path);
            if (op.equals("remove") && filtered.matches()) {
                revoke.add(filtered.group(1));
                continue;
            }
            if (!path.equals("roles")) {
                throw LakewardException.invalidParameter("only the roles of a user can be patched; path " + path + " is not supported");
            }
            List<String> values = values(operation);
            switch (op) {
                case "add" -> grant.addAll(values);
                case "remove" -> revoke.addAll(values);
                default -> throw LakewardException.invalidParameter("op must be add or remove");
            }
        }
        return service.changeUserRoles(caller(context), requestId(context), context.pathParam("user"), grant, revoke);
    }

    private static JsonNode operationsNode(RoutingContext context) {
        return body(context, JsonNode.class);
    }

    private static List<JsonNode> operations(RoutingContext context) {
        JsonNode body = operationsNode(context);
        JsonNode operations = body.get("Operations");
        if (operations == null || !operations.isArray() || operations.isEmpty() || operations.size() > 100) {
            throw LakewardException.invalidParameter("a SCIM patch has 1 to 100 Operations");
        }
        List<JsonNode> list = new ArrayList<>();
        operations.forEach(list::add);
        return list;
    }

    private static List<String> values(JsonNode operation) {
        JsonNode value = operation.get("value");
        if (value == null || !value.isArray() || value.isEmpty()) {
            throw LakewardException.invalidParameter("an add or remove operation has a non-empty value list of {\"value\": ...}");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode entry : value) {
            JsonNode id = entry.get("value");
            if (id == null || !id.isTextual()) {
                throw LakewardException.invalidParameter("each member is {\"value\": \"<id>\"}");
            }
            values.add(id.textValue());
        }
        return values;
    }

    private static Principal caller(RoutingContext context) {
        return identity(context).principal();
    }

    private static RequestId requestId(RoutingContext context) {
        return identity(context).requestId();
    }

    private static InternalIdentity identity(RoutingContext context) {
        return InternalIdentityHandler.of(context);
    }

    /** {@code If-Match: "<revision>"}, or none ({@code *} or absent: whatever the current revision is). */
    static Long ifMatch(RoutingContext context) {
        String header = context.request().getHeader("If-Match");
        if (header == null || header.strip().equals("*")) {
            return null;
        }
        Matcher matcher = IF_MATCH.matcher(header.strip());
        if (!matcher.matches()) {
            throw LakewardException.invalidParameter("If-Match must be the policy revision, e.g. \"12\"");
        }
        return Long.parseLong(matcher.group(1));
    }

    private static long longParameter(RoutingContext context, String name, long defaultValue) {
        String value = context.request().getParam(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw LakewardException.invalidParameter(name + " must be a number");
        }
    }

    static <T> T body(RoutingContext context, Class<T> type) {
        if (context.body() == null || context.body().buffer() == null || context.body().length() == 0) {
            throw new LakewardException(ErrorCode.MALFORMED_REQUEST, "the request needs a JSON body");
        }
        try {
            T value = MAPPER.readValue(context.body().buffer().getBytes(), type);
            if (value == null) {
                throw new LakewardException(ErrorCode.MALFORMED_REQUEST, "the request body is null");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new LakewardException(ErrorCode.MALFORMED_REQUEST, "unknown field " + e.getPropertyName() + " in the request body");
        } catch (JsonProcessingException e) {
            throw new LakewardException(ErrorCode.MALFORMED_REQUEST, "the request body is not the expected JSON");
        } catch (java.io.IOException e) {
            throw new LakewardException(ErrorCode.MALFORMED_REQUEST, "the request body cannot be read");
        }
    }

    /** {@code {"table": "c.s.t"}} */
    record TableReference(String table) {
    }

    /** {@code {"revision": n}} */
    record RollbackRequest(Long revision) {
        long revisionNumber() {
            if (revision == null) {
                throw LakewardException.invalidParameter("revision is required");
            }
            return revision;
        }
    }
}

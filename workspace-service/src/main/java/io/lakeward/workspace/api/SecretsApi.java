package io.lakeward.workspace.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.audit.client.event.Actor;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuthenticationMethod;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.event.ResourceReference;
import io.lakeward.audit.client.event.Response;
import io.lakeward.audit.client.event.Source;
import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.identity.InternalIdentity;
import io.lakeward.common.identity.Principal;
import io.lakeward.common.json.Json;
import io.lakeward.service.AuditedAnswers;
import io.lakeward.service.InternalIdentityHandler;
import io.lakeward.service.RequestIds;
import io.lakeward.workspace.secret.SecretService;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Databricks secrets API 2.0 ({@code /api/2.0/secrets/...}): thin handlers that parse, call the
 * {@link SecretService} on the store worker pool, audit the access to the workspace-service's
 * outbox, and only then answer. An access whose audit event the outbox refuses is answered 503.
 * Values never appear in a list answer, a log line or an audit event.
 */
public final class SecretsApi {
    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final String BASE = "/api/2.0/secrets";

    private final SecretService secrets;
    private final AuditOutbox audit;
    private final WorkerExecutor workers;

    public SecretsApi(SecretService secrets, AuditOutbox audit, WorkerExecutor workers) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.workers = Objects.requireNonNull(workers, "workers");
    }

    public void mount(Router router) {
        post(router, "/scopes/create", "secret_scope.create", (caller, body, params, touched) -> {
            String scope = text(body, "scope", true);
            touched.scope(scope);
            String backend = text(body, "scope_backend_type", false);
            if (backend != null && !backend.equals("DATABRICKS")) {
                throw LakewardException.invalidParameter("only the DATABRICKS scope backend is supported");
            }
            secrets.createScope(caller, scope, text(body, "initial_manage_principal", false));
            return Map.of();
        });
        post(router, "/scopes/delete", "secret_scope.delete", (caller, body, params, touched) -> {
            String scope = text(body, "scope", true);
            touched.scope(scope);
            secrets.deleteScope(caller, scope);
            return Map.of();
        });
        get(router, "/scopes/list", "secret_scope.list", (caller, body, params, touched) ->
                new Scopes(secrets.listScopes(caller).stream().map(s -> new ScopeView(s.name(), "DATABRICKS")).toList()));
        post(router, "/put", "secret.put", (caller, body, params, touched) -> {
            String scope = text(body, "scope", true);
            String key = text(body, "key", true);
            touched.secret(scope, key);
            byte[] value = value(body);
            try {
                secrets.putSecret(caller, scope, key, value);
            } finally {
                Arrays.fill(value, (byte) 0);
            }
            return Map.of();
        });
        post(router, "/delete", "secret.delete", (caller, body, params, touched) -> {
            String scope = text(body, "scope", true);
            String key = text(body, "key", true);
            touched.secret(scope, key);
            secrets.deleteSecret(caller, scope, key);
            return Map.of();
        });
        get(router, "/list", "secret.list", (caller, body, params, touched) -> {
            String scope = param(params, "scope");
            touched.scope(scope);
            return new SecretList(secrets.listSecrets(caller, scope).stream()
                    .map(s -> new SecretView(s.key(), s.updatedAt().toEpochMilli())).toList());
        });
        get(router, "/get", "secret.get", (caller, body, params, touched) -> {
            String scope = param(params, "scope");
            String key = param(params, "key");
            touched.secret(scope, key);
            byte[] value = secrets.getSecret(caller, scope, key);
            try {
                return new SecretValue(key, Base64.getEncoder().encodeToString(value));
            } finally {
                Arrays.fill(value, (byte) 0);
            }
        });
        post(router, "/acls/put", "secret_acl.put", (caller, body, params, touched) -> {
            String scope = text(body, "scope", true);
            touched.scope(scope);
            secrets.putAcl(caller, scope, text(body, "principal", true), text(body, "permission", true));
            return Map.of();
        });
        post(router, "/acls/delete", "secret_acl.delete", (caller, body, params, touched) -> {
            String scope = text(body, "scope", true);
            touched.scope(scope);
            secrets.deleteAcl(caller, scope, text(body, "principal", true));
            return Map.of();
        });
        get(router, "/acls/get", "secret_acl.get", (caller, body, params, touched) -> {
            String scope = param(params, "scope");
            touched.scope(scope);
            var acl = secrets.getAcl(caller, scope, param(params, "principal"));
            return new AclView(acl.principal(), acl.permission().name());
        });
        get(router, "/acls/list", "secret_acl.list", (caller, body, params, touched) -> {
            String scope = param(params, "scope");
            touched.scope(scope);
            return new AclList(secrets.listAcls(caller, scope).stream().map(a -> new AclView(a.principal(), a.permission().name())).toList());
        });
    }

    record Scopes(List<ScopeView> scopes) {
    }

    record ScopeView(String name, @JsonProperty("backend_type") String backendType) {
    }

    record SecretList(List<SecretView> secrets) {
    }

    record SecretView(String key, @JsonProperty("last_updated_timestamp") long lastUpdatedTimestamp) {
    }

    record SecretValue(String key, String value) {
    }

    record AclView(String principal, String permission) {
    }

    record AclList(List<AclView> items) {
    }

    private interface Operation {
        Object run(Principal caller, JsonNode body, io.vertx.core.MultiMap params, Touched touched);
    }

    /** The resource an access touched, for its audit event; set as soon as the request names it. */
    private static final class Touched {
        private ResourceReference resource;

        void scope(String scope) {
            if (scope != null && !scope.isEmpty() && scope.length() <= 128 && scope.chars().noneMatch(Character::isISOControl)) {
                resource = ResourceReference.of("secret_scope", scope);
            }
        }

        void secret(String scope, String key) {
            if (scope != null && key != null && scope.length() <= 128 && key.length() <= 128
                    && (scope + key).chars().noneMatch(Character::isISOControl) && !scope.isEmpty() && !key.isEmpty()) {
                resource = ResourceReference.of("secret", scope + "/" + key);
            }
        }
    }

    private void post(Router router, String path, String action, Operation operation) {
        router.post(BASE + path).handler(context -> serve(context, action, operation, true));
    }

    private void get(Router router, String path, String action, Operation operation) {
        router.get(BASE + path).handler(context -> serve(context, action, operation, false));
    }

    private void serve(RoutingContext context, String action, Operation operation, boolean hasBody) {
        InternalIdentity identity = InternalIdentityHandler.of(context);
        Principal caller = identity.principal();
        Touched touched = new Touched();
        JsonNode body;
        try {
            body = hasBody ? body(context) : MAPPER.createObjectNode();
        } catch (LakewardException e) {
            answer(context, action, caller, touched, e, null);
            return;
        }
        io.vertx.core.MultiMap params = context.queryParams();
        workers.<Object>executeBlocking(() -> operation.run(caller, body, params, touched), false)
                .onComplete(result -> answer(context, action, caller, touched, result.cause(), result.result()));
    }

    /** Audits the call, then answers it: the result on success, the one error shape otherwise. */
    private void answer(RoutingContext context, String action, Principal caller, Touched touched, Throwable failure, Object result) {
        AuditedAnswers.answer(context, failure, result,
                outcome -> audit.append(event(context, action, caller, touched, outcome.status(), outcome.code())), "the service");
    }

    private static AuditEvent event(RoutingContext context, String action, Principal caller, Touched touched, int status, ErrorCode code) {
        Actor actor = caller.type() == Principal.PrincipalType.USER
                ? Actor.user(caller.subject(), caller.name(), AuthenticationMethod.INTERNAL_IDENTITY)
                : new Actor(io.lakeward.audit.client.event.ActorType.SERVICE, caller.subject(), caller.name(), AuthenticationMethod.INTERNAL_IDENTITY);
        AuditEvent.Builder event = AuditEvent.builder()
                .tenant(caller.tenant())
                .service(PlatformService.WORKSPACE_SERVICE)
                .action(action)
                .actor(actor)
                // the service sees only the loopback hop; the client's address is in the gateway's event of the same request id
                .source(Source.none())
                .requestId(RequestIds.of(context))
                .response(new Response(status, code))
                .outcome(status < 400 ? Outcome.SUCCESS : status == 401 || status == 403 ? Outcome.DENIED
                        : status >= 500 ? Outcome.ERROR : Outcome.FAILURE);
        if (touched.resource != null) {
            event.touched(touched.resource);
        }
        return event.build();
    }

    private static JsonNode body(RoutingContext context) {
        var buffer = context.body().buffer();
        if (buffer == null || buffer.length() == 0) {
            throw new LakewardException(ErrorCode.MALFORMED_REQUEST, "the request needs a JSON body");
        }
        try {
            JsonNode node = MAPPER.readTree(buffer.getBytes());
            if (node == null || !node.isObject()) {
                throw new LakewardException(ErrorCode.MALFORMED_REQUEST, "the request body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new LakewardException(ErrorCode.MALFORMED_REQUEST, "the request body is not valid JSON");
        }
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw LakewardException.invalidParameter("'" + field + "' is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw LakewardException.invalidParameter("'" + field + "' must be a string");
        }
        return value.asText();
    }

    private static String param(io.vertx.core.MultiMap params, String name) {
        List<String> values = params.getAll(name);
        if (values.size() != 1) {
            throw LakewardException.invalidParameter("the query parameter '" + name + "' is required once");
        }
        return values.get(0);
    }

    /** Exactly one of {@code string_value} (UTF-8) and {@code bytes_value} (base64). */
    private static byte[] value(JsonNode body) {
        String string = text(body, "string_value", false);
        String bytes = text(body, "bytes_value", false);
        if ((string == null) == (bytes == null)) {
            throw LakewardException.invalidParameter("give exactly one of 'string_value' and 'bytes_value'");
        }
        if (string != null) {
            return string.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getDecoder().decode(bytes);
        } catch (IllegalArgumentException e) {
            throw LakewardException.invalidParameter("'bytes_value' must be base64");
        }
    }
}

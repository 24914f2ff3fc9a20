package io.lakeward.keyvault.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
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
import io.lakeward.common.json.Json;
import io.lakeward.keyvault.Keyvault;
import io.lakeward.service.AuditedAnswers;
import io.lakeward.service.OperationalRoutes;
import io.lakeward.service.RequestIds;
import io.lakeward.service.ServiceRouters;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keyvault's wrap/unwrap API on loopback, for processes outside the platform JVM (cluster
 * drivers): the Azure Key Vault role. Every call carries a scoped token ({@code Authorization:
 * Bearer lwkv1....}) naming one tenant and one caller; data keys are wrapped and unwrapped under that
 * tenant's key-encryption key, which never leaves this process. Every call, allowed or refused, is
 * audited to the keyvault's outbox before it is answered; a refused audit answers 503.
 *
 * <pre>
 * POST /api/keyvault/v1/keys/wrap     {"key_id": "...", "key": "&lt;base64&gt;"}          → {"wrapped_key": "&lt;base64&gt;"}
 * POST /api/keyvault/v1/keys/unwrap   {"key_id": "...", "wrapped_key": "&lt;base64&gt;"}  → {"key": "&lt;base64&gt;"}
 * POST /api/keyvault/v1/token/refresh                                           → {"token": "...", "expires_at": "..."}
 * </pre>
 */
public final class KeyvaultVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(KeyvaultVerticle.class);
    static final String BASE = "/api/keyvault/v1";
    private static final long MAX_BODY = 16 * 1024;
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = Json.newMapper();

    private final Keyvault keyvault;
    private final AuditOutbox audit;
    private final int configuredPort;
    private final PrometheusMeterRegistry metrics;
    private WorkerExecutor crypto;
    private HttpServer server;

    public KeyvaultVerticle(Keyvault keyvault, AuditOutbox audit, int port, PrometheusMeterRegistry metrics) {
        this.keyvault = Objects.requireNonNull(keyvault, "keyvault");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.configuredPort = port;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        crypto = vertx.createSharedWorkerExecutor("lakeward-keyvault-crypto", 4);
        Router router = ServiceRouters.base(vertx);
        OperationalRoutes operational = new OperationalRoutes(vertx, "keyvault", List.of());
        operational.mountHealth(router);
        if (metrics != null) {
            operational.mountMetrics(router, metrics);
        }
        router.post(BASE + "/keys/wrap").handler(context -> serve(context, "keyvault.key_wrap", this::wrap));
        router.post(BASE + "/keys/unwrap").handler(context -> serve(context, "keyvault.key_unwrap", this::unwrap));
        router.post(BASE + "/token/refresh").handler(context -> serve(context, "keyvault.token_refresh", this::refresh));
        return ServiceRouters.listenOnLoopback(vertx, router, configuredPort)
                .onSuccess(listening -> {
                    server = listening;
                    LOG.info("keyvault API listening on 127.0.0.1:{}", listening.actualPort());
                });
    }

    @Override
    public Future<?> stop() {
        return crypto == null ? Future.succeededFuture() : crypto.close();
    }

    /** The port the listener is bound to (useful when configured as 0). */
    public int port() {
        return server.actualPort();
    }

    private interface Operation {
        Object run(TokenScope scope, String token, JsonNode body, Touched touched);
    }

    /** The resource one call touched, recorded in its audit event. */
    private static final class Touched {
        ResourceReference resource;
    }

    private void serve(RoutingContext context, String action, Operation operation) {
        String token = bearer(context);
        Touched touched = new Touched();
        TokenScope scope;
        JsonNode body;
        try {
            scope = keyvault.tokens().verify(token);
            body = body(context);
        } catch (LakewardException e) {
            answer(context, action, null, touched, e, null);
            return;
        }
        TokenScope verified = scope;
        JsonNode parsed = body;
        blocking(() -> operation.run(verified, token, parsed, touched))
                .onSuccess(result -> answer(context, action, verified, touched, null, result))
                .onFailure(failure -> answer(context, action, verified, touched, failure, null));
    }

    private Object wrap(TokenScope scope, String token, JsonNode body, Touched touched) {
        String keyId = text(body, "key_id");
        touched.resource = ResourceReference.of("data_key", keyId);
        byte[] key = base64(text(body, "key"), "key");
        try {
            return new Wrapped(Base64.getEncoder().encodeToString(keyvault.wrapKey(scope.tenant(), keyId, key)));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private Object unwrap(TokenScope scope, String token, JsonNode body, Touched touched) {
        String keyId = text(body, "key_id");
        touched.resource = ResourceReference.of("data_key", keyId);
        byte[] wrapped = base64(text(body, "wrapped_key"), "wrapped_key");
        byte[] key = keyvault.unwrapKey(scope.tenant(), keyId, wrapped);
        try {
            return new Unwrapped(Base64.getEncoder().encodeToString(key));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private Object refresh(TokenScope scope, String token, JsonNode body, Touched touched) {
        ScopedToken next = keyvault.tokens().refresh(token);
        return new Refreshed(next.token().reveal(), next.expiresAt());
    }

    record Wrapped(@JsonProperty("wrapped_key") String wrappedKey) {
    }

    record Unwrapped(@JsonProperty("key") String key) {
    }

    record Refreshed(@JsonProperty("token") String token, @JsonProperty("expires_at") Instant expiresAt) {
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return crypto.executeBlocking(work, false);
    }

    /** Audits the call, then answers it: the result on success, the one error shape otherwise. */
    private void answer(RoutingContext context, String action, TokenScope scope, Touched touched, Throwable failure, Object result) {
        AuditedAnswers.answer(context, failure, result,
                outcome -> audit.append(event(context, action, scope, touched, outcome.status(), outcome.code())), "the keyvault");
    }

    private static AuditEvent event(RoutingContext context, String action, TokenScope scope, Touched touched, int status, ErrorCode code) {
        AuditEvent.Builder event = AuditEvent.builder()
                .service(PlatformService.KEYVAULT)
                .action(action)
                .requestId(RequestIds.of(context))
                .source(Source.of(context.request().remoteAddress() == null ? null : context.request().remoteAddress().hostAddress(), null))
                .response(new Response(status, code))
                .outcome(status < 400 ? Outcome.SUCCESS : status == 401 || status == 403 ? Outcome.DENIED
                        : status >= 500 ? Outcome.ERROR : Outcome.FAILURE);
        if (scope == null) {
            event.platformLevel().actor(context.request().getHeader("Authorization") == null
                    ? Actor.anonymous() : Actor.rejected(AuthenticationMethod.SCOPED_TOKEN));
        } else {
            event.tenant(scope.tenant()).actor(Actor.service(scope.caller(), AuthenticationMethod.SCOPED_TOKEN));
            if (touched.resource != null) {
                event.touched(touched.resource);
            }
        }
        return event.build();
    }

    private static String bearer(RoutingContext context) {
        String header = context.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }

    private static JsonNode body(RoutingContext context) {
        var buffer = context.body().buffer();
        if (buffer == null || buffer.length() == 0) {
            return MAPPER.createObjectNode();
        }
        if (buffer.length() > MAX_BODY) {
            throw new LakewardException(ErrorCode.REQUEST_ENTITY_TOO_LARGE, "the request body is too large");
        }
        try {
            JsonNode node = MAPPER.readTree(buffer.getBytes());
            if (node == null || !node.isObject()) {
                throw new LakewardException(ErrorCode.MALFORMED_REQUEST, "the request body must be a JSON object");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new LakewardException(ErrorCode.MALFORMED_REQUEST, "the request body is not valid JSON");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual()) {
            throw LakewardException.invalidParameter("'" + field + "' is required and must be a string");
        }
        return value.asText();
    }

    private static byte[] base64(String value, String field) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw LakewardException.invalidParameter("'" + field + "' must be base64");
        }
    }
}

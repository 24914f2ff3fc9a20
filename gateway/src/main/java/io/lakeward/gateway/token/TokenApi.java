package io.lakeward.gateway.token;

import io.lakeward.audit.client.event.ResourceReference;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.identity.Principal;
import io.lakeward.gateway.GatewayConfig;
import io.lakeward.gateway.audit.RequestAudit;
import io.lakeward.gateway.auth.BearerAuthentication;
import io.lakeward.gateway.auth.PersonalAccessTokenVerifier;
import io.lakeward.gateway.auth.PersonalAccessTokens;
import io.lakeward.gateway.tenant.TenantResolver;
import io.lakeward.metastore.token.PersonalAccessToken;
import io.lakeward.metastore.token.PersonalAccessTokenStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The personal access token API in the Databricks shapes: {@code /api/2.0/token/create},
 * {@code /list} and {@code /delete} for the caller's own tokens, and
 * {@code /api/2.0/token-management/tokens} for tenant administrators (role {@code tenant-admin}).
 * The token value is in the create answer only (with {@code Cache-Control: no-store}); the store
 * keeps its SHA-256. Tokens are made only with a signed-in credential (an OIDC access token),
 * never with another personal access token, so a leaked token cannot extend itself.
 */
public final class TokenApi {
    public static final String ADMIN_ROLE = "tenant-admin";
    private static final int LIST_LIMIT = 10_000;

    private final PersonalAccessTokenStore store;
    private final PersonalAccessTokenVerifier verifier;
    private final PersonalAccessTokens tokens;
    private final WorkerExecutor database;
    private final RequestAudit audit;
    private final GatewayConfig.TokenSettings settings;
    private final Clock clock;
    private final SecureRandom random;

    public TokenApi(PersonalAccessTokenStore store, PersonalAccessTokenVerifier verifier, SecureRandom random, WorkerExecutor database,
                    RequestAudit audit, GatewayConfig.TokenSettings settings, Clock clock) {
        this.store = store;
        this.verifier = verifier;
        this.tokens = new PersonalAccessTokens(random);
        this.random = random;
        this.database = database;
        this.audit = audit;
        this.settings = settings;
        this.clock = clock;
    }

    /** {@code POST /api/2.0/token/create} {@code {"lifetime_seconds", "comment"}}. */
    public Handler<RoutingContext> create() {
        return context -> {
            Principal principal = BearerAuthentication.of(context);
            if (PersonalAccessTokenVerifier.AUTHENTICATION_METHOD.equals(principal.authenticationMethod())) {
                context.fail(LakewardException.permissionDenied("a personal access token cannot create tokens; use a signed-in credential"));
                return;
            }
            JsonObject body = body(context);
            Duration lifetime = lifetime(body);
            String comment = comment(body);
            String value = tokens.generate();
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            PersonalAccessToken token = new PersonalAccessToken(principal.tenant(), newTokenId(), PersonalAccessTokens.hash(value),
                    principal.subject(), principal.name(), principal.type().name(), principal.roles(), principal.groups(), comment,
                    now, now.plus(lifetime), Optional.empty());
            RequestAudit.touched(context, reference(token.tokenId()));
            blocking(context, () -> {
                store.create(token, settings.personalTokenMaxPerPrincipal());
                return null;
            }).onSuccess(ignored -> answer(context, new JsonObject()
                    .put("token_value", value)
                    .put("token_info", ownInfo(token)), true));
        };
    }

    /** {@code GET /api/2.0/token/list}: the caller's own tokens. */
    public Handler<RoutingContext> list() {
        return context -> {
            Principal principal = BearerAuthentication.of(context);
            blocking(context, () -> store.list(principal.tenant(), Optional.of(principal.subject()), LIST_LIMIT))
                    .onSuccess(found -> answer(context, new JsonObject().put("token_infos",
                            new JsonArray(found.stream().map(TokenApi::ownInfo).toList())), false));
        };
    }

    /** {@code POST /api/2.0/token/delete} {@code {"token_id"}}: one of the caller's own tokens. */
    public Handler<RoutingContext> delete() {
        return context -> {
            Principal principal = BearerAuthentication.of(context);
            Object tokenId = body(context).getValue("token_id");
            if (!(tokenId instanceof String id) || id.isEmpty()) {
                context.fail(LakewardException.invalidParameter("token_id is required"));
                return;
            }
            revoke(context, id, Optional.of(principal.subject()));
        };
    }

    /** {@code GET /api/2.0/token-management/tokens}, optionally filtered by {@code created_by_id} or {@code created_by_username}. */
    public Handler<RoutingContext> managementList() {
        return context -> {
            Principal admin = administrator(context);
            if (admin == null) {
                return;
            }
            Optional<String> createdById = Optional.ofNullable(context.request().getParam("created_by_id"));
            Optional<String> createdByName = Optional.ofNullable(context.request().getParam("created_by_username"));
            blocking(context, () -> store.list(admin.tenant(), createdById, LIST_LIMIT))
                    .onSuccess(found -> answer(context, new JsonObject().put("token_infos", new JsonArray(found.stream()
                            .filter(token -> createdByName.isEmpty() || createdByName.get().equals(token.ownerName()))
                            .map(TokenApi::fullInfo).toList())), false));
        };
    }

    /** {@code GET /api/2.0/token-management/tokens/:token_id}. */
    public Handler<RoutingContext> managementGet() {
        return context -> {
            Principal admin = administrator(context);
            if (admin == null) {
                return;
            }
            String tokenId = context.pathParam("token_id");
            RequestAudit.touched(context, reference(tokenId));
            blocking(context, () -> store.get(admin.tenant(), tokenId)).onSuccess(found -> {
                if (found.isEmpty()) {
                    context.fail(missingToken());
                } else {
                    answer(context, new JsonObject().put("token_info", fullInfo(found.get())), false);
                }
            });
        };
    }

    /** {@code DELETE /api/2.0/token-management/tokens/:token_id}: any token of the tenant. */
    public Handler<RoutingContext> managementDelete() {
        return context -> {
            if (administrator(context) != null) {
                revoke(context, context.pathParam("token_id"), Optional.empty());
            }
        };
    }

    private void revoke(RoutingContext context, String tokenId, Optional<String> owner) {
        Principal principal = BearerAuthentication.of(context);
        RequestAudit.touched(context, reference(tokenId));
        blocking(context, () -> store.delete(principal.tenant(), tokenId, owner)).onSuccess(deleted -> {
            if (!deleted) {
                context.fail(missingToken());
                return;
            }
            verifier.forget(principal.tenant(), tokenId);
            answer(context, new JsonObject(), false);
        });
    }

    /** The caller if it is a tenant administrator of the host's tenant; otherwise fails the request and returns {@code null}. */
    private static Principal administrator(RoutingContext context) {
        Principal principal = BearerAuthentication.of(context);
        if (!principal.roles().contains(ADMIN_ROLE) || !principal.tenant().equals(TenantResolver.of(context).id())) {
            context.fail(LakewardException.permissionDenied("token management needs the " + ADMIN_ROLE + " role"));
            return null;
        }
        return principal;
    }

    private <T> Future<T> blocking(RoutingContext context, Callable<T> work) {
        return database.executeBlocking(work, false).onFailure(context::fail);
    }

    private void answer(RoutingContext context, JsonObject json, boolean holdsSecret) {
        audit.thenAnswer(context, 200, null, () -> {
            var response = context.response().putHeader("Content-Type", "application/json");
            if (holdsSecret) {
                response.putHeader("Cache-Control", "no-store");
            }
            response.end(json.encode());
        });
    }

    private JsonObject body(RoutingContext context) {
        if (context.body() == null || context.body().length() == 0) {
            return new JsonObject();
        }
        try {
            JsonObject body = context.body().asJsonObject();
            return body == null ? new JsonObject() : body;
        } catch (DecodeException | ClassCastException e) {
            throw new LakewardException(ErrorCode.MALFORMED_REQUEST, "the request body is not a JSON object");
        }
    }

    private Duration lifetime(JsonObject body) {
        Duration max = settings.personalTokenMaxLifetime();
        Object value = body.getValue("lifetime_seconds");
        if (value == null) {
            return max;
        }
        if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1
                || ((Number) value).longValue() > max.toSeconds()) {
            throw LakewardException.invalidParameter("lifetime_seconds must be a whole number from 1 to " + max.toSeconds());
        }
        return Duration.ofSeconds(((Number) value).longValue());
    }

    private static String comment(JsonObject body) {
        Object value = body.getValue("comment");
        if (value == null) {
            return "";
        }
        if (!(value instanceof String comment) || comment.length() > PersonalAccessToken.MAX_COMMENT_LENGTH
                || comment.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            throw LakewardException.invalidParameter("comment must be text of at most " + PersonalAccessToken.MAX_COMMENT_LENGTH
                    + " characters without control characters");
        }
        return comment;
    }

    private String newTokenId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    private static LakewardException missingToken() {
        return LakewardException.notFound("no token with this id");
    }

    private static ResourceReference reference(String tokenId) {
        return ResourceReference.of("personal_access_token", PersonalAccessToken.isTokenId(tokenId) ? tokenId : "invalid");
    }

    private static JsonObject ownInfo(PersonalAccessToken token) {
        return new JsonObject()
                .put("token_id", token.tokenId())
                .put("creation_time", token.createdAt().toEpochMilli())
                .put("expiry_time", token.expiresAt().toEpochMilli())
                .put("comment", token.comment());
    }

    private static JsonObject fullInfo(PersonalAccessToken token) {
        JsonObject info = ownInfo(token)
                .put("created_by_id", token.ownerId())
                .put("created_by_username", token.ownerName())
                .put("owner_id", token.ownerId());
        token.lastUsedAt().ifPresent(used -> info.put("last_used_day", used.truncatedTo(ChronoUnit.DAYS).toEpochMilli()));
        return info;
    }
}

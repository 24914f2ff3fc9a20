package io.lakeward.gateway.auth;

import io.lakeward.audit.client.event.AuthenticationMethod;
import io.lakeward.common.identity.Principal;
import io.lakeward.gateway.tenant.TenantResolver;
import io.lakeward.common.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates API requests by their {@code Authorization: Bearer} credential: a personal access
 * token ({@value PersonalAccessTokens#PREFIX}...) or an OIDC access token. A credential verified
 * before is answered from the verifiers' caches on the event loop; any other is verified on a
 * worker pool (key fetches for access tokens, database lookups for personal access tokens). A route
 * behind this handler always has a {@link Principal} of the request's tenant; a refusal records
 * its {@link RefusalReason} for the request's audit event.
 */
public final class BearerAuthentication {
    private static final String KEY = "lakeward.principal";
    private static final String REFUSED_KEY = "lakeward.authenticationRefused";
    private static final String METHOD_KEY = "lakeward.authenticationMethod";
    private static final String PREFIX = "Bearer ";

    private final AccessTokenVerifier accessTokens;
    private final PersonalAccessTokenVerifier personalTokens;
    private final WorkerExecutor tokenWorkers;
    private final WorkerExecutor databaseWorkers;

    public BearerAuthentication(AccessTokenVerifier accessTokens, PersonalAccessTokenVerifier personalTokens,
                                WorkerExecutor tokenWorkers, WorkerExecutor databaseWorkers) {
        this.accessTokens = accessTokens;
        this.personalTokens = personalTokens;
        this.tokenWorkers = tokenWorkers;
        this.databaseWorkers = databaseWorkers;
    }

    public void handle(RoutingContext context) {
        String header = context.request().getHeader("Authorization");
        if (header == null || header.length() <= PREFIX.length() || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            context.response().putHeader("WWW-Authenticate", "Bearer");
            refuse(context, new TokenRefusedException(header == null ? RefusalReason.MISSING_CREDENTIAL : RefusalReason.MALFORMED));
            return;
        }
        String token = header.substring(PREFIX.length()).trim();
        boolean personal = PersonalAccessTokens.claims(token);
        context.put(METHOD_KEY, personal ? AuthenticationMethod.PERSONAL_ACCESS_TOKEN : AuthenticationMethod.BEARER_TOKEN);
        if (token.length() > AccessTokenVerifier.MAX_TOKEN_LENGTH) {
            refuse(context, new TokenRefusedException(RefusalReason.OVERSIZED));
            return;
        }
        Tenant tenant = TenantResolver.of(context);
        Principal cached;
        try {
            cached = personal ? personalTokens.cached(tenant, token) : accessTokens.cached(tenant, token);
        } catch (RuntimeException e) {
            refuse(context, e);
            return;
        }
        Future<Principal> principal = cached != null ? Future.succeededFuture(cached)
                : personal ? databaseWorkers.executeBlocking(() -> personalTokens.verify(tenant, token), false)
                : tokenWorkers.executeBlocking(() -> accessTokens.verify(tenant, token), false);
        principal.onSuccess(verified -> {
            context.put(KEY, verified);
            context.next();
        }).onFailure(failure -> refuse(context, failure));
    }

    private static void refuse(RoutingContext context, Throwable failure) {
        if (failure instanceof TokenRefusedException refused) {
            context.put(REFUSED_KEY, refused.reason());
            if (refused.reason() != RefusalReason.OTHER_TENANT && refused.reason() != RefusalReason.MISSING_CREDENTIAL) {
                context.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            }
            context.fail(refused.answer());
        } else {
            context.fail(failure);
        }
    }

    /** Records the principal another authentication (a browser session) verified for this request. */
    public static void authenticated(RoutingContext context, Principal principal) {
        context.put(KEY, principal);
    }

    /** Records that another authentication (a browser session) refused the request's credential, and why. */
    public static void refuse(RoutingContext context, RefusalReason reason) {
        context.put(REFUSED_KEY, java.util.Objects.requireNonNull(reason, "reason"));
    }

    /** The verified principal of this request, or {@code null} when it did not authenticate. */
    public static Principal find(RoutingContext context) {
        return context.get(KEY);
    }

    /** Whether this handler refused the request's credential (missing, malformed, invalid or another tenant's). */
    public static boolean refused(RoutingContext context) {
        return context.get(REFUSED_KEY) != null;
    }

    /** Why the credential was refused, or {@code null} if it was not (or could not be checked, e.g. the issuer was down). */
    public static RefusalReason refusalReason(RoutingContext context) {
        return context.get(REFUSED_KEY);
    }

    /** The kind of credential the request presented, or {@code null} when it presented none. */
    public static AuthenticationMethod attemptedMethod(RoutingContext context) {
        return context.get(METHOD_KEY);
    }

    public static Principal of(RoutingContext context) {
        Principal principal = context.get(KEY);
        if (principal == null) {
            throw new IllegalStateException("authentication did not run for this route");
        }
        return principal;
    }
}

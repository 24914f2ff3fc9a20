package io.lakeward.gateway.auth;

import io.lakeward.common.identity.Principal;
import io.lakeward.common.error.LakewardException;
import io.lakeward.gateway.tenant.TenantResolver;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates API requests by their {@code Authorization: Bearer} access token, verified off the
 * event loop. A route behind this handler always has a {@link Principal} of the request's tenant.
 */
public final class BearerAuthentication {
    private static final String KEY = "lakeward.principal";
    private static final String REFUSED_KEY = "lakeward.authenticationRefused";
    private static final String PREFIX = "Bearer ";

    private final AccessTokenVerifier verifier;
    private final WorkerExecutor workers;

    public BearerAuthentication(AccessTokenVerifier verifier, WorkerExecutor workers) {
        this.verifier = verifier;
        this.workers = workers;
    }

    public void handle(RoutingContext context) {
        String header = context.request().getHeader("Authorization");
        if (header == null || header.length() <= PREFIX.length() || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            context.response().putHeader("WWW-Authenticate", "Bearer");
            context.put(REFUSED_KEY, true);
            context.fail(LakewardException.unauthenticated());
            return;
        }
        String token = header.substring(PREFIX.length()).trim();
        if (token.length() > AccessTokenVerifier.MAX_TOKEN_LENGTH) {
            context.put(REFUSED_KEY, true);
            context.fail(LakewardException.unauthenticated());
            return;
        }
        workers.executeBlocking(() -> verifier.verify(TenantResolver.of(context), token), false)
                .onSuccess(principal -> {
                    context.put(KEY, principal);
                    context.next();
                })
                .onFailure(failure -> {
                    context.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                    context.put(REFUSED_KEY, true);
                    context.fail(failure);
                });
    }

    /** Records the principal another authentication (a browser session) verified for this request. */
    public static void authenticated(RoutingContext context, Principal principal) {
        context.put(KEY, principal);
    }

    /** Records that another authentication (a browser session) refused the request's credential. */
    public static void refuse(RoutingContext context) {
        context.put(REFUSED_KEY, true);
    }

    /** The verified principal of this request, or {@code null} when it did not authenticate. */
    public static Principal find(RoutingContext context) {
        return context.get(KEY);
    }

    /** Whether this handler refused the request's credential (missing, malformed, invalid or another tenant's). */
    public static boolean refused(RoutingContext context) {
        return Boolean.TRUE.equals(context.get(REFUSED_KEY));
    }

    public static Principal of(RoutingContext context) {
        Principal principal = context.get(KEY);
        if (principal == null) {
            throw new IllegalStateException("authentication did not run for this route");
        }
        return principal;
    }
}

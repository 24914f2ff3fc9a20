package io.lakeward.gateway.edge;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.gateway.auth.BearerAuthentication;
import io.lakeward.gateway.tenant.TenantResolver;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * The gateway's rate limits: one bucket per tenant (every request to its host) and one per
 * principal within a tenant (authenticated requests). Over the limit: 429
 * {@code REQUEST_LIMIT_EXCEEDED} with {@code Retry-After} in whole seconds.
 */
public final class RateLimits {
    private final RateLimiter perTenant;
    private final RateLimiter perPrincipal;

    public RateLimits(RateLimiter perTenant, RateLimiter perPrincipal) {
        this.perTenant = perTenant;
        this.perPrincipal = perPrincipal;
    }

    /** After tenant resolution. */
    public void tenant(RoutingContext context) {
        check(context, perTenant.acquire(TenantResolver.of(context).id().value()), "this workspace");
    }

    /** After authentication. */
    public void principal(RoutingContext context) {
        var principal = BearerAuthentication.of(context);
        check(context, perPrincipal.acquire(principal.tenant().value() + "/" + principal.subject()), "this caller");
    }

    private static void check(RoutingContext context, Duration wait, String who) {
        if (wait.isZero()) {
            context.next();
            return;
        }
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        context.response().putHeader("Retry-After", Long.toString(seconds));
        context.fail(new LakewardException(ErrorCode.REQUEST_LIMIT_EXCEEDED, "too many requests for " + who + "; retry later"));
    }
}

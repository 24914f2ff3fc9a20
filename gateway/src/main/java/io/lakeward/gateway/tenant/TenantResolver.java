package io.lakeward.gateway.tenant;

import io.lakeward.common.error.LakewardException;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantDirectory;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

/**
 * Maps the host a request came to onto its tenant. Tenants are addressed by host name only (never
 * by a path prefix, which Databricks clients drop); a host that names no active tenant gets 404.
 */
public final class TenantResolver {
    private static final String KEY = "lakeward.tenant";

    private final TenantDirectory tenants;

    public TenantResolver(TenantDirectory tenants) {
        this.tenants = tenants;
    }

    public void handle(RoutingContext context) {
        HostAndPort authority = context.request().authority();
        Tenant tenant = authority == null ? null : tenants.byHost(authority.host()).orElse(null);
        if (tenant == null) {
            context.fail(LakewardException.notFound("no workspace at this address"));
            return;
        }
        context.put(KEY, tenant);
        context.next();
    }

    /** The tenant resolved for this request, or {@code null} when resolution did not run or found none. */
    public static Tenant find(RoutingContext context) {
        return context.get(KEY);
    }

    /** The tenant resolved for this request; only called on routes behind {@link #handle}. */
    public static Tenant of(RoutingContext context) {
        Tenant tenant = context.get(KEY);
        if (tenant == null) {
            throw new IllegalStateException("tenant resolution did not run for this route");
        }
        return tenant;
    }
}

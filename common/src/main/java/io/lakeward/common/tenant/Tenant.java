package io.lakeward.common.tenant;

import io.lakeward.common.id.TenantId;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * A tenant as the edge sees it: its id, display name, the host name its users reach it at, and
 * the one OIDC issuer whose tokens it accepts.
 */
public record Tenant(TenantId id, String displayName, String hostName, URI issuer, TenantStatus status) {
    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(status, "status");
        hostName = hostName.toLowerCase(Locale.ROOT);
        if (!"https".equals(issuer.getScheme())) {
            throw new IllegalArgumentException("a tenant's issuer must be an https URL");
        }
    }

    /** The host name of a tenant under a base domain: {@code acme} + {@code lakeward.localhost}. */
    public static String hostName(TenantId id, String baseDomain) {
        return id.value() + "." + baseDomain.toLowerCase(Locale.ROOT);
    }
}

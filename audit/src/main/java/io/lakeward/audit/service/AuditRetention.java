package io.lakeward.audit.service;

import io.lakeward.common.id.TenantId;
import java.time.Duration;
import java.util.Map;

/**
 * How long each tenant's audit records are kept: {@code defaultPeriod} (12 months by default; PCI
 * DSS 10.5.1 asks for at least 12) unless the tenant has its own, never shorter than 12 months.
 * The last {@code queryableWindow} (3 months) can be queried at once; older records are reached by
 * exports.
 */
public record AuditRetention(Duration defaultPeriod, Map<TenantId, Duration> perTenant, Duration queryableWindow) {
    public static final Duration MINIMUM = Duration.ofDays(365);

    public AuditRetention {
        perTenant = Map.copyOf(perTenant);
        if (defaultPeriod.compareTo(MINIMUM) < 0 || perTenant.values().stream().anyMatch(period -> period.compareTo(MINIMUM) < 0)) {
            throw new IllegalArgumentException("audit records are kept at least 365 days");
        }
        if (queryableWindow.isZero() || queryableWindow.isNegative() || queryableWindow.compareTo(defaultPeriod) > 0) {
            throw new IllegalArgumentException("the queryable window is positive and at most the retention period");
        }
    }

    /** The retention of {@code tenant} ({@code null}: the platform's own log and the default). */
    public Duration of(TenantId tenant) {
        return tenant == null ? defaultPeriod : perTenant.getOrDefault(tenant, defaultPeriod);
    }

    public static AuditRetention defaults() {
        return new AuditRetention(MINIMUM, Map.of(), Duration.ofDays(92));
    }
}

package io.lakeward.audit.store;

import io.lakeward.common.id.TenantId;
import java.util.Objects;

/**
 * Names one hash chain of the audit log: a tenant's, or the platform's own for events that belong
 * to no tenant. The platform log's name, {@value #PLATFORM_NAME}, is not a valid tenant id, so
 * the two can never be confused. The name is also the log's directory name.
 */
public record AuditLogId(String value) {
    public static final String PLATFORM_NAME = "_platform";
    public static final AuditLogId PLATFORM = new AuditLogId(PLATFORM_NAME);

    public AuditLogId {
        Objects.requireNonNull(value, "value");
        if (!value.equals(PLATFORM_NAME)) {
            TenantId.of(value);
        }
    }

    public static AuditLogId of(TenantId tenant) {
        return tenant == null ? PLATFORM : new AuditLogId(tenant.value());
    }

    public static AuditLogId parse(String value) {
        return new AuditLogId(value);
    }

    public boolean isPlatform() {
        return value.equals(PLATFORM_NAME);
    }

    @Override
    public String toString() {
        return value;
    }
}

package io.lakeward.common.tenant;

/** Lifecycle of a tenant; only {@link #ACTIVE} tenants are served. */
public enum TenantStatus {
    ACTIVE,
    SUSPENDED,
    DELETED
}

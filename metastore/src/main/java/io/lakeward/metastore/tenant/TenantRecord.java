package io.lakeward.metastore.tenant;

import io.lakeward.common.tenant.Tenant;
import java.time.Instant;
import java.util.Objects;

/** A registered tenant: what the edge needs ({@link Tenant}) plus its key reference and timestamps. */
public record TenantRecord(Tenant tenant, String keyReference, Instant createdAt, Instant updatedAt) {
    public TenantRecord {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(keyReference, "keyReference");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}

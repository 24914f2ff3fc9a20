package io.lakeward.metastore.workspace;

import io.lakeward.common.id.TenantId;
import java.time.Instant;
import java.util.Objects;

/** A workspace of a tenant. */
public record Workspace(TenantId tenant, WorkspaceId id, String name, Instant createdAt) {
    public Workspace {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}

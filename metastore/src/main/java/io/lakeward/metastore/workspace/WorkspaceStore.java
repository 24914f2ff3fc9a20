package io.lakeward.metastore.workspace;

import io.lakeward.common.id.TenantId;
import java.util.List;
import java.util.Optional;

/**
 * Persistence of workspaces. Every call names its tenant; a workspace of another tenant is
 * indistinguishable from one that does not exist. Blocking.
 */
public interface WorkspaceStore {
    /**
     * Creates a workspace.
     *
     * @throws io.lakeward.common.error.LakewardException {@code INVALID_PARAMETER_VALUE} for a bad name,
     *         {@code RESOURCE_ALREADY_EXISTS} if the tenant has a workspace of that name,
     *         {@code RESOURCE_DOES_NOT_EXIST} if the tenant is not registered
     */
    Workspace create(TenantId tenant, String name);

    Optional<Workspace> get(TenantId tenant, WorkspaceId id);

    /** The tenant's workspaces by name, at most {@code limit} (1 to 1000). */
    List<Workspace> list(TenantId tenant, int limit);

    /** Deletes a workspace; false if the tenant has none with that id. */
    boolean delete(TenantId tenant, WorkspaceId id);
}

package io.lakeward.workspace.identity;

import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link IdentityDirectory} of tenants registered with an OIDC issuer of their own (any issuer
 * but the platform's Keycloak): the tenant's identity provider owns its users, groups and roles, and
 * Lakeward can neither read nor change them. {@link #managed()} is false; provisioning, deleting and
 * every membership write fail with {@code INVALID_PARAMETER_VALUE}; every read answers empty (no
 * users, no groups, no roles) without calling anything.
 *
 * <p>Membership of such a tenant's users comes from the claims of their tokens, verified by the
 * gateway against the tenant's issuer: {@code groups} for groups, {@code realm_access.roles} for
 * {@link TenantRole}s. An empty read here therefore means "not known to the platform", never "no
 * membership". Stateless and thread-safe.
 */
public final class ExternalIdentityDirectory implements IdentityDirectory {
    private static final String READ_ONLY = "the tenant's directory is managed by its own identity provider; change it there";

    @Override
    public boolean managed() {
        return false;
    }

    @Override
    public ProvisionedIdentity provisionTenant(TenantId tenantId, String displayName, URI gatewayOrigin) {
        throw readOnly(tenantId);
    }

    @Override
    public void deleteTenant(TenantId tenantId) {
        throw readOnly(tenantId);
    }

    @Override
    public List<DirectoryUser> users(TenantId tenantId) {
        Objects.requireNonNull(tenantId, "tenantId");
        return List.of();
    }

    @Override
    public Optional<DirectoryUser> user(TenantId tenantId, String userId) {
        Objects.requireNonNull(tenantId, "tenantId");
        return Optional.empty();
    }

    @Override
    public List<String> groups(TenantId tenantId) {
        Objects.requireNonNull(tenantId, "tenantId");
        return List.of();
    }

    @Override
    public Set<String> groupsOf(TenantId tenantId, String userId) {
        Objects.requireNonNull(tenantId, "tenantId");
        return Set.of();
    }

    @Override
    public Set<String> realmRolesOf(TenantId tenantId, String userId) {
        Objects.requireNonNull(tenantId, "tenantId");
        return Set.of();
    }

    @Override
    public void addToGroup(TenantId tenantId, String userId, String group) {
        throw readOnly(tenantId);
    }

    @Override
    public void removeFromGroup(TenantId tenantId, String userId, String group) {
        throw readOnly(tenantId);
    }

    @Override
    public void grantRole(TenantId tenantId, String userId, String role) {
        throw readOnly(tenantId);
    }

    @Override
    public void revokeRole(TenantId tenantId, String userId, String role) {
        throw readOnly(tenantId);
    }

    private static LakewardException readOnly(TenantId tenantId) {
        Objects.requireNonNull(tenantId, "tenantId");
        return LakewardException.invalidParameter(READ_ONLY);
    }
}

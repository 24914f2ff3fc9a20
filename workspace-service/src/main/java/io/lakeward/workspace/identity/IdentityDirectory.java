package io.lakeward.workspace.identity;

import io.lakeward.common.id.TenantId;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's identity directory: its users, groups and tenant roles. A tenant is an identity
 * directory (one Keycloak realm per tenant, the stand-in for an Entra ID tenant).
 *
 * <p>Blocking: every method may call the identity provider, each call bounded by a timeout, so
 * callers run it on a worker pool, never on an event loop. Implementations are thread-safe.
 *
 * <p>Tenant scoping: every call names its tenant and sees that tenant's directory only. A user id or
 * group name that the tenant's directory does not hold is {@code RESOURCE_DOES_NOT_EXIST}, also when
 * another tenant holds it; the answer never carries another tenant's data or ids.
 *
 * <p>Failures are {@link io.lakeward.common.error.LakewardException}s: {@code INVALID_PARAMETER_VALUE}
 * for a reserved realm name ({@code master}, {@code lakeward-platform}), a role outside
 * {@link TenantRole} or a write to a directory that is not {@link #managed()};
 * {@code RESOURCE_DOES_NOT_EXIST} as above; {@code TEMPORARILY_UNAVAILABLE} with a generic message
 * when the identity provider fails or does not answer in time (details go to the log, never tokens
 * or passwords).
 */
public interface IdentityDirectory {
    /**
     * True when Lakeward provisions the directory and changes its membership; false when the
     * tenant's own identity provider does, and then the writes and provisioning fail and every read
     * answers empty (membership comes from the claims of the tenant's tokens).
     */
    boolean managed();

    /**
     * Makes sure the tenant's directory exists, created from the platform's tenant template (roles,
     * groups, the gateway's login client under {@code gatewayOrigin}, the automation client; no
     * users). Idempotent: an existing directory is kept as it is.
     *
     * @param gatewayOrigin {@code https://<host>[:<port>]} the tenant's users sign in through
     */
    ProvisionedIdentity provisionTenant(TenantId tenantId, String displayName, URI gatewayOrigin);

    /** Deletes the tenant's directory with its users and credentials; nothing happens if there is none. */
    void deleteTenant(TenantId tenantId);

    /** The tenant's users (people; service accounts are not listed). */
    List<DirectoryUser> users(TenantId tenantId);

    /** A user of the tenant by id; empty when the tenant's directory holds no such user. */
    Optional<DirectoryUser> user(TenantId tenantId, String userId);

    /** The names of the tenant's top-level groups. */
    List<String> groups(TenantId tenantId);

    /** The names of the groups the user is a direct member of. */
    Set<String> groupsOf(TenantId tenantId, String userId);

    /**
     * The {@link TenantRole}s the user holds, effective ones included (through a group or a
     * composite role), by role name: what the {@code realm_access.roles} claim of the user's next
     * token says about tenant roles.
     */
    Set<String> realmRolesOf(TenantId tenantId, String userId);

    /** Makes the user a direct member of the tenant's group {@code group}; idempotent. */
    void addToGroup(TenantId tenantId, String userId, String group);

    /** Ends the user's direct membership of the tenant's group {@code group}; idempotent. */
    void removeFromGroup(TenantId tenantId, String userId, String group);

    /** Grants the user a {@link TenantRole} (by role name) directly; idempotent. */
    void grantRole(TenantId tenantId, String userId, String role);

    /**
     * Revokes the user's direct grant of a {@link TenantRole} (by role name); idempotent. A role the
     * user also holds through a group stays effective.
     */
    void revokeRole(TenantId tenantId, String userId, String role);
}

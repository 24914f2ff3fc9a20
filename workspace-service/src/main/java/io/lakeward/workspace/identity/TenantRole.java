package io.lakeward.workspace.identity;

import io.lakeward.common.error.LakewardException;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The realm roles a tenant grants, by their names in the directory and in tokens. The set is closed:
 * nothing else can be granted or revoked through an {@link IdentityDirectory}.
 */
public enum TenantRole {
    TENANT_ADMIN("tenant-admin"),
    WORKSPACE_USER("workspace-user"),
    AUDITOR("auditor"),
    VIEWER("viewer");

    private static final String ALL = Arrays.stream(values()).map(TenantRole::roleName).collect(Collectors.joining(", "));

    private final String roleName;

    TenantRole(String roleName) {
        this.roleName = roleName;
    }

    /** The role's name in the directory and in the {@code realm_access.roles} claim. */
    public String roleName() {
        return roleName;
    }

    /** The role named {@code roleName}, if it is a tenant role. */
    public static Optional<TenantRole> find(String roleName) {
        return Arrays.stream(values()).filter(role -> role.roleName.equals(roleName)).findFirst();
    }

    /** The role named {@code roleName}; any other name is an {@code INVALID_PARAMETER_VALUE}. */
    public static TenantRole of(String roleName) {
        // the given name is not repeated: it is caller input of any length and content
        return find(roleName).orElseThrow(() -> LakewardException.invalidParameter("not a tenant role; a tenant role is one of " + ALL));
    }
}

package io.lakeward.workspace.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The directory of a tenant with its own OIDC issuer: read-only, and empty to read. */
class ExternalIdentityDirectoryTest {
    private static final TenantId TENANT = TenantId.of("initech");
    private static final String USER = "00000000-0000-0000-0000-000000000001";

    private final IdentityDirectory directory = new ExternalIdentityDirectory();

    @Test
    void isNotManaged() {
        assertFalse(directory.managed());
    }

    @Test
    void refusesProvisioningAndEveryWrite() {
        List<Executable> writes = List.of(
                () -> directory.provisionTenant(TENANT, "Initech", URI.create("https://initech.lakeward.localhost")),
                () -> directory.deleteTenant(TENANT),
                () -> directory.addToGroup(TENANT, USER, "admins"),
                () -> directory.removeFromGroup(TENANT, USER, "admins"),
                () -> directory.grantRole(TENANT, USER, "tenant-admin"),
                () -> directory.revokeRole(TENANT, USER, "viewer"));
        for (Executable write : writes) {
            LakewardException failure = assertThrows(LakewardException.class, write);
            assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, failure.code());
            assertTrue(failure.getMessage().contains("managed by its own identity provider"), failure.getMessage());
        }
    }

    @Test
    void answersEveryReadEmpty() {
        assertEquals(List.of(), directory.users(TENANT));
        assertTrue(directory.user(TENANT, USER).isEmpty());
        assertEquals(List.of(), directory.groups(TENANT));
        assertEquals(Set.of(), directory.groupsOf(TENANT, USER));
        assertEquals(Set.of(), directory.realmRolesOf(TENANT, USER));
    }
}

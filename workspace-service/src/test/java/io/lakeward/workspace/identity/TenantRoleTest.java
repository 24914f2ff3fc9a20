package io.lakeward.workspace.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The closed set of tenant roles, by the names the tenant template and tokens use. */
class TenantRoleTest {
    @Test
    void namesAreTheTemplatesRoles() {
        assertEquals(List.of("tenant-admin", "workspace-user", "auditor", "viewer"),
                Arrays.stream(TenantRole.values()).map(TenantRole::roleName).toList());
        for (TenantRole role : TenantRole.values()) {
            assertEquals(role, TenantRole.of(role.roleName()));
        }
    }

    @Test
    void anyOtherNameIsAnInvalidParameterThatIsNotEchoed() {
        for (String name : Arrays.asList("TENANT_ADMIN", "Viewer", "offline_access", "default-roles-acme", " viewer", "", null)) {
            LakewardException failure = assertThrows(LakewardException.class, () -> TenantRole.of(name));
            assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, failure.code());
        }
        LakewardException failure = assertThrows(LakewardException.class, () -> TenantRole.of("<script>root</script>"));
        assertFalse(failure.getMessage().contains("script"), failure.getMessage());
    }
}

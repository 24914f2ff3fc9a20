package io.lakeward.metastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.metastore.workspace.JdbcWorkspaceStore;
import io.lakeward.metastore.workspace.Workspace;
import io.lakeward.metastore.workspace.WorkspaceId;
import io.lakeward.testing.postgres.TestDatabase;
import io.lakeward.testing.postgres.TestingPostgres;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(TestingPostgres.Kind.class)
class WorkspaceStoreTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    @Parameter
    TestingPostgres.Kind server;

    private TestDatabase database;
    private MetadataDatabase metadata;
    private JdbcWorkspaceStore workspaces;

    @BeforeEach
    void start() {
        database = TestingPostgres.of(server).createDatabase();
        metadata = MetadataDatabase.start(TestMetastores.config(database));
        JdbcTenantRegistryStore tenants = new JdbcTenantRegistryStore(metadata.transactions());
        tenants.create(TestMetastores.tenant("acme"));
        tenants.create(TestMetastores.tenant("globex"));
        workspaces = new JdbcWorkspaceStore(metadata.transactions());
    }

    @AfterEach
    void stop() {
        if (metadata != null) {
            metadata.close();
        }
        database.close();
    }

    @Test
    void createGetListDelete() {
        Workspace analytics = workspaces.create(ACME, "  analytics ");
        Workspace etl = workspaces.create(ACME, "etl");
        assertEquals("analytics", analytics.name());
        assertEquals(analytics, workspaces.get(ACME, analytics.id()).orElseThrow());
        assertEquals(List.of(analytics, etl), workspaces.list(ACME, 10));
        assertEquals(List.of(analytics), workspaces.list(ACME, 1));
        assertTrue(workspaces.delete(ACME, analytics.id()));
        assertFalse(workspaces.delete(ACME, analytics.id()));
        assertEquals(List.of(etl), workspaces.list(ACME, 10));
    }

    @Test
    void namesAreUniquePerTenantOnly() {
        workspaces.create(ACME, "analytics");
        LakewardException duplicate = assertThrows(LakewardException.class, () -> workspaces.create(ACME, "analytics"));
        assertEquals(ErrorCode.RESOURCE_ALREADY_EXISTS, duplicate.code());
        assertEquals("analytics", workspaces.create(GLOBEX, "analytics").name());
        assertEquals(1, workspaces.list(ACME, 10).size());
    }

    @Test
    void anotherTenantsWorkspaceLooksMissing() {
        Workspace secret = workspaces.create(GLOBEX, "secret");
        assertTrue(workspaces.get(ACME, secret.id()).isEmpty());
        assertFalse(workspaces.delete(ACME, secret.id()));
        assertEquals(List.of(), workspaces.list(ACME, 10));
        assertTrue(workspaces.get(GLOBEX, secret.id()).isPresent());
    }

    @Test
    void badInputIsRefused() {
        for (String name : List.of("", "   ", "a".repeat(101), "tab\there")) {
            LakewardException refused = assertThrows(LakewardException.class, () -> workspaces.create(ACME, name));
            assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, refused.code());
        }
        assertThrows(NullPointerException.class, () -> workspaces.create(null, "analytics"));
        assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, assertThrows(LakewardException.class, () -> workspaces.list(ACME, 0)).code());
        LakewardException unknownTenant = assertThrows(LakewardException.class, () -> workspaces.create(TenantId.of("initech"), "analytics"));
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, unknownTenant.code());
        assertThrows(IllegalArgumentException.class, () -> WorkspaceId.parse("-1"));
        assertThrows(IllegalArgumentException.class, () -> WorkspaceId.parse("1; DROP TABLE workspaces"));
    }
}

package io.lakeward.metastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.metastore.workspace.JdbcWorkspaceStore;
import io.lakeward.metastore.workspace.Workspace;
import io.lakeward.testing.postgres.TestDatabase;
import io.lakeward.testing.postgres.TestingPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tries to get at another tenant's rows the ways a bug or a careless query would, as the
 * application role, on both the embedded and the machine's PostgreSQL.
 */
@ParameterizedClass
@EnumSource(TestingPostgres.Kind.class)
class TenantIsolationTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    @Parameter
    TestingPostgres.Kind server;

    private TestDatabase database;
    private MetadataDatabase metadata;
    private JdbcWorkspaceStore workspaces;
    private Workspace acmeWorkspace;
    private Workspace globexWorkspace;

    @BeforeEach
    void start() {
        database = TestingPostgres.of(server).createDatabase();
        // one connection, so consecutive transactions provably share it
        metadata = MetadataDatabase.start(TestMetastores.config(database).withPoolSize(1));
        JdbcTenantRegistryStore tenants = new JdbcTenantRegistryStore(metadata.transactions());
        tenants.create(TestMetastores.tenant("acme"));
        tenants.create(TestMetastores.tenant("globex"));
        workspaces = new JdbcWorkspaceStore(metadata.transactions());
        acmeWorkspace = workspaces.create(ACME, "acme analytics");
        globexWorkspace = workspaces.create(GLOBEX, "globex secrets");
    }

    @AfterEach
    void stop() {
        if (metadata != null) {
            metadata.close();
        }
        database.close();
    }

    @Test
    void queryThatForgetsItsTenantFilterSeesOnlyItsOwnTenant() {
        List<String> seen = metadata.transactions().inTenant(ACME, connection -> strings(connection, "SELECT tenant_id || '/' || name FROM workspaces"));
        assertEquals(List.of("acme/acme analytics"), seen);
        assertEquals(List.of("globex/globex secrets"),
                metadata.transactions().inTenant(GLOBEX, connection -> strings(connection, "SELECT tenant_id || '/' || name FROM workspaces")));
        assertTrue(workspaces.get(ACME, globexWorkspace.id()).isEmpty(), "another tenant's workspace looks like a missing one");
        assertFalse(workspaces.delete(ACME, globexWorkspace.id()));
        assertTrue(workspaces.get(GLOBEX, globexWorkspace.id()).isPresent());
    }

    @Test
    void updatesAndDeletesWithoutTenantFilterTouchOnlyTheOwnTenant() {
        int updated = metadata.transactions().inTenant(ACME, connection -> update(connection, "UPDATE workspaces SET name = name || ' (renamed)'"));
        int deleted = metadata.transactions().inTenant(ACME, connection -> update(connection, "DELETE FROM workspaces WHERE name LIKE 'globex%'"));
        assertEquals(1, updated);
        assertEquals(0, deleted);
        assertEquals("globex secrets", workspaces.get(GLOBEX, globexWorkspace.id()).orElseThrow().name());
    }

    @Test
    void writingARowForAnotherTenantIsRejected() {
        LakewardException insert = assertThrows(LakewardException.class, () -> metadata.transactions().inTenant(ACME, connection ->
                update(connection, "INSERT INTO workspaces (tenant_id, workspace_id, name) VALUES ('globex', 4242, 'planted')")));
        assertRowSecurityViolation(insert);
        LakewardException move = assertThrows(LakewardException.class, () -> metadata.transactions().inTenant(ACME, connection ->
                update(connection, "UPDATE workspaces SET tenant_id = 'globex'")));
        assertRowSecurityViolation(move);
        assertEquals(List.of(globexWorkspace), workspaces.list(GLOBEX, 100));
        assertEquals(List.of(acmeWorkspace), workspaces.list(ACME, 100));
    }

    @Test
    void outsideAnyScopeNothingIsVisible() throws SQLException {
        try (Connection connection = metadata.applicationDataSource().getConnection()) {
            assertEquals(0, count(connection, "workspaces"));
            assertEquals(0, count(connection, "tenants"));
            connection.rollback();
        }
        assertEquals(Integer.valueOf(0), metadata.transactions().inPlatform(connection -> count(connection, "workspaces")), "platform scope sees no tenant rows");
        assertEquals(Integer.valueOf(0), metadata.transactions().inTenant(ACME, connection -> count(connection, "tenants")), "tenant scope sees no registry rows");
        assertEquals(Integer.valueOf(2), metadata.transactions().inPlatform(connection -> count(connection, "tenants")));
    }

    @Test
    void tenantSettingDoesNotOutliveItsTransaction() throws SQLException {
        int tenantBackend = metadata.transactions().inTenant(ACME, connection -> {
            assertEquals("acme", setting(connection));
            return backend(connection);
        });
        try (Connection connection = metadata.applicationDataSource().getConnection()) {
            assertEquals(tenantBackend, backend(connection), "the pool of one hands out the same server session");
            String leftOver = setting(connection);
            assertTrue(leftOver == null || leftOver.isEmpty(), "tenant setting leaked: " + leftOver);
            assertEquals(0, count(connection, "workspaces"));
            connection.rollback();
        }
        // nor after a transaction that failed half-way
        assertThrows(IllegalStateException.class, () -> metadata.transactions().inTenant(ACME, connection -> {
            throw new IllegalStateException("work failed");
        }));
        assertEquals(Integer.valueOf(0), metadata.transactions().inPlatform(connection -> count(connection, "workspaces")));
        assertNull(metadata.transactions().inPlatform(connection -> nullIfEmpty(setting(connection))));
    }

    @Test
    void applicationRoleCannotSwitchRowSecurityOff() {
        // SET row_security = off is allowed, but a query RLS applies to then fails instead of seeing everything
        LakewardException off = assertThrows(LakewardException.class, () -> metadata.transactions().inTenant(ACME, connection -> {
            execute(connection, "SET LOCAL row_security = off");
            return strings(connection, "SELECT name FROM workspaces");
        }));
        assertSqlState("42501", off);
        for (String statement : List.of(
                "ALTER TABLE workspaces DISABLE ROW LEVEL SECURITY",
                "ALTER TABLE workspaces NO FORCE ROW LEVEL SECURITY",
                "DROP POLICY workspaces_tenant_isolation ON workspaces",
                "CREATE POLICY everything ON workspaces USING (true)",
                "ALTER TABLE tenants DISABLE ROW LEVEL SECURITY",
                "TRUNCATE workspaces",
                "CREATE TABLE planted (tenant_id text)",
                "SET ROLE " + database.superuser(),
                "ALTER ROLE CURRENT_USER BYPASSRLS",
                "CREATE ROLE intruder LOGIN")) {
            LakewardException refused = assertThrows(LakewardException.class,
                    () -> metadata.transactions().inTenant(ACME, connection -> execute(connection, statement)), statement);
            assertSqlState("42501", refused);
        }
        assertEquals(1, workspaces.list(GLOBEX, 100).size());
    }

    @Test
    void applicationRoleIsNeitherSuperuserNorBypassesRowSecurityNorOwnsTables() {
        List<String> attributes = metadata.transactions().inPlatform(connection -> strings(connection, """
                SELECT rolsuper || ',' || rolbypassrls || ',' || rolcreaterole || ',' || rolcreatedb
                FROM pg_roles WHERE rolname = current_user"""));
        assertEquals(List.of("false,false,false,false"), attributes);
        List<String> owned = metadata.transactions().inPlatform(connection -> strings(connection, """
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'MEMBER')"""));
        assertEquals(List.of(), owned);
        List<String> policed = metadata.transactions().inPlatform(connection -> strings(connection, """
                SELECT relname || ':' || relrowsecurity || ':' || relforcerowsecurity FROM pg_class
                WHERE relname IN ('tenants', 'workspaces') ORDER BY relname"""));
        assertEquals(List.of("tenants:true:true", "workspaces:true:true"), policed);
    }

    @Test
    void tenantIdCannotCarrySql() {
        for (String attempt : List.of("acme'; DROP TABLE workspaces; --", "acme' OR '1'='1", "ACME", "acme;", "", "a")) {
            assertThrows(IllegalArgumentException.class, () -> TenantId.of(attempt), attempt);
        }
        assertThrows(NullPointerException.class, () -> metadata.transactions().inTenant(null, connection -> 1));
        // and the value is a bind parameter: even a hostile string binds verbatim and runs nothing
        String hostile = "x', true); DROP TABLE workspaces; --";
        String bound = metadata.transactions().inPlatform(connection -> {
            JdbcTransactions.bind(connection, hostile, "tenant");
            assertEquals(0, count(connection, "workspaces"));
            return setting(connection);
        });
        assertEquals(hostile, bound);
        assertEquals(1, workspaces.list(ACME, 100).size(), "workspaces still there");
    }

    private static void assertRowSecurityViolation(LakewardException e) {
        assertEquals(ErrorCode.INTERNAL_ERROR, e.code());
        assertSqlState("42501", e);
        assertTrue(e.getCause().getMessage().contains("row-level security"), e.getCause().getMessage());
    }

    private static void assertSqlState(String expected, LakewardException e) {
        SQLException cause = assertInstanceOf(SQLException.class, e.getCause());
        assertEquals(expected, cause.getSQLState(), cause.getMessage());
    }

    private static String nullIfEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String setting(Connection connection) throws SQLException {
        return strings(connection, "SELECT current_setting('lakeward.tenant_id', true)").get(0);
    }

    private static int backend(Connection connection) throws SQLException {
        return Integer.parseInt(strings(connection, "SELECT pg_backend_pid()::text").get(0));
    }

    private static int count(Connection connection, String table) throws SQLException {
        return Integer.parseInt(strings(connection, "SELECT count(*)::text FROM " + table).get(0));
    }

    private static int update(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
        }
    }

    private static int execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
            return 0;
        }
    }

    private static List<String> strings(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}

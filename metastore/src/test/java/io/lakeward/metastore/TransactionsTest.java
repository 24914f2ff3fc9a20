package io.lakeward.metastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.metastore.workspace.JdbcWorkspaceStore;
import io.lakeward.testing.postgres.TestDatabase;
import io.lakeward.testing.postgres.TestingPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Commit, rollback and the error model of {@link Transactions}. */
@ParameterizedClass
@EnumSource(TestingPostgres.Kind.class)
class TransactionsTest {
    private static final TenantId ACME = TenantId.of("acme");

    @Parameter
    TestingPostgres.Kind server;

    private TestDatabase database;
    private MetadataDatabase metadata;
    private JdbcWorkspaceStore workspaces;

    @BeforeEach
    void start() {
        database = TestingPostgres.of(server).createDatabase();
        metadata = MetadataDatabase.start(TestMetastores.config(database).withStatementTimeout(Duration.ofMillis(300)));
        new JdbcTenantRegistryStore(metadata.transactions()).create(TestMetastores.tenant("acme"));
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
    void aFailureRollsBackEverythingTheWorkDid() {
        LakewardException own = LakewardException.invalidParameter("changed my mind");
        LakewardException thrown = assertThrows(LakewardException.class, () -> metadata.transactions().inTenant(ACME, connection -> {
            insert(connection, "first");
            throw own;
        }));
        assertSame(own, thrown, "the work's own error passes through unchanged");
        LakewardException sql = assertThrows(LakewardException.class, () -> metadata.transactions().inTenant(ACME, connection -> {
            insert(connection, "second");
            insert(connection, "second");
            return null;
        }));
        assertEquals(ErrorCode.INTERNAL_ERROR, sql.code());
        assertEquals("metadata database error", sql.getMessage(), "no SQL detail reaches a caller");
        assertEquals(0, workspaces.list(ACME, 10).size());
        metadata.transactions().inTenant(ACME, connection -> insert(connection, "third"));
        assertEquals(1, workspaces.list(ACME, 10).size());
    }

    @Test
    void aRunawayStatementIsCutOffByTheStatementTimeout() {
        LakewardException slow = assertThrows(LakewardException.class,
                () -> metadata.transactions().inTenant(ACME, connection -> execute(connection, "SELECT pg_sleep(30)")));
        assertEquals(ErrorCode.DEADLINE_EXCEEDED, slow.code());
        assertEquals(0, workspaces.list(ACME, 10).size(), "the connection is usable afterwards");
    }

    private static int insert(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO workspaces (tenant_id, workspace_id, name) VALUES ('acme', ?, ?)")) {
            statement.setLong(1, Math.abs(name.hashCode()) + 1L);
            statement.setString(2, name);
            return statement.executeUpdate();
        }
    }

    private static int execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
            return 0;
        }
    }
}

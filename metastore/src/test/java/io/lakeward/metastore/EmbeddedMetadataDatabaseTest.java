package io.lakeward.metastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.id.TenantId;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.metastore.workspace.JdbcWorkspaceStore;
import io.lakeward.metastore.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded mode: a private server whose data lives under the state directory. */
class EmbeddedMetadataDatabaseTest {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMetadataDatabaseTest.class);
    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path state;

    @Test
    void dataSurvivesARestart() {
        MetastoreConfig config = MetastoreConfig.embedded(state.resolve("metastore"));
        Workspace created;
        long firstStart = System.nanoTime();
        try (MetadataDatabase metadata = MetadataDatabase.start(config)) {
            LOG.info("embedded metadata database, first start (new cluster): {} ms", (System.nanoTime() - firstStart) / 1_000_000);
            assertEquals(io.lakeward.metastore.migration.Migrations.fromClasspath().size(), metadata.migrationsAppliedAtStart().size());
            new JdbcTenantRegistryStore(metadata.transactions()).create(TestMetastores.tenant("acme"));
            created = new JdbcWorkspaceStore(metadata.transactions()).create(ACME, "analytics");
        }
        long secondStart = System.nanoTime();
        try (MetadataDatabase metadata = MetadataDatabase.start(config)) {
            LOG.info("embedded metadata database, restart: {} ms", (System.nanoTime() - secondStart) / 1_000_000);
            assertEquals(List.of(), metadata.migrationsAppliedAtStart());
            assertTrue(new JdbcTenantRegistryStore(metadata.transactions()).get(ACME).isPresent());
            assertEquals(List.of(created), new JdbcWorkspaceStore(metadata.transactions()).list(ACME, 10));
        }
    }

    @Test
    void everyConnectionNeedsAPasswordTheSuperusersToo() throws Exception {
        Path directory = state.resolve("metastore");
        try (MetadataDatabase metadata = MetadataDatabase.start(MetastoreConfig.embedded(directory))) {
            String url = "jdbc:postgresql://127.0.0.1:" + metadata.embeddedPort().orElseThrow() + "/lakeward";
            assertThrows(SQLException.class, () -> connect(url, "postgres", null).close(), "no password");
            assertThrows(SQLException.class, () -> connect(url, "postgres", "guess").close(), "wrong password");
            String password = Files.readString(directory.resolve("superuser.password")).strip();
            try (Connection connection = connect(url, "postgres", password)) {
                assertTrue(connection.isValid(5));
            }
            assertThrows(SQLException.class, () -> connect(url, "lakeward_app", null).close(), "the application role neither");
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("superuser.password"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
    }

    @Test
    void aLostPasswordFileIsExplained() throws Exception {
        Path directory = state.resolve("metastore");
        MetadataDatabase.start(MetastoreConfig.embedded(directory)).close();
        Files.delete(directory.resolve("superuser.password"));
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> MetadataDatabase.start(MetastoreConfig.embedded(directory)));
        assertTrue(refused.getMessage().contains("superuser.password"), refused.getMessage());
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection(url, properties);
    }
}

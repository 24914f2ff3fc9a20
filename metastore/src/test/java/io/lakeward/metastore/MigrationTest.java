package io.lakeward.metastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.config.Secret;
import io.lakeward.metastore.migration.Migration;
import io.lakeward.metastore.migration.Migrations;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.testing.postgres.TestDatabase;
import io.lakeward.testing.postgres.TestingPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Versioned migrations on both servers: once only, in order, tamper-evident, atomic, one process at a time. */
@ParameterizedClass
@EnumSource(TestingPostgres.Kind.class)
class MigrationTest {

    @Parameter
    TestingPostgres.Kind server;


    private TestDatabase database;

    @BeforeEach
    void createDatabase() {
        database = TestingPostgres.of(server).createDatabase();
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void migrationsApplyOnceAndRestartsFindNothingToDo() throws SQLException {
        try (MetadataDatabase first = MetadataDatabase.start(TestMetastores.config(database))) {
            assertEquals(shippedVersions(), versions(first.migrationsAppliedAtStart()));
            new JdbcTenantRegistryStore(first.transactions()).create(TestMetastores.tenant("acme"));
        }
        List<String> recorded = recorded();
        try (MetadataDatabase second = MetadataDatabase.start(TestMetastores.config(database))) {
            assertEquals(List.of(), second.migrationsAppliedAtStart());
            assertTrue(new JdbcTenantRegistryStore(second.transactions()).get(TestMetastores.tenant("acme").id()).isPresent());
        }
        assertEquals(recorded, recorded(), "schema_migrations is untouched by a restart");
        assertEquals(SHIPPED, recorded.size());
    }

    @Test
    void anAppliedMigrationThatChangedIsRefused() throws SQLException {
        MetadataDatabase.start(TestMetastores.config(database)).close();
        List<Migration> tampered = new ArrayList<>(Migrations.fromClasspath());
        Migration original = tampered.get(0);
        tampered.set(0, Migration.of("V1__" + original.description() + ".sql",
                original.script().replace("GRANT SELECT, INSERT, UPDATE ON tenants", "GRANT SELECT, INSERT, UPDATE, DELETE ON tenants")));

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> MetadataDatabase.start(TestMetastores.config(database), tampered));
        assertTrue(refused.getMessage().contains("V1 (tenant_registry) was changed after it was applied"), refused.getMessage());
        assertEquals(original.checksum(), recordedChecksum(1));
    }

    @Test
    void aDatabaseNewerThanTheBuildIsRefused() {
        MetadataDatabase.start(TestMetastores.config(database)).close();
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> MetadataDatabase.start(TestMetastores.config(database), Migrations.fromClasspath().subList(0, 1)));
        assertTrue(refused.getMessage().contains("V2 applied, which this build does not know"), refused.getMessage());
    }

    @Test
    void aFailingMigrationLeavesNothingBehind() throws SQLException {
        List<Migration> withBroken = new ArrayList<>(Migrations.fromClasspath());
        withBroken.add(Migration.of("V" + NEXT + "__broken.sql", "CREATE TABLE half_done (id integer);\nSELECT 1 / 0;\n"));
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> MetadataDatabase.start(TestMetastores.config(database), withBroken));
        assertTrue(failed.getMessage().contains("V" + NEXT + " (broken) failed and was rolled back"), failed.getMessage());
        assertEquals(SHIPPED, recorded().size());
        assertFalse(tableExists("half_done"));
        try (MetadataDatabase fixed = MetadataDatabase.start(TestMetastores.config(database))) {
            assertEquals(List.of(), fixed.migrationsAppliedAtStart());
        }
    }

    @Test
    void aTableWithoutRowSecurityStopsTheStart() {
        List<Migration> careless = new ArrayList<>(Migrations.fromClasspath());
        careless.add(Migration.of("V" + NEXT + "__careless.sql", """
                CREATE TABLE notebooks (tenant_id text NOT NULL, name text NOT NULL);
                GRANT SELECT, INSERT ON notebooks TO ${application_role};
                """));
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> MetadataDatabase.start(TestMetastores.config(database), careless));
        assertTrue(refused.getMessage().contains("notebooks lacks ENABLE and FORCE ROW LEVEL SECURITY"), refused.getMessage());
        assertTrue(refused.getMessage().contains("notebooks has no row-level security policy"), refused.getMessage());
    }

    @Test
    void twoProcessesStartingTogetherMigrateOnce() throws Exception {
        CountDownLatch ready = new CountDownLatch(2);
        Callable<MetadataDatabase> start = () -> {
            ready.countDown();
            TestMetastores.await(ready, Duration.ofSeconds(30), "both starters");
            return MetadataDatabase.start(TestMetastores.config(database));
        };
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            Future<MetadataDatabase> one = executor.submit(start);
            Future<MetadataDatabase> two = executor.submit(start);
            try (MetadataDatabase first = one.get(2, TimeUnit.MINUTES); MetadataDatabase second = two.get(2, TimeUnit.MINUTES)) {
                int applied = first.migrationsAppliedAtStart().size() + second.migrationsAppliedAtStart().size();
                assertEquals(SHIPPED, applied, "exactly one of them applied the migrations");
            }
        } finally {
            executor.shutdownNow();
        }
        assertEquals(SHIPPED, recorded().size());
    }

    @Test
    void anOwnerThatIsNoSuperuserCanRunIt() throws SQLException {
        // the production shape of an external server: a dedicated owner with CREATEROLE, owning the database
        String owner = database.roleName("owner");
        try (Connection connection = database.connectAsSuperuser(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + owner + " LOGIN CREATEROLE PASSWORD 'owner-password'");
            statement.execute("ALTER DATABASE " + database.name() + " OWNER TO " + owner);
            statement.execute("ALTER SCHEMA public OWNER TO " + owner);
        }
        MetastoreConfig config = MetastoreConfig.external(database.jdbcUrl(), owner, Optional.of(Secret.of("owner-password")),
                database.roleName("app"), Secret.of("application-password"));
        try (MetadataDatabase metadata = MetadataDatabase.start(config)) {
            new JdbcTenantRegistryStore(metadata.transactions()).create(TestMetastores.tenant("acme"));
            assertEquals(1, new JdbcTenantRegistryStore(metadata.transactions()).list().size());
        }
        try (Connection connection = database.connectAsSuperuser(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'workspaces'")) {
            row.next();
            assertEquals(owner, row.getString(1));
        }
    }

    /** How many migrations this build ships, and the version a test migration added after them takes. */
    private static final int SHIPPED = Migrations.fromClasspath().size();
    private static final int NEXT = SHIPPED + 1;

    private static List<Integer> shippedVersions() {
        return versions(Migrations.fromClasspath());
    }

    private static List<Integer> versions(List<Migration> migrations) {
        return migrations.stream().map(Migration::version).toList();
    }

    private List<String> recorded() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.connectAsSuperuser(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT version, checksum, applied_at FROM schema_migrations ORDER BY version")) {
            while (result.next()) {
                rows.add(result.getInt(1) + " " + result.getString(2) + " " + result.getString(3));
            }
        }
        return rows;
    }

    private String recordedChecksum(int version) throws SQLException {
        try (Connection connection = database.connectAsSuperuser(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT checksum FROM schema_migrations WHERE version = " + version)) {
            result.next();
            return result.getString(1);
        }
    }

    private boolean tableExists(String table) throws SQLException {
        try (Connection connection = database.connectAsSuperuser(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            result.next();
            return result.getBoolean(1);
        }
    }
}

package io.lakeward.metastore;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lakeward.common.config.Secret;
import io.lakeward.metastore.embedded.EmbeddedPostgresServer;
import io.lakeward.metastore.migration.Migration;
import io.lakeward.metastore.migration.Migrations;
import io.lakeward.metastore.migration.Migrator;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata database of one process: the server (embedded, or external by URL), its schema
 * brought up to date by versioned migrations, and a pool of connections of the application role,
 * which row-level security binds. Runtime SQL goes only through {@link #transactions()}.
 *
 * <p>{@link #start} does, in order: start the embedded server (if embedded) and create its
 * database; as the owner, under an advisory lock, create or check the application role and apply
 * pending migrations; open the application pool; check, as the application role, that it is
 * isolated ({@link IsolationCheck}). Any failure stops the start and releases what was opened.
 * Blocking throughout: call from {@code main} or a worker pool.
 */
public final class MetadataDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataDatabase.class);
    private static final Duration MIGRATION_LOCK_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration EMBEDDED_START_TIMEOUT = Duration.ofMinutes(2);

    private final Optional<EmbeddedPostgresServer> embedded;
    private final HikariDataSource applicationPool;
    private final Transactions transactions;
    private final String description;
    private final List<Migration> appliedAtStart;

    private MetadataDatabase(Optional<EmbeddedPostgresServer> embedded, HikariDataSource applicationPool, String description,
                             List<Migration> appliedAtStart) {
        this.embedded = embedded;
        this.applicationPool = applicationPool;
        this.transactions = new JdbcTransactions(applicationPool);
        this.description = description;
        this.appliedAtStart = List.copyOf(appliedAtStart);
    }

    /** Starts with the migrations shipped in this module. */
    public static MetadataDatabase start(MetastoreConfig config) {
        return start(config, Migrations.fromClasspath());
    }

    /**
     * Starts with the given migrations (a test may pass a changed set to see it refused).
     *
     * @throws IllegalStateException if the server cannot be reached, a migration fails or was changed, or the
     *                               application role turns out not to be isolated
     */
    public static MetadataDatabase start(MetastoreConfig config, List<Migration> migrations) {
        long started = System.nanoTime();
        Optional<EmbeddedPostgresServer> embedded = Optional.empty();
        HikariDataSource pool = null;
        try {
            String url;
            String owner;
            Optional<Secret> ownerPassword;
            Secret applicationPassword;
            if (config.mode() == MetastoreConfig.Mode.EMBEDDED) {
                EmbeddedPostgresServer server = EmbeddedPostgresServer.start(config.dataDirectory(), config.port(), EMBEDDED_START_TIMEOUT);
                embedded = Optional.of(server);
                owner = server.superuser();
                ownerPassword = Optional.of(server.superuserPassword());
                createDatabaseIfMissing(server.jdbcUrl("postgres"), owner, ownerPassword, config.database(), config.connectTimeout());
                url = server.jdbcUrl(config.database());
                // the embedded server serves this process alone: a fresh password at every start
                applicationPassword = generatePassword();
            } else {
                url = config.url().orElseThrow();
                owner = config.username().orElseThrow();
                ownerPassword = config.password();
                applicationPassword = config.applicationPassword().orElseThrow();
            }
            List<Migration> applied = prepareAsOwner(url, owner, ownerPassword, config, applicationPassword, migrations);
            pool = applicationPool(url, config, applicationPassword);
            try (Connection connection = pool.getConnection()) {
                IsolationCheck.verify(connection);
                connection.rollback();
            }
            String description = embedded.map(server -> "embedded PostgreSQL on 127.0.0.1:" + server.port() + "/" + config.database())
                    .orElse("external PostgreSQL " + redact(url));
            LOG.info("metadata database ready: {}, application role {}, {} migration(s) applied now, {} ms",
                    description, config.applicationRole(), applied.size(), (System.nanoTime() - started) / 1_000_000);
            return new MetadataDatabase(embedded, pool, description, applied);
        } catch (SQLException e) {
            closeQuietly(pool, embedded);
            throw new IllegalStateException("the metadata database did not start: " + e.getMessage() + " (SQL state " + e.getSQLState() + ")", e);
        } catch (RuntimeException e) {
            closeQuietly(pool, embedded);
            throw e;
        }
    }

    /** Runs every runtime query: tenant-scoped or platform-scoped transactions. */
    public Transactions transactions() {
        return transactions;
    }

    /** Where the metadata lives, for logs and readiness output; no credentials. */
    public String description() {
        return description;
    }

    /** The migrations this start applied (empty when the schema was already up to date). */
    public List<Migration> migrationsAppliedAtStart() {
        return appliedAtStart;
    }

    /** The embedded server's port, if embedded. */
    public Optional<Integer> embeddedPort() {
        return embedded.map(EmbeddedPostgresServer::port);
    }

    /** True if a connection answers within the pool's connect timeout; for readiness checks. */
    public boolean isReachable() {
        try (Connection connection = applicationPool.getConnection()) {
            return connection.isValid((int) Math.max(1, applicationPool.getConnectionTimeout() / 1000));
        } catch (SQLException e) {
            return false;
        }
    }

    /** The application role's pool, scope-less: for tests that prove what an unscoped query sees. */
    DataSource applicationDataSource() {
        return applicationPool;
    }

    @Override
    public void close() {
        closeQuietly(applicationPool, embedded);
        LOG.info("metadata database closed");
    }

    private static List<Migration> prepareAsOwner(String url, String owner, Optional<Secret> ownerPassword, MetastoreConfig config,
                                                  Secret applicationPassword, List<Migration> migrations) throws SQLException {
        try (Connection connection = connect(url, owner, ownerPassword, config.connectTimeout())) {
            PGConnection postgres = connection.unwrap(PGConnection.class);
            Migrator migrator = new Migrator(migrations, Map.of("application_role", postgres.escapeIdentifier(config.applicationRole())));
            return Migrator.exclusively(connection, MIGRATION_LOCK_TIMEOUT, () -> {
                ApplicationRole.ensure(connection, config.applicationRole(), applicationPassword);
                return migrator.migrate(connection);
            });
        }
    }

    private static HikariDataSource applicationPool(String url, MetastoreConfig config, Secret password) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("metastore");
        hikari.setJdbcUrl(url);
        hikari.setUsername(config.applicationRole());
        hikari.setPassword(password.reveal());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(Math.min(2, config.poolSize()));
        hikari.setAutoCommit(false);
        hikari.setConnectionTimeout(config.connectTimeout().toMillis());
        hikari.setInitializationFailTimeout(config.connectTimeout().toMillis());
        hikari.addDataSourceProperty("ApplicationName", "lakeward");
        hikari.addDataSourceProperty("connectTimeout", String.valueOf(Math.max(1, config.connectTimeout().toSeconds())));
        // every statement is bounded; a transaction left open (a bug) does not hold its locks forever
        hikari.addDataSourceProperty("options", "-c statement_timeout=" + config.statementTimeout().toMillis()
                + " -c idle_in_transaction_session_timeout=" + Math.max(60_000, config.statementTimeout().toMillis() * 2));
        return new HikariDataSource(hikari);
    }

    private static void createDatabaseIfMissing(String maintenanceUrl, String owner, Optional<Secret> password, String database,
                                                Duration connectTimeout) throws SQLException {
        try (Connection connection = connect(maintenanceUrl, owner, password, connectTimeout)) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, database);
                try (ResultSet row = exists.executeQuery()) {
                    if (row.next()) {
                        return;
                    }
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + connection.unwrap(PGConnection.class).escapeIdentifier(database));
                LOG.info("created metadata database {}", database);
            }
        }
    }

    static Connection connect(String url, String user, Optional<Secret> password, Duration connectTimeout) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        password.ifPresent(secret -> properties.setProperty("password", secret.reveal()));
        properties.setProperty("connectTimeout", String.valueOf(Math.max(1, connectTimeout.toSeconds())));
        properties.setProperty("loginTimeout", String.valueOf(Math.max(1, connectTimeout.toSeconds())));
        properties.setProperty("ApplicationName", "lakeward-migrations");
        Connection connection = new Driver().connect(url, properties);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL JDBC URL", "08001");
        }
        return connection;
    }

    private static Secret generatePassword() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** A JDBC URL without its query, which may carry credentials. */
    private static String redact(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?...";
    }

    private static void closeQuietly(HikariDataSource pool, Optional<EmbeddedPostgresServer> embedded) {
        if (pool != null) {
            pool.close();
        }
        embedded.ifPresent(server -> {
            try {
                server.close();
            } catch (RuntimeException e) {
                LOG.warn("the embedded metadata database did not stop cleanly: {}", e.getMessage());
            }
        });
    }
}

package io.lakeward.testing.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL servers tests run against, each shared by the whole test JVM:
 * <ul>
 *   <li>{@link Kind#EMBEDDED}: a PostgreSQL 18 server from the zonky binaries, started on first use on a free
 *       loopback port, stopped when the JVM exits;</li>
 *   <li>{@link Kind#EXTERNAL}: the machine's own server, {@code jdbc:postgresql://127.0.0.1:5432/postgres} as
 *       {@code postgres} (override with {@code -Dlakeward.test.postgres.url} / {@code .user} or
 *       {@code LAKEWARD_TEST_POSTGRES_URL} / {@code _USER} / {@code _PASSWORD}). If it cannot be reached the
 *       tests that ask for it fail, loudly: they are never skipped.</li>
 * </ul>
 * Every test gets a database of its own from {@link #createDatabase()}, uniquely named
 * ({@code lwtest_<epoch-seconds>_<random>}) and dropped, with the roles it named, when closed.
 */
public final class TestingPostgres {
    private static final Logger LOG = LoggerFactory.getLogger(TestingPostgres.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^/:?]+)(?::(\\d+))?/([^?]*)(\\?.*)?");
    private static final Duration STALE_AFTER = Duration.ofHours(6);
    private static final Pattern TEST_NAME = Pattern.compile("lwtest_(\\d+)_[0-9a-f]+.*");

    /** Which server. */
    public enum Kind {
        EMBEDDED,
        EXTERNAL
    }

    private static TestingPostgres embedded;
    private static TestingPostgres external;

    private final Kind kind;
    private final String host;
    private final int port;
    private final String superuser;
    private final Optional<String> superuserPassword;
    private final Duration startTime;

    private TestingPostgres(Kind kind, String host, int port, String superuser, Optional<String> superuserPassword, Duration startTime) {
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.superuser = superuser;
        this.superuserPassword = superuserPassword;
        this.startTime = startTime;
    }

    public static TestingPostgres of(Kind kind) {
        return kind == Kind.EMBEDDED ? embedded() : external();
    }

    /** The embedded server of this JVM, started on first use. */
    public static synchronized TestingPostgres embedded() {
        if (embedded == null) {
            long started = System.nanoTime();
            try {
                EmbeddedPostgres server = EmbeddedPostgres.builder()
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setPGStartupWait(Duration.ofMinutes(2))
                        .start();
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                LOG.info("embedded PostgreSQL for tests on 127.0.0.1:{}, started in {} ms", server.getPort(), took.toMillis());
                embedded = new TestingPostgres(Kind.EMBEDDED, "127.0.0.1", server.getPort(), "postgres", Optional.empty(), took);
            } catch (IOException e) {
                throw new UncheckedIOException("the embedded PostgreSQL for tests did not start", e);
            }
        }
        return embedded;
    }

    /**
     * The machine's PostgreSQL server.
     *
     * @throws IllegalStateException if it cannot be reached: a required server that is missing is a failure, not a skip
     */
    public static synchronized TestingPostgres external() {
        if (external == null) {
            String url = setting("lakeward.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/postgres");
            String user = setting("lakeward.test.postgres.user", "postgres");
            Optional<String> password = Optional.ofNullable(System.getenv("LAKEWARD_TEST_POSTGRES_PASSWORD"));
            Matcher matcher = URL.matcher(url);
            if (!matcher.matches()) {
                throw new IllegalStateException("lakeward.test.postgres.url must look like jdbc:postgresql://host:port/database, not " + url);
            }
            long started = System.nanoTime();
            try (Connection connection = connect(url, user, password)) {
                try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SHOW server_version")) {
                    row.next();
                    LOG.info("external PostgreSQL {} for tests at {}", row.getString(1), url);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("the machine's PostgreSQL server is not reachable at " + url + " as " + user + ": " + e.getMessage()
                        + ". The metastore tests run against it as well as against the embedded server and are never skipped:"
                        + " start it (e.g. 'service postgresql start') or point -Dlakeward.test.postgres.url at another server", e);
            }
            int port = matcher.group(2) == null ? 5432 : Integer.parseInt(matcher.group(2));
            external = new TestingPostgres(Kind.EXTERNAL, matcher.group(1), port, user, password, Duration.ofNanos(System.nanoTime() - started));
            external.dropStaleDatabases();
        }
        return external;
    }

    public Kind kind() {
        return kind;
    }

    /** How long the server took to start (embedded) or answer first (external). */
    public Duration startTime() {
        return startTime;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** A new, empty database of its own; close it to drop it. */
    public TestDatabase createDatabase() {
        long started = System.nanoTime();
        String name = "lwtest_" + Instant.now().getEpochSecond() + "_" + HexFormat.of().formatHex(randomBytes(5));
        try (Connection connection = connectAsSuperuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on the " + kind + " server: " + e.getMessage(), e);
        }
        return new TestDatabase(this, name, Duration.ofNanos(System.nanoTime() - started));
    }

    public String superuser() {
        return superuser;
    }

    public Optional<String> superuserPassword() {
        return superuserPassword;
    }

    Connection connectAsSuperuser(String database) throws SQLException {
        return connect(jdbcUrl(database), superuser, superuserPassword);
    }

    void drop(String database, List<String> roles) {
        try (Connection connection = connectAsSuperuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            for (String role : roles) {
                statement.execute("DROP ROLE IF EXISTS " + role);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + database + " on the " + kind + " server: " + e.getMessage(), e);
        }
    }

    /** Databases and roles left by test runs that died hours ago; current runs' are younger. */
    private void dropStaleDatabases() {
        long cutoff = Instant.now().minus(STALE_AFTER).getEpochSecond();
        try (Connection connection = connectAsSuperuser("postgres")) {
            List<String> databases = names(connection, "SELECT datname FROM pg_database WHERE datname LIKE 'lwtest\\_%'", cutoff);
            List<String> roles = names(connection, "SELECT rolname FROM pg_roles WHERE rolname LIKE 'lwtest\\_%'", cutoff);
            try (Statement statement = connection.createStatement()) {
                for (String database : databases) {
                    statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                }
                for (String role : roles) {
                    statement.execute("DROP ROLE IF EXISTS " + role);
                }
            }
            if (!databases.isEmpty() || !roles.isEmpty()) {
                LOG.info("dropped {} stale test database(s) and {} role(s)", databases.size(), roles.size());
            }
        } catch (SQLException e) {
            LOG.warn("could not drop stale test databases: {}", e.getMessage());
        }
    }

    private static List<String> names(Connection connection, String query, long cutoff) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(query); ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                Matcher matcher = TEST_NAME.matcher(rows.getString(1));
                if (matcher.matches() && Long.parseLong(matcher.group(1)) < cutoff) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }

    private static Connection connect(String url, String user, Optional<String> password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        password.ifPresent(value -> properties.setProperty("password", value));
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("loginTimeout", "10");
        return DriverManager.getConnection(url, properties);
    }

    private static String setting(String property, String defaultValue) {
        String value = System.getProperty(property);
        if (value == null) {
            value = System.getenv(property.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
        }
        return value == null || value.isBlank() ? defaultValue : value;
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}

package io.lakeward.metastore;

import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.config.ConfigSource;
import io.lakeward.common.config.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Configuration of the metadata database ({@code metastore.*} keys, listed in the module README).
 *
 * <p>{@link Mode#EMBEDDED} runs a private PostgreSQL server whose data lives in {@code dataDirectory};
 * {@link Mode#EXTERNAL} uses the database named by {@code url}, where {@code username} is the owner
 * role that runs migrations and owns the tables. In both modes runtime queries use the separate
 * {@code applicationRole}, which row-level security applies to.
 *
 * @param url JDBC URL of the external database ({@code jdbc:postgresql://host:port/database}); empty when embedded
 * @param username the owner role of the external database; empty when embedded
 * @param password the owner role's password (external only; absent for trust or certificate authentication)
 * @param dataDirectory where the embedded server keeps its data and generated owner password
 * @param port the embedded server's loopback port; 0 picks a free one at every start
 * @param database the database the embedded server holds the metadata in
 * @param applicationRole the role every runtime query runs as: created if missing, never a superuser, no BYPASSRLS
 * @param applicationPassword the application role's password; required when external (every instance sharing the
 *                            database must agree), generated afresh at every start when embedded
 * @param poolSize connections of the application role's pool
 * @param statementTimeout the longest any single runtime statement may run
 * @param connectTimeout the longest a new connection or a pool checkout may take
 * @param tenantReloadInterval how often the tenant registry reloads tenants written by other instances
 */
public record MetastoreConfig(
        Mode mode,
        Optional<String> url,
        Optional<String> username,
        Optional<Secret> password,
        Path dataDirectory,
        int port,
        String database,
        String applicationRole,
        Optional<Secret> applicationPassword,
        int poolSize,
        Duration statementTimeout,
        Duration connectTimeout,
        Duration tenantReloadInterval) {

    private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Where the metadata database runs. */
    public enum Mode {
        /** A PostgreSQL server started by this process, data under the state directory. */
        EMBEDDED,
        /** A PostgreSQL server run by the operator, reached by URL. */
        EXTERNAL
    }

    public MetastoreConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(applicationRole, "applicationRole");
        Objects.requireNonNull(applicationPassword, "applicationPassword");
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(tenantReloadInterval, "tenantReloadInterval");
        if (mode == Mode.EXTERNAL && (url.isEmpty() || username.isEmpty() || applicationPassword.isEmpty())) {
            throw new IllegalArgumentException("an external metadata database needs a url, a username and an application password");
        }
        if (!ROLE_NAME.matcher(applicationRole).matches()) {
            throw new IllegalArgumentException("the application role must be a lowercase SQL identifier");
        }
        if (username.isPresent() && username.get().equals(applicationRole)) {
            throw new IllegalArgumentException("the application role must not be the owner role");
        }
    }

    /**
     * Reads {@code metastore.*}; problems go to {@code problems}. The embedded data directory
     * defaults to {@code <stateDirectory>/metastore}.
     */
    public static MetastoreConfig from(ConfigSource source, ConfigProblems problems, Path stateDirectory) {
        int before = problems.all().size();
        Mode mode = Mode.EMBEDDED;
        String modeText = source.string("metastore.mode", "embedded").toLowerCase(Locale.ROOT);
        switch (modeText) {
            case "embedded" -> mode = Mode.EMBEDDED;
            case "external" -> mode = Mode.EXTERNAL;
            default -> problems.add("metastore.mode", "must be embedded or external (was '" + modeText + "')");
        }
        Optional<String> url = source.raw("metastore.url").filter(value -> !value.isEmpty());
        Optional<String> username = source.raw("metastore.username").filter(value -> !value.isEmpty());
        Optional<Secret> password = source.secret("metastore.password", problems);
        Optional<Secret> applicationPassword = source.secret("metastore.application-password", problems);
        String applicationRole = source.string("metastore.application-role", "lakeward_app");
        String database = source.string("metastore.database", "lakeward");
        if (mode == Mode.EXTERNAL) {
            if (url.isEmpty()) {
                problems.add("metastore.url", "is required when metastore.mode is external");
            } else if (!url.get().startsWith("jdbc:postgresql://")) {
                problems.add("metastore.url", "must be a PostgreSQL JDBC URL such as jdbc:postgresql://db.example:5432/lakeward");
            }
            if (username.isEmpty()) {
                problems.add("metastore.username", "is required when metastore.mode is external (the role that owns the tables)");
            }
            if (applicationPassword.isEmpty()) {
                problems.add("metastore.application-password",
                        "is required when metastore.mode is external (set it through the environment or a .file; every instance must use the same)");
            }
        } else if (url.isPresent()) {
            problems.add("metastore.url", "is only used when metastore.mode is external");
        }
        if (!ROLE_NAME.matcher(applicationRole).matches()) {
            problems.add("metastore.application-role", "must be a lowercase SQL identifier such as lakeward_app");
        } else if (username.isPresent() && username.get().equals(applicationRole)) {
            problems.add("metastore.application-role", "must differ from metastore.username: the owner of the tables is not subject to their policies");
        }
        if (!DATABASE_NAME.matcher(database).matches()) {
            problems.add("metastore.database", "must be a lowercase SQL identifier such as lakeward");
        }
        Path dataDirectory = source.path("metastore.data-dir", stateDirectory.resolve("metastore")).toAbsolutePath().normalize();
        int port = source.port("metastore.port", 0, problems);
        int poolSize = source.integer("metastore.pool-size", 10, 1, 200, problems);
        Duration statementTimeout = bounded(source, problems, "metastore.statement-timeout", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofMinutes(30));
        Duration connectTimeout = bounded(source, problems, "metastore.connect-timeout", Duration.ofSeconds(10), Duration.ofMillis(250), Duration.ofMinutes(5));
        Duration reload = bounded(source, problems, "metastore.tenant-reload-interval", Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMinutes(10));
        if (problems.all().size() > before) {
            // the caller reports every problem at once; the record is never used in that case
            return embedded(dataDirectory);
        }
        return new MetastoreConfig(mode, url, username, password, dataDirectory, port, database, applicationRole,
                applicationPassword, poolSize, statementTimeout, connectTimeout, reload);
    }


    /** An external database owned by {@code username}; the application role and its password are given. */
    public static MetastoreConfig external(String url, String username, Optional<Secret> password, String applicationRole, Secret applicationPassword) {
        return new MetastoreConfig(Mode.EXTERNAL, Optional.of(url), Optional.of(username), password, Path.of("."), 0, "lakeward",
                applicationRole, Optional.of(applicationPassword), 10, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    public MetastoreConfig withPoolSize(int size) {
        return new MetastoreConfig(mode, url, username, password, dataDirectory, port, database, applicationRole,
                applicationPassword, size, statementTimeout, connectTimeout, tenantReloadInterval);
    }

    public MetastoreConfig withStatementTimeout(Duration timeout) {
        return new MetastoreConfig(mode, url, username, password, dataDirectory, port, database, applicationRole,
                applicationPassword, poolSize, timeout, connectTimeout, tenantReloadInterval);
    }

    /** The embedded defaults with a data directory of its own, for a composition root or a test. */
    public static MetastoreConfig embedded(Path dataDirectory) {
        return new MetastoreConfig(Mode.EMBEDDED, Optional.empty(), Optional.empty(), Optional.empty(), dataDirectory, 0, "lakeward",
                "lakeward_app", Optional.empty(), 10, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    private static Duration bounded(ConfigSource source, ConfigProblems problems, String key, Duration defaultValue, Duration min, Duration max) {
        Duration value = source.duration(key, defaultValue, problems);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            problems.add(key, "must be between " + min + " and " + max);
            return defaultValue;
        }
        return value;
    }
}

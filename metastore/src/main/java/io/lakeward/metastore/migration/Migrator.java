package io.lakeward.metastore.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies versioned migrations in order, each in its own transaction together with its row in
 * {@code schema_migrations} (version, description, checksum, when, by whom). Applied migrations
 * are checked against this build: one whose text changed since, or one this build does not know
 * (the database is newer than the code), stops the start.
 *
 * <p>Scripts may name placeholders as {@code ${name}}; their values are substituted as given, so
 * callers pass already-quoted identifiers. The checksum covers the script before substitution.
 *
 * <p>Run it inside {@link #exclusively}: a session-level advisory lock makes a second process that
 * starts at the same time wait (bounded) and then find nothing left to do.
 */
public final class Migrator {
    /** The advisory lock key ("Lakeward" in ASCII); advisory locks are per database. */
    static final long LOCK_KEY = 0x4c616b6577617264L;

    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");

    private final List<Migration> migrations;
    private final Map<String, String> placeholders;

    public Migrator(List<Migration> migrations, Map<String, String> placeholders) {
        this.migrations = Migrations.ordered(migrations);
        this.placeholders = Map.copyOf(placeholders);
    }

    /** A unit of work run on the owner's connection while the migration lock is held. */
    @FunctionalInterface
    public interface LockedWork<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} holding the migration lock of this database, waiting for it at most {@code lockTimeout}.
     *
     * @throws SQLException with SQL state 55P03 (lock_not_available) if another process holds it longer
     */
    public static <T> T exclusively(Connection owner, Duration lockTimeout, LockedWork<T> work) throws SQLException {
        owner.setAutoCommit(true);
        try (Statement statement = owner.createStatement()) {
            // lock_timeout bounds the wait for the advisory lock as for any other heavyweight lock
            statement.execute("SET lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
            statement.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
            statement.execute("RESET lock_timeout");
        }
        try {
            return work.run();
        } finally {
            owner.setAutoCommit(true);
            try (Statement statement = owner.createStatement()) {
                statement.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
            }
        }
    }

    /**
     * Brings the schema up to the newest migration; returns the migrations applied now (none when up to date).
     *
     * @throws IllegalStateException if an applied migration differs from this build's, or is unknown to it
     */
    public List<Migration> migrate(Connection owner) throws SQLException {
        owner.setAutoCommit(true);
        try (Statement statement = owner.createStatement()) {
            statement.execute("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version        integer     PRIMARY KEY,
                        description    text        NOT NULL,
                        checksum       text        NOT NULL,
                        applied_at     timestamptz NOT NULL DEFAULT now(),
                        applied_by     text        NOT NULL DEFAULT current_user,
                        execution_ms   integer     NOT NULL
                    )""");
        }
        Map<Integer, String> applied = appliedChecksums(owner);
        verifyApplied(applied);
        List<Migration> now = new ArrayList<>();
        for (Migration migration : migrations) {
            if (!applied.containsKey(migration.version())) {
                apply(owner, migration);
                now.add(migration);
            }
        }
        if (now.isEmpty()) {
            LOG.info("metadata schema is up to date at version {}", migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version());
        }
        return now;
    }

    private void verifyApplied(Map<Integer, String> applied) {
        for (Map.Entry<Integer, String> entry : applied.entrySet()) {
            int version = entry.getKey();
            if (version > migrations.size()) {
                throw new IllegalStateException("the metadata database has migration V" + version
                        + " applied, which this build does not know: it was written by a newer version; run that version or newer");
            }
            Migration known = migrations.get(version - 1);
            if (!known.checksum().equals(entry.getValue())) {
                throw new IllegalStateException("migration V" + version + " (" + known.description()
                        + ") was changed after it was applied: recorded checksum " + entry.getValue() + ", this build has "
                        + known.checksum() + ". An applied migration never changes; add a new one instead");
            }
        }
        for (int version = 1; version <= applied.size(); version++) {
            if (!applied.containsKey(version)) {
                throw new IllegalStateException("the metadata database has migrations applied out of order: V" + version + " is missing");
            }
        }
    }

    private void apply(Connection owner, Migration migration) throws SQLException {
        long started = System.nanoTime();
        owner.setAutoCommit(false);
        try {
            try (Statement statement = owner.createStatement()) {
                statement.execute(substitute(migration));
            }
            int millis = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
            try (PreparedStatement insert = owner.prepareStatement(
                    "INSERT INTO schema_migrations (version, description, checksum, execution_ms) VALUES (?, ?, ?, ?)")) {
                insert.setInt(1, migration.version());
                insert.setString(2, migration.description());
                insert.setString(3, migration.checksum());
                insert.setInt(4, millis);
                insert.executeUpdate();
            }
            owner.commit();
            LOG.info("applied metadata migration V{} ({}) in {} ms", migration.version(), migration.description(), millis);
        } catch (SQLException | RuntimeException e) {
            owner.rollback();
            throw new IllegalStateException("metadata migration V" + migration.version() + " (" + migration.description()
                    + ") failed and was rolled back: " + e.getMessage(), e);
        } finally {
            owner.setAutoCommit(true);
        }
    }

    private String substitute(Migration migration) {
        Matcher matcher = PLACEHOLDER.matcher(migration.script());
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String value = placeholders.get(matcher.group(1));
            if (value == null) {
                throw new IllegalStateException("migration V" + migration.version() + " names an unknown placeholder ${" + matcher.group(1) + "}");
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    private static Map<Integer, String> appliedChecksums(Connection owner) throws SQLException {
        Map<Integer, String> applied = new LinkedHashMap<>();
        try (Statement statement = owner.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version, checksum FROM schema_migrations ORDER BY version")) {
            while (rows.next()) {
                applied.put(rows.getInt(1), Objects.requireNonNull(rows.getString(2)));
            }
        }
        return applied;
    }
}

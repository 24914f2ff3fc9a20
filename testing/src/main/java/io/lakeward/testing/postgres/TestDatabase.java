package io.lakeward.testing.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A database of one test on a {@link TestingPostgres} server. Roles named through
 * {@link #roleName(String)} are unique to it (roles belong to the whole server) and are dropped
 * with it by {@link #close()}.
 */
public final class TestDatabase implements AutoCloseable {
    private final TestingPostgres server;
    private final String name;
    private final Duration creationTime;
    private final List<String> roles = new ArrayList<>();

    TestDatabase(TestingPostgres server, String name, Duration creationTime) {
        this.server = server;
        this.name = name;
        this.creationTime = creationTime;
    }

    public String name() {
        return name;
    }

    public TestingPostgres.Kind kind() {
        return server.kind();
    }

    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    public String superuser() {
        return server.superuser();
    }

    public Optional<String> superuserPassword() {
        return server.superuserPassword();
    }

    /** A role name unique to this database, e.g. {@code lwtest_..._app}; dropped on close. */
    public synchronized String roleName(String purpose) {
        if (!purpose.matches("[a-z_]{1,12}")) {
            throw new IllegalArgumentException("a role purpose is 1 to 12 lowercase letters or underscores");
        }
        String role = name + "_" + purpose;
        if (!roles.contains(role)) {
            roles.add(role);
        }
        return role;
    }

    /** A connection to this database as the server's superuser, for setting up and inspecting. */
    public Connection connectAsSuperuser() throws SQLException {
        return server.connectAsSuperuser(name);
    }

    /** How long {@code CREATE DATABASE} took. */
    public Duration creationTime() {
        return creationTime;
    }

    @Override
    public synchronized void close() {
        server.drop(name, List.copyOf(roles));
    }
}

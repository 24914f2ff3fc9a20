package io.lakeward.metastore;

import io.lakeward.common.config.Secret;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or checks the application role from the owner's connection: a login role that is not a
 * superuser, cannot bypass row-level security, create roles or databases, and owns nothing. Its
 * password is set as a SCRAM verifier computed here, so the password itself never reaches the
 * server (nor its statement log).
 */
final class ApplicationRole {
    private static final Logger LOG = LoggerFactory.getLogger(ApplicationRole.class);

    private ApplicationRole() {
    }

    static void ensure(Connection owner, String role, Secret password) throws SQLException {
        PGConnection postgres = owner.unwrap(PGConnection.class);
        String quoted = postgres.escapeIdentifier(role);
        owner.setAutoCommit(true);
        try (PreparedStatement select = owner.prepareStatement("SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = ?")) {
            select.setString(1, role);
            try (ResultSet row = select.executeQuery()) {
                if (row.next()) {
                    if (row.getBoolean(1) || row.getBoolean(2) || row.getBoolean(3) || row.getBoolean(4)) {
                        throw new IllegalStateException("the application role " + role + " may not be a superuser nor have BYPASSRLS, CREATEROLE "
                                + "or CREATEDB: row-level security would not hold. Choose another metastore.application-role");
                    }
                } else {
                    create(owner, role, quoted);
                }
            }
        }
        try (Statement statement = owner.createStatement()) {
            statement.execute("ALTER ROLE " + quoted + " LOGIN");
            statement.execute("GRANT CONNECT ON DATABASE " + postgres.escapeIdentifier(currentDatabase(owner)) + " TO " + quoted);
        }
        postgres.alterUserPassword(role, password.reveal().toCharArray(), "scram-sha-256");
    }

    private static void create(Connection owner, String role, String quoted) throws SQLException {
        try (Statement statement = owner.createStatement()) {
            statement.execute("CREATE ROLE " + quoted + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT");
            LOG.info("created the metadata application role {}", role);
        } catch (SQLException e) {
            // roles belong to the whole server: another database's start may have created it just now
            if (!"42710".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    static String currentDatabase(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT current_database()")) {
            row.next();
            return row.getString(1);
        }
    }
}

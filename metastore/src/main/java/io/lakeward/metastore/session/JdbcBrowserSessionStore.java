package io.lakeward.metastore.session;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.session.BrowserSession;
import io.lakeward.common.session.BrowserSessionStore;
import io.lakeward.common.session.LoginAttempt;
import io.lakeward.metastore.Transactions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link BrowserSessionStore} in the {@code browser_sessions} and {@code browser_login_attempts}
 * tables. Each call is one tenant transaction whose SQL also filters by tenant: the filter states
 * intent, row-level security guarantees it.
 */
public final class JdbcBrowserSessionStore implements BrowserSessionStore {
    private static final String COLUMNS = "subject, user_name, roles, groups, provider_session_id, csrf_token, tokens, "
            + "token_generation, access_expires_at, created_at, last_seen_at, expires_at";

    private final Transactions transactions;

    public JdbcBrowserSessionStore(Transactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    @Override
    public void saveAttempt(LoginAttempt attempt) {
        transactions.inTenant(attempt.tenant(), connection -> {
            // expired attempts of the tenant go with each new one, so abandoned logins do not pile up
            try (PreparedStatement purge = connection.prepareStatement(
                    "DELETE FROM browser_login_attempts WHERE tenant_id = ? AND expires_at < now()")) {
                purge.setString(1, attempt.tenant().value());
                purge.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO browser_login_attempts (tenant_id, state_hash, binding_hash, sealed, return_to, expires_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, attempt.tenant().value());
                insert.setString(2, attempt.stateHash());
                insert.setString(3, attempt.bindingHash());
                insert.setBytes(4, attempt.sealed());
                insert.setString(5, attempt.returnTo());
                insert.setTimestamp(6, Timestamp.from(attempt.expiresAt()));
                insert.executeUpdate();
            } catch (SQLException e) {
                throw conflictOr(e, "login attempt");
            }
            return null;
        });
    }

    @Override
    public Optional<LoginAttempt> takeAttempt(TenantId tenant, String stateHash, Instant now) {
        BrowserSession.checkHash(stateHash);
        return transactions.inTenant(tenant, connection -> {
            // DELETE ... RETURNING: of two callbacks racing with the same state, exactly one gets the row
            try (PreparedStatement take = connection.prepareStatement(
                    "DELETE FROM browser_login_attempts WHERE tenant_id = ? AND state_hash = ? "
                            + "RETURNING binding_hash, sealed, return_to, expires_at")) {
                take.setString(1, tenant.value());
                take.setString(2, stateHash);
                try (ResultSet row = take.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    Instant expiresAt = row.getTimestamp(4).toInstant();
                    if (!expiresAt.isAfter(now)) {
                        return Optional.empty();
                    }
                    return Optional.of(new LoginAttempt(tenant, stateHash, row.getString(1), row.getBytes(2), row.getString(3), expiresAt));
                }
            }
        });
    }

    @Override
    public void create(BrowserSession session) {
        transactions.inTenant(session.tenant(), connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO browser_sessions (tenant_id, session_hash, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, session.tenant().value());
                insert.setString(2, session.sessionHash());
                insert.setString(3, session.subject());
                insert.setString(4, session.userName());
                insert.setArray(5, textArray(connection, session.roles()));
                insert.setArray(6, textArray(connection, session.groups()));
                insert.setString(7, session.providerSessionId());
                insert.setString(8, session.csrfToken());
                insert.setBytes(9, session.tokens());
                insert.setInt(10, session.tokenGeneration());
                insert.setTimestamp(11, Timestamp.from(session.accessExpiresAt()));
                insert.setTimestamp(12, Timestamp.from(session.createdAt()));
                insert.setTimestamp(13, Timestamp.from(session.lastSeenAt()));
                insert.setTimestamp(14, Timestamp.from(session.expiresAt()));
                insert.executeUpdate();
            } catch (SQLException e) {
                throw conflictOr(e, "session");
            }
            return null;
        });
    }

    @Override
    public Optional<BrowserSession> find(TenantId tenant, String sessionHash) {
        BrowserSession.checkHash(sessionHash);
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM browser_sessions WHERE tenant_id = ? AND session_hash = ?")) {
                select.setString(1, tenant.value());
                select.setString(2, sessionHash);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(session(tenant, sessionHash, row)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean touch(TenantId tenant, String sessionHash, Instant lastSeenAt) {
        BrowserSession.checkHash(sessionHash);
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE browser_sessions SET last_seen_at = greatest(last_seen_at, ?) WHERE tenant_id = ? AND session_hash = ?")) {
                update.setTimestamp(1, Timestamp.from(lastSeenAt));
                update.setString(2, tenant.value());
                update.setString(3, sessionHash);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean replaceTokens(BrowserSession refreshed) {
        return transactions.inTenant(refreshed.tenant(), connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE browser_sessions SET tokens = ?, token_generation = ?, access_expires_at = ?, roles = ?, groups = ? "
                            + "WHERE tenant_id = ? AND session_hash = ? AND token_generation = ?")) {
                update.setBytes(1, refreshed.tokens());
                update.setInt(2, refreshed.tokenGeneration());
                update.setTimestamp(3, Timestamp.from(refreshed.accessExpiresAt()));
                update.setArray(4, textArray(connection, refreshed.roles()));
                update.setArray(5, textArray(connection, refreshed.groups()));
                update.setString(6, refreshed.tenant().value());
                update.setString(7, refreshed.sessionHash());
                update.setInt(8, refreshed.tokenGeneration() - 1);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean delete(TenantId tenant, String sessionHash) {
        BrowserSession.checkHash(sessionHash);
        return deleteWhere(tenant, "session_hash = ?", sessionHash) == 1;
    }

    @Override
    public int deleteByProviderSession(TenantId tenant, String providerSessionId) {
        Objects.requireNonNull(providerSessionId, "providerSessionId");
        return deleteWhere(tenant, "provider_session_id = ?", providerSessionId);
    }

    @Override
    public int deleteBySubject(TenantId tenant, String subject) {
        Objects.requireNonNull(subject, "subject");
        return deleteWhere(tenant, "subject = ?", subject);
    }

    private int deleteWhere(TenantId tenant, String condition, String value) {
        Objects.requireNonNull(tenant, "tenant");
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM browser_sessions WHERE tenant_id = ? AND " + condition)) {
                delete.setString(1, tenant.value());
                delete.setString(2, value);
                return delete.executeUpdate();
            }
        });
    }

    private static BrowserSession session(TenantId tenant, String hash, ResultSet row) throws SQLException {
        return new BrowserSession(tenant, hash, row.getString(1), row.getString(2), texts(row.getArray(3)), texts(row.getArray(4)),
                row.getString(5), row.getString(6), row.getBytes(7), row.getInt(8), row.getTimestamp(9).toInstant(),
                row.getTimestamp(10).toInstant(), row.getTimestamp(11).toInstant(), row.getTimestamp(12).toInstant());
    }

    private static Array textArray(Connection connection, List<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray(new String[0]));
    }

    private static List<String> texts(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static SQLException conflictOr(SQLException e, String what) {
        if ("23505".equals(e.getSQLState())) {
            throw new LakewardException(ErrorCode.RESOURCE_ALREADY_EXISTS, "this " + what + " already exists", e);
        }
        if ("23503".equals(e.getSQLState())) {
            throw new LakewardException(ErrorCode.RESOURCE_DOES_NOT_EXIST, "the tenant does not exist", e);
        }
        return e;
    }
}

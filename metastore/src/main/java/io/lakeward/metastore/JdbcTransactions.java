package io.lakeward.metastore;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Transactions} over the application role's connection pool. The scope is bound with
 * {@code set_config(..., true)}: a bind parameter (never SQL text) that lasts until the end of the
 * transaction, so the next transaction on the same pooled connection starts unbound.
 */
public final class JdbcTransactions implements Transactions {
    static final String TENANT_SETTING = "lakeward.tenant_id";
    static final String SCOPE_SETTING = "lakeward.scope";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcTransactions.class);
    private static final String BIND = "SELECT set_config('" + TENANT_SETTING + "', ?, true), set_config('" + SCOPE_SETTING + "', ?, true)";

    private final DataSource applicationPool;

    public JdbcTransactions(DataSource applicationPool) {
        this.applicationPool = Objects.requireNonNull(applicationPool, "applicationPool");
    }

    @Override
    public <T> T inTenant(TenantId tenant, TransactionWork<T> work) {
        Objects.requireNonNull(tenant, "a tenant transaction needs its tenant");
        return inTransaction(tenant.value(), "tenant", work);
    }

    @Override
    public <T> T inPlatform(TransactionWork<T> work) {
        return inTransaction("", "platform", work);
    }

    private <T> T inTransaction(String tenant, String scope, TransactionWork<T> work) {
        Objects.requireNonNull(work, "work");
        try (Connection connection = applicationPool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                bind(connection, tenant, scope);
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Binds the transaction to a scope; the values travel as bind parameters only. */
    static void bind(Connection connection, String tenant, String scope) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(BIND)) {
            statement.setString(1, tenant);
            statement.setString(2, scope);
            statement.execute();
        }
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    static LakewardException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if ("57014".equals(state)) {
            return new LakewardException(ErrorCode.DEADLINE_EXCEEDED, "the metadata database did not answer in time", e);
        }
        if (e instanceof SQLTransientConnectionException || state.startsWith("08") || "57P01".equals(state) || "53300".equals(state)) {
            LOG.warn("metadata database unavailable: {} (SQL state {})", e.getMessage(), state);
            return LakewardException.unavailable("the metadata database is unavailable; retry later", e);
        }
        if ("40001".equals(state) || "40P01".equals(state)) {
            return LakewardException.unavailable("a concurrent change got in the way; retry", e);
        }
        LOG.error("metadata database error (SQL state {})", state, e);
        return new LakewardException(ErrorCode.INTERNAL_ERROR, "metadata database error", e);
    }
}

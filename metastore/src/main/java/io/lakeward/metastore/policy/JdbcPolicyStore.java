package io.lakeward.metastore.policy;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.metastore.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link PolicyStore} in the {@code policy_revisions} table. Each call is one tenant transaction;
 * the SQL also filters by tenant, row-level security guarantees it.
 */
public final class JdbcPolicyStore implements PolicyStore {
    private static final String COLUMNS = "revision, document::text, change::text, changed_by, request_id, created_at";

    private final Transactions transactions;

    public JdbcPolicyStore(Transactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    @Override
    public long currentRevision(TenantId tenant) {
        Objects.requireNonNull(tenant, "tenant");
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT coalesce(max(revision), 0) FROM policy_revisions WHERE tenant_id = ?")) {
                select.setString(1, tenant.value());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
    }

    @Override
    public Optional<PolicyRevision> current(TenantId tenant) {
        Objects.requireNonNull(tenant, "tenant");
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM policy_revisions WHERE tenant_id = ? ORDER BY revision DESC LIMIT 1")) {
                select.setString(1, tenant.value());
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(read(tenant, row)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Optional<PolicyRevision> at(TenantId tenant, long revision) {
        Objects.requireNonNull(tenant, "tenant");
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM policy_revisions WHERE tenant_id = ? AND revision = ?")) {
                select.setString(1, tenant.value());
                select.setLong(2, revision);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(read(tenant, row)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public PolicyRevision append(TenantId tenant, long expectedRevision, String document, String change, String changedBy, String requestId) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(changedBy, "changedBy");
        return transactions.inTenant(tenant, connection -> {
            // Inserted only if the current revision is the expected one; two writers racing from the
            // same revision both pass this check and then collide on the primary key.
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO policy_revisions (tenant_id, revision, document, change, changed_by, request_id)
                    SELECT ?, ? + 1, ?::jsonb, ?::jsonb, ?, ?
                    WHERE (SELECT coalesce(max(revision), 0) FROM policy_revisions WHERE tenant_id = ?) = ?
                    RETURNING\s""" + COLUMNS)) {
                insert.setString(1, tenant.value());
                insert.setLong(2, expectedRevision);
                insert.setString(3, document);
                insert.setString(4, change);
                insert.setString(5, changedBy);
                insert.setString(6, requestId);
                insert.setString(7, tenant.value());
                insert.setLong(8, expectedRevision);
                try (ResultSet row = insert.executeQuery()) {
                    if (!row.next()) {
                        throw conflict(expectedRevision, null);
                    }
                    return read(tenant, row);
                }
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    throw conflict(expectedRevision, e);
                }
                if ("23503".equals(e.getSQLState())) {
                    throw new LakewardException(ErrorCode.RESOURCE_DOES_NOT_EXIST, "tenant " + tenant + " does not exist", e);
                }
                throw e;
            }
        });
    }

    @Override
    public List<PolicyRevision> history(TenantId tenant, long before, int limit) {
        Objects.requireNonNull(tenant, "tenant");
        if (limit < 1 || limit > 1000) {
            throw LakewardException.invalidParameter("limit must be from 1 to 1000");
        }
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM policy_revisions WHERE tenant_id = ? AND revision < ? ORDER BY revision DESC LIMIT ?")) {
                select.setString(1, tenant.value());
                select.setLong(2, before);
                select.setInt(3, limit);
                List<PolicyRevision> revisions = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        revisions.add(read(tenant, rows));
                    }
                }
                return revisions;
            }
        });
    }

    private static LakewardException conflict(long expectedRevision, Throwable cause) {
        return new LakewardException(ErrorCode.RESOURCE_CONFLICT, "the policy is no longer at revision " + expectedRevision
                + ": it was changed meanwhile; read it again and retry", cause);
    }

    private static PolicyRevision read(TenantId tenant, ResultSet row) throws SQLException {
        return new PolicyRevision(tenant, row.getLong(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                row.getObject(6, OffsetDateTime.class).toInstant());
    }
}

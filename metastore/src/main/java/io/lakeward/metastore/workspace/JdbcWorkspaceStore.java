package io.lakeward.metastore.workspace;

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
import org.postgresql.util.PSQLException;

/**
 * {@link WorkspaceStore} in the {@code workspaces} table. Each call is a tenant transaction and its
 * SQL also filters by tenant: the explicit filter states intent, row-level security guarantees it.
 */
public final class JdbcWorkspaceStore implements WorkspaceStore {
    private final Transactions transactions;

    public JdbcWorkspaceStore(Transactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    @Override
    public Workspace create(TenantId tenant, String name) {
        Objects.requireNonNull(tenant, "tenant");
        String validName = name(name);
        WorkspaceId id = WorkspaceId.random();
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO workspaces (tenant_id, workspace_id, name) VALUES (?, ?, ?) RETURNING created_at")) {
                insert.setString(1, tenant.value());
                insert.setLong(2, id.value());
                insert.setString(3, validName);
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    return new Workspace(tenant, id, validName, row.getObject(1, OffsetDateTime.class).toInstant());
                }
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState()) && e instanceof PSQLException postgres && postgres.getServerErrorMessage() != null
                        && "workspaces_name_key".equals(postgres.getServerErrorMessage().getConstraint())) {
                    throw new LakewardException(ErrorCode.RESOURCE_ALREADY_EXISTS, "a workspace named '" + validName + "' already exists", e);
                }
                if ("23503".equals(e.getSQLState())) {
                    throw new LakewardException(ErrorCode.RESOURCE_DOES_NOT_EXIST, "tenant " + tenant + " does not exist", e);
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<Workspace> get(TenantId tenant, WorkspaceId id) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(id, "id");
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT name, created_at FROM workspaces WHERE tenant_id = ? AND workspace_id = ?")) {
                select.setString(1, tenant.value());
                select.setLong(2, id.value());
                try (ResultSet row = select.executeQuery()) {
                    return row.next()
                            ? Optional.of(new Workspace(tenant, id, row.getString(1), row.getObject(2, OffsetDateTime.class).toInstant()))
                            : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<Workspace> list(TenantId tenant, int limit) {
        Objects.requireNonNull(tenant, "tenant");
        if (limit < 1 || limit > 1000) {
            throw LakewardException.invalidParameter("limit must be from 1 to 1000");
        }
        return transactions.inTenant(tenant, connection -> {
            List<Workspace> workspaces = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT workspace_id, name, created_at FROM workspaces WHERE tenant_id = ? ORDER BY name LIMIT ?")) {
                select.setString(1, tenant.value());
                select.setInt(2, limit);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        workspaces.add(new Workspace(tenant, new WorkspaceId(rows.getLong(1)), rows.getString(2),
                                rows.getObject(3, OffsetDateTime.class).toInstant()));
                    }
                }
            }
            return workspaces;
        });
    }

    @Override
    public boolean delete(TenantId tenant, WorkspaceId id) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(id, "id");
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM workspaces WHERE tenant_id = ? AND workspace_id = ?")) {
                delete.setString(1, tenant.value());
                delete.setLong(2, id.value());
                return delete.executeUpdate() == 1;
            }
        });
    }

    private static String name(String name) {
        String stripped = name == null ? "" : name.strip();
        if (stripped.isEmpty() || stripped.length() > 100 || stripped.chars().anyMatch(Character::isISOControl)) {
            throw LakewardException.invalidParameter("a workspace name is 1 to 100 characters without control characters");
        }
        return stripped;
    }
}

package io.lakeward.metastore.tenant;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantStatus;
import io.lakeward.metastore.Transactions;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.postgresql.util.PSQLException;

/** {@link TenantRegistryStore} in the {@code tenants} table, through platform transactions only. */
public final class JdbcTenantRegistryStore implements TenantRegistryStore {
    private static final String COLUMNS = "tenant_id, display_name, host_name, issuer_url, status, key_reference, created_at, updated_at";
    private static final int MAX_TENANTS = 100_000;

    private final Transactions transactions;

    public JdbcTenantRegistryStore(Transactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    @Override
    public TenantRecord create(NewTenant tenant) {
        Objects.requireNonNull(tenant, "tenant");
        return transactions.inPlatform(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO tenants (tenant_id, display_name, host_name, issuer_url, status, key_reference) VALUES (?, ?, ?, ?, ?, ?) RETURNING "
                            + COLUMNS)) {
                insert.setString(1, tenant.id().value());
                insert.setString(2, tenant.displayName());
                insert.setString(3, tenant.hostName());
                insert.setString(4, tenant.issuer().toString());
                insert.setString(5, TenantStatus.ACTIVE.name());
                insert.setString(6, tenant.keyReference());
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    return read(row);
                }
            } catch (SQLException e) {
                throw duplicateOr(e);
            }
        });
    }

    @Override
    public Optional<TenantRecord> get(TenantId id) {
        Objects.requireNonNull(id, "id");
        return transactions.inPlatform(connection -> queryOne(connection, "tenant_id = ?", id.value()));
    }

    @Override
    public List<TenantRecord> list() {
        return transactions.inPlatform(connection -> {
            List<TenantRecord> tenants = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM tenants ORDER BY tenant_id LIMIT " + (MAX_TENANTS + 1));
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    tenants.add(read(rows));
                }
            }
            if (tenants.size() > MAX_TENANTS) {
                throw new LakewardException(ErrorCode.RESOURCE_EXHAUSTED, "more than " + MAX_TENANTS + " tenants are registered");
            }
            return tenants;
        });
    }

    @Override
    public TenantRecord updateStatus(TenantId id, TenantStatus status) {
        Objects.requireNonNull(id, "id");
        if (status == null) {
            throw LakewardException.invalidParameter("a status is required");
        }
        return transactions.inPlatform(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE tenants SET status = ?, updated_at = now() WHERE tenant_id = ? RETURNING " + COLUMNS)) {
                update.setString(1, status.name());
                update.setString(2, id.value());
                try (ResultSet row = update.executeQuery()) {
                    if (!row.next()) {
                        throw LakewardException.notFound("tenant " + id + " does not exist");
                    }
                    return read(row);
                }
            }
        });
    }

    @Override
    public Optional<TenantRecord> findByHost(String hostName) {
        String normalized;
        try {
            normalized = NewTenant.hostName(hostName);
        } catch (LakewardException e) {
            return Optional.empty();
        }
        return transactions.inPlatform(connection -> queryOne(connection, "host_name = ?", normalized));
    }

    @Override
    public Optional<TenantRecord> findByIssuer(URI issuer) {
        if (issuer == null) {
            return Optional.empty();
        }
        return transactions.inPlatform(connection -> queryOne(connection, "issuer_url = ?", issuer.toString()));
    }

    private static Optional<TenantRecord> queryOne(Connection connection, String condition, String value) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM tenants WHERE " + condition)) {
            select.setString(1, value);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(read(row)) : Optional.empty();
            }
        }
    }

    private static TenantRecord read(ResultSet row) throws SQLException {
        Tenant tenant = new Tenant(TenantId.of(row.getString("tenant_id")), row.getString("display_name"), row.getString("host_name"),
                URI.create(row.getString("issuer_url")), TenantStatus.valueOf(row.getString("status")));
        return new TenantRecord(tenant, row.getString("key_reference"),
                row.getObject("created_at", OffsetDateTime.class).toInstant(),
                row.getObject("updated_at", OffsetDateTime.class).toInstant());
    }

    private static RuntimeException duplicateOr(SQLException e) throws SQLException {
        if (!"23505".equals(e.getSQLState())) {
            throw e;
        }
        String constraint = e instanceof PSQLException postgres && postgres.getServerErrorMessage() != null
                ? String.valueOf(postgres.getServerErrorMessage().getConstraint()) : "";
        if (constraint.equals("tenants_host_name_key")) {
            return new LakewardException(ErrorCode.RESOURCE_ALREADY_EXISTS, "the host name is already in use by another tenant", e);
        }
        if (constraint.equals("tenants_issuer_url_key")) {
            return new LakewardException(ErrorCode.RESOURCE_ALREADY_EXISTS, "the issuer is already in use by another tenant", e);
        }
        return new LakewardException(ErrorCode.RESOURCE_ALREADY_EXISTS, "a tenant with this id already exists", e);
    }
}

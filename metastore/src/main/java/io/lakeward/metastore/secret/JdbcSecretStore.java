package io.lakeward.metastore.secret;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.metastore.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link SecretStore} in the {@code secret_scopes}, {@code secrets} and {@code secret_acls} tables.
 * Every statement filters by tenant; row-level security guarantees it. Limits are checked under a
 * lock: the tenant's scope count under a transaction-level advisory lock keyed by the tenant, a
 * scope's secret count under a row lock on the scope.
 */
public final class JdbcSecretStore implements SecretStore {
    private final Transactions transactions;

    public JdbcSecretStore(Transactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    @Override
    public SecretScope createScope(TenantId tenant, String scope, String createdBy, String managePrincipal, int maxScopes) {
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('lakeward.secret_scopes/' || ?))")) {
                lock.setString(1, tenant.value());
                lock.execute();
            }
            if (scopeExists(connection, tenant, scope, false)) {
                throw new LakewardException(ErrorCode.RESOURCE_ALREADY_EXISTS, "a secret scope named '" + scope + "' already exists");
            }
            try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM secret_scopes WHERE tenant_id = ?")) {
                count.setString(1, tenant.value());
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    if (row.getLong(1) >= maxScopes) {
                        throw new LakewardException(ErrorCode.MAX_SECRET_SCOPES_EXCEEDED,
                                "the tenant already has the most secret scopes allowed (" + maxScopes + ")");
                    }
                }
            }
            OffsetDateTime created;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO secret_scopes (tenant_id, scope_name, created_by) VALUES (?, ?, ?) RETURNING created_at")) {
                insert.setString(1, tenant.value());
                insert.setString(2, scope);
                insert.setString(3, createdBy);
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    created = row.getObject(1, OffsetDateTime.class);
                }
            }
            upsertAcl(connection, tenant, scope, new SecretAcl(managePrincipal, SecretPermission.MANAGE));
            return new SecretScope(scope, createdBy, created.toInstant());
        });
    }

    @Override
    public boolean deleteScope(TenantId tenant, String scope) {
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM secret_scopes WHERE tenant_id = ? AND scope_name = ?")) {
                delete.setString(1, tenant.value());
                delete.setString(2, scope);
                return delete.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<SecretScope> scope(TenantId tenant, String scope) {
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT scope_name, created_by, created_at FROM secret_scopes WHERE tenant_id = ? AND scope_name = ?")) {
                select.setString(1, tenant.value());
                select.setString(2, scope);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(scopeOf(rows)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<SecretScope> listScopes(TenantId tenant) {
        return transactions.inTenant(tenant, connection -> {
            List<SecretScope> scopes = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT scope_name, created_by, created_at FROM secret_scopes WHERE tenant_id = ? ORDER BY scope_name")) {
                select.setString(1, tenant.value());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        scopes.add(scopeOf(rows));
                    }
                }
            }
            return scopes;
        });
    }

    @Override
    public void putSecret(TenantId tenant, String scope, StoredSecret secret, int maxSecrets) {
        transactions.inTenant(tenant, connection -> {
            if (!scopeExists(connection, tenant, scope, true)) {
                throw LakewardException.notFound("no secret scope named '" + scope + "'");
            }
            boolean exists;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT 1 FROM secrets WHERE tenant_id = ? AND scope_name = ? AND secret_key = ?")) {
                select.setString(1, tenant.value());
                select.setString(2, scope);
                select.setString(3, secret.key());
                try (ResultSet rows = select.executeQuery()) {
                    exists = rows.next();
                }
            }
            if (!exists) {
                try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM secrets WHERE tenant_id = ? AND scope_name = ?")) {
                    count.setString(1, tenant.value());
                    count.setString(2, scope);
                    try (ResultSet row = count.executeQuery()) {
                        row.next();
                        if (row.getLong(1) >= maxSecrets) {
                            throw new LakewardException(ErrorCode.MAX_SECRETS_PER_SCOPE_EXCEEDED,
                                    "the scope already holds the most secrets allowed (" + maxSecrets + ")");
                        }
                    }
                }
            }
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO secrets (tenant_id, scope_name, secret_key, value_envelope, key_version) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (tenant_id, scope_name, secret_key)
                    DO UPDATE SET value_envelope = EXCLUDED.value_envelope, key_version = EXCLUDED.key_version, updated_at = now()""")) {
                upsert.setString(1, tenant.value());
                upsert.setString(2, scope);
                upsert.setString(3, secret.key());
                upsert.setBytes(4, secret.envelope());
                upsert.setInt(5, secret.keyVersion());
                upsert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean deleteSecret(TenantId tenant, String scope, String key) {
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM secrets WHERE tenant_id = ? AND scope_name = ? AND secret_key = ?")) {
                delete.setString(1, tenant.value());
                delete.setString(2, scope);
                delete.setString(3, key);
                return delete.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<StoredSecret> secret(TenantId tenant, String scope, String key) {
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT value_envelope, key_version FROM secrets WHERE tenant_id = ? AND scope_name = ? AND secret_key = ?")) {
                select.setString(1, tenant.value());
                select.setString(2, scope);
                select.setString(3, key);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(new StoredSecret(key, rows.getBytes(1), rows.getInt(2))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<SecretMetadata> listSecrets(TenantId tenant, String scope) {
        return transactions.inTenant(tenant, connection -> {
            List<SecretMetadata> secrets = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT secret_key, updated_at FROM secrets WHERE tenant_id = ? AND scope_name = ? ORDER BY secret_key")) {
                select.setString(1, tenant.value());
                select.setString(2, scope);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        secrets.add(new SecretMetadata(rows.getString(1), rows.getObject(2, OffsetDateTime.class).toInstant()));
                    }
                }
            }
            return secrets;
        });
    }

    @Override
    public void putAcl(TenantId tenant, String scope, SecretAcl acl) {
        transactions.inTenant(tenant, connection -> {
            if (!scopeExists(connection, tenant, scope, true)) {
                throw LakewardException.notFound("no secret scope named '" + scope + "'");
            }
            upsertAcl(connection, tenant, scope, acl);
            return null;
        });
    }

    @Override
    public boolean deleteAcl(TenantId tenant, String scope, String principal) {
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM secret_acls WHERE tenant_id = ? AND scope_name = ? AND principal = ?")) {
                delete.setString(1, tenant.value());
                delete.setString(2, scope);
                delete.setString(3, principal);
                return delete.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<SecretAcl> listAcls(TenantId tenant, String scope) {
        return transactions.inTenant(tenant, connection -> {
            List<SecretAcl> acls = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT principal, permission FROM secret_acls WHERE tenant_id = ? AND scope_name = ? ORDER BY principal")) {
                select.setString(1, tenant.value());
                select.setString(2, scope);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        acls.add(new SecretAcl(rows.getString(1), SecretPermission.valueOf(rows.getString(2))));
                    }
                }
            }
            return acls;
        });
    }

    @Override
    public Map<String, SecretPermission> aclsFor(TenantId tenant, String scope, Collection<String> principals) {
        return transactions.inTenant(tenant, connection -> {
            Map<String, SecretPermission> found = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT principal, permission FROM secret_acls WHERE tenant_id = ? AND scope_name = ? AND principal = ANY (?)")) {
                select.setString(1, tenant.value());
                select.setString(2, scope);
                select.setArray(3, connection.createArrayOf("text", principals.toArray()));
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.put(rows.getString(1), SecretPermission.valueOf(rows.getString(2)));
                    }
                }
            }
            return found;
        });
    }

    @Override
    public List<SecretLocation> secretsBelowKeyVersion(TenantId tenant, int version, int limit) {
        return transactions.inTenant(tenant, connection -> {
            List<SecretLocation> found = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT scope_name, secret_key, value_envelope, key_version FROM secrets
                    WHERE tenant_id = ? AND key_version < ? ORDER BY scope_name, secret_key LIMIT ?""")) {
                select.setString(1, tenant.value());
                select.setInt(2, version);
                select.setInt(3, limit);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.add(new SecretLocation(rows.getString(1), rows.getString(2), rows.getBytes(3), rows.getInt(4)));
                    }
                }
            }
            return found;
        });
    }

    @Override
    public boolean replaceEnvelope(TenantId tenant, SecretLocation secret, byte[] expected, byte[] replacement, int replacementVersion) {
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE secrets SET value_envelope = ?, key_version = ?
                    WHERE tenant_id = ? AND scope_name = ? AND secret_key = ? AND value_envelope = ?""")) {
                update.setBytes(1, replacement);
                update.setInt(2, replacementVersion);
                update.setString(3, tenant.value());
                update.setString(4, secret.scope());
                update.setString(5, secret.key());
                update.setBytes(6, expected);
                return update.executeUpdate() == 1;
            }
        });
    }

    private static void upsertAcl(Connection connection, TenantId tenant, String scope, SecretAcl acl) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO secret_acls (tenant_id, scope_name, principal, permission) VALUES (?, ?, ?, ?)
                ON CONFLICT (tenant_id, scope_name, principal) DO UPDATE SET permission = EXCLUDED.permission, updated_at = now()""")) {
            upsert.setString(1, tenant.value());
            upsert.setString(2, scope);
            upsert.setString(3, acl.principal());
            upsert.setString(4, acl.permission().name());
            upsert.executeUpdate();
        }
    }

    /** Whether the scope exists; with {@code lock}, holds its row until the transaction ends. */
    private static boolean scopeExists(Connection connection, TenantId tenant, String scope, boolean lock) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM secret_scopes WHERE tenant_id = ? AND scope_name = ?" + (lock ? " FOR UPDATE" : ""))) {
            select.setString(1, tenant.value());
            select.setString(2, scope);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static SecretScope scopeOf(ResultSet rows) throws SQLException {
        return new SecretScope(rows.getString(1), rows.getString(2), rows.getObject(3, OffsetDateTime.class).toInstant());
    }
}

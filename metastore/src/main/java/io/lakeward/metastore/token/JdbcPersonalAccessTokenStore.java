package io.lakeward.metastore.token;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.metastore.Transactions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PersonalAccessTokenStore} in {@code personal_access_tokens} (tenant-owned, row-level
 * security) and {@code personal_access_token_tenants} (platform-level: which tenant a hash
 * belongs to). The two are written in separate transactions, in the order that makes a partial
 * write harmless: the tenant hint first and the token row second on create, the token row first
 * and the hint second on delete. A token is valid only while its token row exists.
 */
public final class JdbcPersonalAccessTokenStore implements PersonalAccessTokenStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcPersonalAccessTokenStore.class);
    private static final String COLUMNS = "token_id, token_hash, owner_id, owner_name, owner_type, owner_roles, owner_groups, "
            + "comment, created_at, expires_at, last_used_at";

    private final Transactions transactions;

    public JdbcPersonalAccessTokenStore(Transactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    @Override
    public void create(PersonalAccessToken token, int maxPerOwner) {
        Objects.requireNonNull(token, "token");
        if (maxPerOwner < 1) {
            throw new IllegalArgumentException("maxPerOwner must be positive");
        }
        transactions.inPlatform(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO personal_access_token_tenants (token_hash, tenant_id, expires_at) VALUES (?, ?, ?)")) {
                insert.setBytes(1, token.tokenHash());
                insert.setString(2, token.tenant().value());
                insert.setObject(3, utc(token.expiresAt()));
                insert.executeUpdate();
                return null;
            } catch (SQLException e) {
                if ("23503".equals(e.getSQLState())) {
                    throw new LakewardException(ErrorCode.RESOURCE_DOES_NOT_EXIST, "tenant " + token.tenant() + " does not exist", e);
                }
                throw e;
            }
        });
        try {
            transactions.inTenant(token.tenant(), connection -> {
                insertToken(connection, token, maxPerOwner);
                return null;
            });
        } catch (RuntimeException e) {
            removeTenantHint(token.tokenHash());
            throw e;
        }
    }

    private static void insertToken(Connection connection, PersonalAccessToken token, int maxPerOwner) throws SQLException {
        // serializes the creations of one owner, so that two at once cannot both pass the count
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 7))")) {
            lock.setString(1, token.tenant().value() + "/" + token.ownerId());
            lock.executeQuery().close();
        }
        try (PreparedStatement count = connection.prepareStatement(
                "SELECT count(*) FROM personal_access_tokens WHERE tenant_id = ? AND owner_id = ? AND expires_at > now()")) {
            count.setString(1, token.tenant().value());
            count.setString(2, token.ownerId());
            try (ResultSet row = count.executeQuery()) {
                row.next();
                if (row.getLong(1) >= maxPerOwner) {
                    throw new LakewardException(ErrorCode.RESOURCE_EXHAUSTED,
                            "at most " + maxPerOwner + " unexpired tokens per principal; delete one first");
                }
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO personal_access_tokens (tenant_id, " + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)")) {
            insert.setString(1, token.tenant().value());
            insert.setString(2, token.tokenId());
            insert.setBytes(3, token.tokenHash());
            insert.setString(4, token.ownerId());
            insert.setString(5, token.ownerName());
            insert.setString(6, token.ownerType());
            insert.setArray(7, connection.createArrayOf("text", token.ownerRoles().toArray()));
            insert.setArray(8, connection.createArrayOf("text", token.ownerGroups().toArray()));
            insert.setString(9, token.comment());
            insert.setObject(10, utc(token.createdAt()));
            insert.setObject(11, utc(token.expiresAt()));
            insert.executeUpdate();
        } catch (SQLException e) {
            if ("23503".equals(e.getSQLState())) {
                throw new LakewardException(ErrorCode.RESOURCE_DOES_NOT_EXIST, "tenant " + token.tenant() + " does not exist", e);
            }
            throw e;
        }
    }

    @Override
    public Optional<TenantId> tenantOf(byte[] tokenHash) {
        requireHash(tokenHash);
        return transactions.inPlatform(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT tenant_id FROM personal_access_token_tenants WHERE token_hash = ?")) {
                select.setBytes(1, tokenHash);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(TenantId.of(row.getString(1))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Optional<PersonalAccessToken> findByHash(TenantId tenant, byte[] tokenHash) {
        Objects.requireNonNull(tenant, "tenant");
        requireHash(tokenHash);
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM personal_access_tokens WHERE tenant_id = ? AND token_hash = ?")) {
                select.setString(1, tenant.value());
                select.setBytes(2, tokenHash);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(token(tenant, row)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Optional<PersonalAccessToken> get(TenantId tenant, String tokenId) {
        Objects.requireNonNull(tenant, "tenant");
        if (!PersonalAccessToken.isTokenId(tokenId)) {
            return Optional.empty();
        }
        return transactions.inTenant(tenant, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM personal_access_tokens WHERE tenant_id = ? AND token_id = ?")) {
                select.setString(1, tenant.value());
                select.setString(2, tokenId);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(token(tenant, row)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<PersonalAccessToken> list(TenantId tenant, Optional<String> ownerId, int limit) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(ownerId, "ownerId");
        if (limit < 1 || limit > 10_000) {
            throw LakewardException.invalidParameter("limit must be from 1 to 10000");
        }
        return transactions.inTenant(tenant, connection -> {
            String sql = "SELECT " + COLUMNS + " FROM personal_access_tokens WHERE tenant_id = ?"
                    + (ownerId.isPresent() ? " AND owner_id = ?" : "") + " ORDER BY created_at DESC, token_id LIMIT ?";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                int index = 1;
                select.setString(index++, tenant.value());
                if (ownerId.isPresent()) {
                    select.setString(index++, ownerId.get());
                }
                select.setInt(index, limit);
                List<PersonalAccessToken> tokens = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        tokens.add(token(tenant, rows));
                    }
                }
                return tokens;
            }
        });
    }

    @Override
    public boolean delete(TenantId tenant, String tokenId, Optional<String> ownerId) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(ownerId, "ownerId");
        if (!PersonalAccessToken.isTokenId(tokenId)) {
            return false;
        }
        Optional<byte[]> deleted = transactions.inTenant(tenant, connection -> {
            String sql = "DELETE FROM personal_access_tokens WHERE tenant_id = ? AND token_id = ?"
                    + (ownerId.isPresent() ? " AND owner_id = ?" : "") + " RETURNING token_hash";
            try (PreparedStatement delete = connection.prepareStatement(sql)) {
                delete.setString(1, tenant.value());
                delete.setString(2, tokenId);
                if (ownerId.isPresent()) {
                    delete.setString(3, ownerId.get());
                }
                try (ResultSet row = delete.executeQuery()) {
                    return row.next() ? Optional.of(row.getBytes(1)) : Optional.<byte[]>empty();
                }
            }
        });
        deleted.ifPresent(this::removeTenantHint);
        return deleted.isPresent();
    }

    @Override
    public void recordLastUse(TenantId tenant, Map<String, Instant> lastUseByTokenId) {
        Objects.requireNonNull(tenant, "tenant");
        if (lastUseByTokenId.isEmpty()) {
            return;
        }
        transactions.inTenant(tenant, connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE personal_access_tokens SET last_used_at = ? "
                    + "WHERE tenant_id = ? AND token_id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
                for (var use : lastUseByTokenId.entrySet()) {
                    if (!PersonalAccessToken.isTokenId(use.getKey())) {
                        continue;
                    }
                    update.setObject(1, utc(use.getValue()));
                    update.setString(2, tenant.value());
                    update.setString(3, use.getKey());
                    update.setObject(4, utc(use.getValue()));
                    update.addBatch();
                }
                update.executeBatch();
            }
            return null;
        });
    }

    /** Best effort: a hint left behind names a token that no longer validates, and is removed by the next delete of the same hash. */
    private void removeTenantHint(byte[] tokenHash) {
        try {
            transactions.inPlatform(connection -> {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM personal_access_token_tenants WHERE token_hash = ?")) {
                    delete.setBytes(1, tokenHash);
                    return delete.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("cannot remove the tenant hint of a deleted personal access token: {}", e.toString());
        }
    }

    private static PersonalAccessToken token(TenantId tenant, ResultSet row) throws SQLException {
        OffsetDateTime lastUsed = row.getObject("last_used_at", OffsetDateTime.class);
        return new PersonalAccessToken(tenant, row.getString("token_id"), row.getBytes("token_hash"), row.getString("owner_id"),
                row.getString("owner_name"), row.getString("owner_type"), strings(row.getArray("owner_roles")),
                strings(row.getArray("owner_groups")), row.getString("comment"),
                row.getObject("created_at", OffsetDateTime.class).toInstant(), row.getObject("expires_at", OffsetDateTime.class).toInstant(),
                Optional.ofNullable(lastUsed).map(OffsetDateTime::toInstant));
    }

    private static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        Object[] values = (Object[]) array.getArray();
        return Arrays.stream(values).map(String::valueOf).toList();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static void requireHash(byte[] tokenHash) {
        if (tokenHash == null || tokenHash.length != 32) {
            throw new IllegalArgumentException("a token hash is the 32 bytes of a SHA-256");
        }
    }
}

package io.lakeward.gateway.auth;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.metastore.token.PersonalAccessToken;
import io.lakeward.metastore.token.PersonalAccessTokenStore;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A hand-written store for gateway unit tests that need no database; counts lookups. */
public final class InMemoryPersonalAccessTokenStore implements PersonalAccessTokenStore {
    private final Map<ByteBuffer, PersonalAccessToken> tokens = new ConcurrentHashMap<>();
    public final AtomicInteger lookups = new AtomicInteger();

    @Override
    public synchronized void create(PersonalAccessToken token, int maxPerOwner) {
        long held = tokens.values().stream().filter(t -> t.tenant().equals(token.tenant()) && t.ownerId().equals(token.ownerId())).count();
        if (held >= maxPerOwner) {
            throw new LakewardException(ErrorCode.RESOURCE_EXHAUSTED, "limit");
        }
        tokens.put(ByteBuffer.wrap(token.tokenHash()), token);
    }

    @Override
    public Optional<TenantId> tenantOf(byte[] tokenHash) {
        lookups.incrementAndGet();
        return Optional.ofNullable(tokens.get(ByteBuffer.wrap(tokenHash))).map(PersonalAccessToken::tenant);
    }

    @Override
    public Optional<PersonalAccessToken> findByHash(TenantId tenant, byte[] tokenHash) {
        return Optional.ofNullable(tokens.get(ByteBuffer.wrap(tokenHash))).filter(t -> t.tenant().equals(tenant));
    }

    @Override
    public Optional<PersonalAccessToken> get(TenantId tenant, String tokenId) {
        return tokens.values().stream().filter(t -> t.tenant().equals(tenant) && t.tokenId().equals(tokenId)).findFirst();
    }

    @Override
    public List<PersonalAccessToken> list(TenantId tenant, Optional<String> ownerId, int limit) {
        List<PersonalAccessToken> found = new ArrayList<>(tokens.values().stream()
                .filter(t -> t.tenant().equals(tenant) && ownerId.map(t.ownerId()::equals).orElse(true)).toList());
        found.sort(Comparator.comparing(PersonalAccessToken::createdAt).reversed());
        return found.subList(0, Math.min(limit, found.size()));
    }

    @Override
    public boolean delete(TenantId tenant, String tokenId, Optional<String> ownerId) {
        return tokens.values().removeIf(t -> t.tenant().equals(tenant) && t.tokenId().equals(tokenId)
                && ownerId.map(t.ownerId()::equals).orElse(true));
    }

    @Override
    public void recordLastUse(TenantId tenant, Map<String, Instant> lastUseByTokenId) {
    }
}

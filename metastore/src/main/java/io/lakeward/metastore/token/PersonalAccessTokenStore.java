package io.lakeward.metastore.token;

import io.lakeward.common.id.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Persistence of personal access tokens, by the SHA-256 of the token (the token itself is never
 * given to the store). Every call but {@link #tenantOf} names its tenant; a token of another
 * tenant is indistinguishable from one that does not exist. Blocking: call it from a worker pool.
 */
public interface PersonalAccessTokenStore {
    /**
     * Stores {@code token} unless its owner already has {@code maxPerOwner} unexpired tokens.
     *
     * @throws io.lakeward.common.error.LakewardException {@code RESOURCE_EXHAUSTED} when the owner is
     *         at the limit, {@code RESOURCE_DOES_NOT_EXIST} if the tenant is not registered
     */
    void create(PersonalAccessToken token, int maxPerOwner);

    /** The tenant a token hash was made in, if any (a hint: the token is valid only if {@link #findByHash} finds it). */
    Optional<TenantId> tenantOf(byte[] tokenHash);

    /** The tenant's token with this hash, expired or not. */
    Optional<PersonalAccessToken> findByHash(TenantId tenant, byte[] tokenHash);

    Optional<PersonalAccessToken> get(TenantId tenant, String tokenId);

    /** The tenant's tokens, of one owner if {@code ownerId} is present, newest first, at most {@code limit} (1 to 10000). */
    List<PersonalAccessToken> list(TenantId tenant, Optional<String> ownerId, int limit);

    /** Deletes a token (of that owner only, if {@code ownerId} is present); false if there was none. */
    boolean delete(TenantId tenant, String tokenId, Optional<String> ownerId);

    /** Records when tokens were last used; only ever moves {@code last_used_at} forward. */
    void recordLastUse(TenantId tenant, Map<String, Instant> lastUseByTokenId);
}

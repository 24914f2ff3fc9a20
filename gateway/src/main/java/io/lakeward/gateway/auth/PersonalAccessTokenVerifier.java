package io.lakeward.gateway.auth;

import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.Principal;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.metastore.token.PersonalAccessToken;
import io.lakeward.metastore.token.PersonalAccessTokenStore;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies personal access tokens: the form and checksum first (no database work for a random
 * string), then the SHA-256 is looked up — which tenant it belongs to (platform-level hint), then
 * the token row in that tenant — and compared in constant time; expired tokens are refused. A
 * valid token of another tenant is refused as {@link RefusalReason#OTHER_TENANT} (answered 404).
 *
 * <p>Verified tokens are remembered for {@code cacheTtl} (never past their expiry): a revocation
 * through this gateway takes effect at once ({@link #forget}), one through another gateway instance
 * within {@code cacheTtl}. Last use is recorded in memory and written coalesced by
 * {@link #flushLastUse}, not once per request.
 *
 * <p>Blocking: {@link #verify} and {@link #flushLastUse} query the metadata database. Call them on a worker pool.
 */
public final class PersonalAccessTokenVerifier {
    public static final String AUTHENTICATION_METHOD = "personal_access_token";
    private static final Logger LOG = LoggerFactory.getLogger(PersonalAccessTokenVerifier.class);

    private record Verified(Principal principal, String tokenId) {
    }

    private final PersonalAccessTokenStore store;
    private final Clock clock;
    private final VerifiedTokenCache<Verified> cache;
    private final Map<TenantId, Map<String, Instant>> lastUse = new ConcurrentHashMap<>();

    public PersonalAccessTokenVerifier(PersonalAccessTokenStore store, Duration cacheTtl, int cacheSize, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.cache = new VerifiedTokenCache<>(cacheTtl, cacheSize, clock);
    }

    /** The principal of an already verified token for {@code tenant}, or {@code null}. Cheap: no I/O. */
    public Principal cached(Tenant tenant, String token) {
        Verified verified = cache.get(token);
        return verified == null ? null : used(tenant, verified);
    }

    /**
     * The principal of {@code token} if it is a valid personal access token of {@code tenant}.
     *
     * @throws TokenRefusedException otherwise
     */
    public Principal verify(Tenant tenant, String token) {
        Principal cached = cached(tenant, token);
        if (cached != null) {
            return cached;
        }
        if (!PersonalAccessTokens.isWellFormed(token)) {
            throw new TokenRefusedException(RefusalReason.MALFORMED);
        }
        byte[] hash = PersonalAccessTokens.hash(token);
        Optional<TenantId> owner = store.tenantOf(hash);
        if (owner.isEmpty()) {
            throw new TokenRefusedException(RefusalReason.UNKNOWN_TOKEN);
        }
        PersonalAccessToken stored = store.findByHash(owner.get(), hash)
                .filter(found -> MessageDigest.isEqual(found.tokenHash(), hash))
                .orElseThrow(() -> new TokenRefusedException(RefusalReason.UNKNOWN_TOKEN));
        if (stored.isExpired(clock.instant())) {
            throw new TokenRefusedException(RefusalReason.EXPIRED);
        }
        Verified verified = new Verified(principalOf(stored), stored.tokenId());
        cache.put(token, verified, stored.expiresAt());
        return used(tenant, verified);
    }

    /** Forgets a revoked token at once (other gateway instances forget it within the cache time to live). */
    public void forget(TenantId tenant, String tokenId) {
        cache.removeIf(verified -> verified.principal().tenant().equals(tenant) && verified.tokenId().equals(tokenId));
    }

    /** Writes the last-use times gathered since the previous flush, one batch per tenant. */
    public void flushLastUse() {
        for (TenantId tenant : lastUse.keySet()) {
            Map<String, Instant> pending = lastUse.remove(tenant);
            if (pending == null || pending.isEmpty()) {
                continue;
            }
            try {
                store.recordLastUse(tenant, new HashMap<>(pending));
            } catch (RuntimeException e) {
                // last use is advisory: keep the newest times for the next flush
                LOG.warn("cannot record the last use of {} personal access token(s) of {}: {}", pending.size(), tenant, e.toString());
                lastUse.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>()).putAll(pending);
            }
        }
    }

    private Principal used(Tenant tenant, Verified verified) {
        if (!verified.principal().tenant().equals(tenant.id())) {
            LOG.info("a valid personal access token of another tenant was presented at {}", tenant.hostName());
            throw new TokenRefusedException(RefusalReason.OTHER_TENANT);
        }
        lastUse.computeIfAbsent(tenant.id(), t -> new ConcurrentHashMap<>()).put(verified.tokenId(), clock.instant());
        return verified.principal();
    }

    private static Principal principalOf(PersonalAccessToken token) {
        return new Principal(token.tenant(), token.ownerId(), token.ownerName(),
                "SERVICE".equals(token.ownerType()) ? Principal.PrincipalType.SERVICE : Principal.PrincipalType.USER,
                token.ownerRoles(), token.ownerGroups(), AUTHENTICATION_METHOD);
    }
}

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
 * <p>A user's token acts with its owner's standing in the identity directory
 * ({@link OwnerStanding}), asked at each verification (so at most once per {@code cacheTtl} per
 * token): refused once the owner is disabled or deleted, with the owner's current roles and groups
 * otherwise; with the roles and groups it recorded when the directory cannot say.
 *
 * <p>Blocking: {@link #verify} and {@link #flushLastUse} query the metadata database. Call them on a worker pool.
 */
public final class PersonalAccessTokenVerifier {
    public static final String AUTHENTICATION_METHOD = "personal_access_token";
    private static final Logger LOG = LoggerFactory.getLogger(PersonalAccessTokenVerifier.class);

    private record Verified(Principal principal, String tokenId) {
    }

    private final PersonalAccessTokenStore store;
    private final OwnerStanding owners;
    private final Clock clock;
    private final VerifiedTokenCache<Verified> cache;
    private final Map<TenantId, Map<String, Instant>> lastUse = new ConcurrentHashMap<>();

    /** A verifier whose tokens act with what they recorded (no identity directory to ask). */
    public PersonalAccessTokenVerifier(PersonalAccessTokenStore store, Duration cacheTtl, int cacheSize, Clock clock) {
        this(store, OwnerStanding.unknown(), cacheTtl, cacheSize, clock);
    }

    public PersonalAccessTokenVerifier(PersonalAccessTokenStore store, OwnerStanding owners, Duration cacheTtl, int cacheSize, Clock clock) {
        this.store = store;
        this.owners = owners;
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
        Verified verified = new Verified(withStanding(principalOf(stored)), stored.tokenId());
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

    /** The owner as the directory holds it now (users only: a service's roles are its client's, not the directory's). */
    private Principal withStanding(Principal recorded) {
        if (recorded.type() != Principal.PrincipalType.USER) {
            return recorded;
        }
        OwnerStanding.Standing standing = owners.of(recorded);
        return switch (standing.kind()) {
            case GONE -> {
                LOG.info("a personal access token of {} at {} was refused: the owner is disabled or deleted", recorded.subject(),
                        recorded.tenant().value());
                throw new TokenRefusedException(RefusalReason.OWNER_DISABLED);
            }
            case CURRENT -> new Principal(recorded.tenant(), recorded.subject(), recorded.name(), recorded.type(), standing.roles(),
                    standing.groups(), recorded.authenticationMethod());
            case UNKNOWN -> recorded;
        };
    }

    private static Principal principalOf(PersonalAccessToken token) {
        return new Principal(token.tenant(), token.ownerId(), token.ownerName(),
                "SERVICE".equals(token.ownerType()) ? Principal.PrincipalType.SERVICE : Principal.PrincipalType.USER,
                token.ownerRoles(), token.ownerGroups(), AUTHENTICATION_METHOD);
    }
}

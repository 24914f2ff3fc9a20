package io.lakeward.keyvault.api;

import io.lakeward.common.config.Secret;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The short-lived tokens processes outside the platform JVM (cluster drivers) present to the
 * keyvault API. Opaque: 256 random bits, prefixed {@value #PREFIX}; the keyvault keeps only their
 * SHA-256 with the scope and the expiry, so a token is revocable at once and a dump of this table
 * yields no usable token. Tokens live in memory: a platform restart revokes every one of them (the
 * compute service issues new ones to the drivers it still runs).
 *
 * <p>Thread-safe. Every failure to verify (unknown, expired, revoked, malformed) is the same
 * {@code UNAUTHENTICATED}, so a caller learns nothing about why.
 */
public final class ScopedTokens {
    public static final String PREFIX = "lwkv1.";
    /** Live tokens at most; issuing beyond it first drops expired ones, then refuses. */
    static final int MAX_TOKENS = 100_000;

    private final Duration lifetime;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> byHash = new ConcurrentHashMap<>();

    private record Entry(TokenScope scope, Instant expiresAt) {
    }

    public ScopedTokens(Duration lifetime, Clock clock) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("the token lifetime must be positive");
        }
        this.lifetime = lifetime;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A new token for {@code scope}, valid for the configured lifetime. */
    public ScopedToken issue(TokenScope scope) {
        Objects.requireNonNull(scope, "scope");
        if (byHash.size() >= MAX_TOKENS) {
            Instant now = clock.instant();
            byHash.values().removeIf(entry -> !entry.expiresAt().isAfter(now));
            if (byHash.size() >= MAX_TOKENS) {
                throw new LakewardException(io.lakeward.common.error.ErrorCode.RESOURCE_EXHAUSTED, "too many live keyvault tokens");
            }
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = clock.instant().plus(lifetime);
        byHash.put(hash(token), new Entry(scope, expiresAt));
        return new ScopedToken(Secret.of(token), scope, expiresAt);
    }

    /**
     * The scope of a live token.
     *
     * @throws LakewardException {@code UNAUTHENTICATED} for anything but a live token
     */
    public TokenScope verify(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() != PREFIX.length() + 43) {
            throw LakewardException.unauthenticated();
        }
        String hash = hash(token);
        Entry entry = byHash.get(hash);
        if (entry == null) {
            throw LakewardException.unauthenticated();
        }
        if (!clock.instant().isBefore(entry.expiresAt())) {
            byHash.remove(hash, entry);
            throw LakewardException.unauthenticated();
        }
        return entry.scope();
    }

    /**
     * Exchanges a live token for a new one of the same scope and a full lifetime; the old token
     * stops working at once. Only one refresh of a token succeeds.
     */
    public ScopedToken refresh(String token) {
        TokenScope scope = verify(token);
        Entry removed = byHash.remove(hash(token));
        if (removed == null) {
            // a concurrent refresh or revocation won
            throw LakewardException.unauthenticated();
        }
        return issue(scope);
    }

    /** Revokes one token; true if it was live. */
    public boolean revoke(String token) {
        return token != null && byHash.remove(hash(token)) != null;
    }

    /** Revokes every token of one caller of one tenant (e.g. a cluster that stopped); returns how many. */
    public int revokeCaller(TokenScope scope) {
        return removeIf(entry -> entry.scope().equals(scope));
    }

    /** Revokes every token of the tenant (tenant deletion); returns how many. */
    public int revokeTenant(TenantId tenant) {
        return removeIf(entry -> entry.scope().tenant().equals(tenant));
    }

    /** Live (unexpired) tokens of the tenant. */
    public long liveTokens(TenantId tenant) {
        Instant now = clock.instant();
        return byHash.values().stream().filter(e -> e.scope().tenant().equals(tenant) && now.isBefore(e.expiresAt())).count();
    }

    private int removeIf(java.util.function.Predicate<Entry> which) {
        int[] count = {0};
        byHash.entrySet().removeIf(e -> {
            boolean match = which.test(e.getValue());
            if (match) {
                count[0]++;
            }
            return match;
        });
        return count[0];
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

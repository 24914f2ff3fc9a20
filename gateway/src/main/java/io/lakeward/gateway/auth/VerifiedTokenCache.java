package io.lakeward.gateway.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Credentials already verified, keyed by the SHA-256 of the credential (the credential itself is
 * never kept), each until {@code min(its expiry, now + ttl)}. Only verified credentials are
 * entered: a refused one is checked again every time. Bounded: when full, expired entries go
 * first, then arbitrary ones. Thread-safe and cheap enough for an event loop.
 *
 * @param <V> what verification established (a principal, with its tenant)
 */
final class VerifiedTokenCache<V> {
    private record Key(long a, long b, long c, long d) {
    }

    private record Entry<V>(V value, long expiresAtMillis) {
    }

    private final Map<Key, Entry<V>> entries = new ConcurrentHashMap<>();
    private final long ttlMillis;
    private final int maxSize;
    private final Clock clock;

    VerifiedTokenCache(Duration ttl, int maxSize, Clock clock) {
        this.ttlMillis = ttl.toMillis();
        this.maxSize = maxSize;
        this.clock = clock;
    }

    /** What was verified for {@code credential}, or {@code null} when it is not (or no longer) cached. */
    V get(String credential) {
        if (maxSize == 0) {
            return null;
        }
        Key key = key(credential);
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (clock.millis() >= entry.expiresAtMillis()) {
            entries.remove(key, entry);
            return null;
        }
        return entry.value();
    }

    /** Remembers a verified credential until {@code expiresAt} or the cache's time to live, whichever is first. */
    void put(String credential, V value, Instant expiresAt) {
        if (maxSize == 0 || ttlMillis == 0) {
            return;
        }
        long now = clock.millis();
        long until = Math.min(expiresAt.toEpochMilli(), now + ttlMillis);
        if (until <= now) {
            return;
        }
        if (entries.size() >= maxSize) {
            makeRoom(now);
        }
        entries.put(key(credential), new Entry<>(value, until));
    }

    /** Forgets every entry whose value matches, e.g. a revoked token's. */
    void removeIf(Predicate<V> matches) {
        entries.values().removeIf(entry -> matches.test(entry.value()));
    }

    int size() {
        return entries.size();
    }

    private void makeRoom(long now) {
        entries.values().removeIf(entry -> entry.expiresAtMillis() <= now);
        Iterator<Key> keys = entries.keySet().iterator();
        int excess = entries.size() - maxSize + Math.max(1, maxSize / 10);
        while (excess-- > 0 && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
    }

    static byte[] sha256(String credential) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static Key key(String credential) {
        ByteBuffer digest = ByteBuffer.wrap(sha256(credential));
        return new Key(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
    }
}

package io.lakeward.gateway.edge;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Token buckets by key (a tenant, or a tenant's principal): {@code ratePerSecond} tokens refill
 * continuously up to {@code burst}; a request takes one. Limits hold per gateway instance. Buckets
 * of keys not seen for a while are dropped, so the map stays bounded by the active keys.
 */
public final class RateLimiter {
    private static final Duration IDLE_EVICTION = Duration.ofMinutes(10);
    private static final int SWEEP_EVERY = 4096;

    private final double ratePerNanosecond;
    private final double burst;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicInteger requestsSinceSweep = new AtomicInteger();

    public RateLimiter(double ratePerSecond, int burst, Clock clock) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("a rate limit needs a positive rate and a burst of at least 1");
        }
        this.ratePerNanosecond = ratePerSecond / 1e9;
        this.burst = burst;
        this.clock = clock;
    }

    /** Takes a token for {@code key}; empty when allowed, else how long until the next token. */
    public Duration acquire(String key) {
        long now = nanos();
        sweepOccasionally(now);
        Bucket bucket = buckets.computeIfAbsent(key, ignored -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updated) * ratePerNanosecond);
            bucket.updated = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Duration.ZERO;
            }
            return Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) / ratePerNanosecond));
        }
    }

    private long nanos() {
        var instant = clock.instant();
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private void sweepOccasionally(long now) {
        // one atomic increment per request; no lock shared by every request on the hot path
        if (requestsSinceSweep.incrementAndGet() % SWEEP_EVERY != 0) {
            return;
        }
        long idle = IDLE_EVICTION.toNanos();
        buckets.entrySet().removeIf(entry -> now - entry.getValue().updated > idle);
    }

    int size() {
        return buckets.size();
    }

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }
}

package io.lakeward.gateway.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final MovableClock clock = new MovableClock();

    @Test
    void aBurstPassesThenTheRateHolds() {
        RateLimiter limiter = new RateLimiter(2, 3, clock);
        for (int i = 0; i < 3; i++) {
            assertEquals(Duration.ZERO, limiter.acquire("acme"));
        }
        Duration wait = limiter.acquire("acme");
        assertTrue(wait.compareTo(Duration.ofMillis(499)) > 0 && wait.compareTo(Duration.ofMillis(501)) < 0, wait.toString());
        clock.advance(Duration.ofMillis(500));
        assertEquals(Duration.ZERO, limiter.acquire("acme"));
        assertTrue(limiter.acquire("acme").compareTo(Duration.ZERO) > 0);
    }

    @Test
    void keysDoNotShareBuckets() {
        RateLimiter limiter = new RateLimiter(1, 1, clock);
        assertEquals(Duration.ZERO, limiter.acquire("acme"));
        assertTrue(limiter.acquire("acme").compareTo(Duration.ZERO) > 0);
        assertEquals(Duration.ZERO, limiter.acquire("globex"), "one tenant's flood does not starve another");
    }

    @Test
    void refillNeverExceedsTheBurst() {
        RateLimiter limiter = new RateLimiter(100, 2, clock);
        limiter.acquire("acme");
        clock.advance(Duration.ofHours(1));
        assertEquals(Duration.ZERO, limiter.acquire("acme"));
        assertEquals(Duration.ZERO, limiter.acquire("acme"));
        assertTrue(limiter.acquire("acme").compareTo(Duration.ZERO) > 0);
    }

    @Test
    void idleBucketsAreDropped() {
        RateLimiter limiter = new RateLimiter(10, 10, clock);
        for (int i = 0; i < 5000; i++) {
            limiter.acquire("caller-" + i);
        }
        clock.advance(Duration.ofMinutes(11));
        for (int i = 0; i < 5000; i++) {
            limiter.acquire("later-" + i);
        }
        assertTrue(limiter.size() <= 5000, "size " + limiter.size());
    }

    @Test
    void nonsenseLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, 1, clock));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(1, 0, clock));
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-11-24T12:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}

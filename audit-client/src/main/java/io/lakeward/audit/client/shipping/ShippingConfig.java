package io.lakeward.audit.client.shipping;

import io.lakeward.common.config.ConfigProblems;
import java.time.Duration;

/**
 * Configuration of a {@link ShippingLoop}; every problem is reported at once.
 *
 * @param maxBatchEvents events per shipment at most
 * @param shipTimeout    how long one shipment may take before it counts as failed
 * @param initialBackoff the wait after the first failed shipment; it doubles per failure
 * @param maxBackoff     the cap of that wait
 * @param idlePoll       how long the loop waits for new events before it checks whether it should stop
 * @param closeTimeout   how long {@code close()} waits for a shipment in flight
 */
public record ShippingConfig(
        int maxBatchEvents, Duration shipTimeout, Duration initialBackoff, Duration maxBackoff, Duration idlePoll, Duration closeTimeout) {

    public ShippingConfig {
        ConfigProblems problems = new ConfigProblems();
        if (maxBatchEvents < 1) {
            problems.add("audit.shipping.max-batch-events", "must be at least 1");
        }
        requirePositive(problems, "audit.shipping.ship-timeout", shipTimeout);
        requirePositive(problems, "audit.shipping.initial-backoff", initialBackoff);
        requirePositive(problems, "audit.shipping.max-backoff", maxBackoff);
        requirePositive(problems, "audit.shipping.idle-poll", idlePoll);
        requirePositive(problems, "audit.shipping.close-timeout", closeTimeout);
        if (initialBackoff != null && maxBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
            problems.add("audit.shipping.max-backoff", "must not be less than initial-backoff");
        }
        problems.throwIfAny();
    }

    /** Defaults: batches of 500, 10 s per shipment, backoff from 100 ms doubling to 30 s, 200 ms idle poll, 15 s to close. */
    public static ShippingConfig defaults() {
        return new ShippingConfig(500, Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofSeconds(30),
                Duration.ofMillis(200), Duration.ofSeconds(15));
    }

    public ShippingConfig withMaxBatchEvents(int value) {
        return new ShippingConfig(value, shipTimeout, initialBackoff, maxBackoff, idlePoll, closeTimeout);
    }

    public ShippingConfig withShipTimeout(Duration value) {
        return new ShippingConfig(maxBatchEvents, value, initialBackoff, maxBackoff, idlePoll, closeTimeout);
    }

    public ShippingConfig withBackoff(Duration initial, Duration max) {
        return new ShippingConfig(maxBatchEvents, shipTimeout, initial, max, idlePoll, closeTimeout);
    }

    public ShippingConfig withIdlePoll(Duration value) {
        return new ShippingConfig(maxBatchEvents, shipTimeout, initialBackoff, maxBackoff, value, closeTimeout);
    }

    /** The wait after {@code failures} consecutive failed shipments (1 or more): capped doubling, before jitter. */
    public Duration backoffAfter(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        long millis = initialBackoff.toMillis() << doublings;
        if (millis <= 0 || millis > maxBackoff.toMillis()) {
            return maxBackoff;
        }
        return Duration.ofMillis(millis);
    }

    private static void requirePositive(ConfigProblems problems, String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            problems.add(key, "must be positive");
        }
    }
}

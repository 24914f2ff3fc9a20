package io.lakeward.audit.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, checking it every few milliseconds; never a fixed sleep. */
public final class Await {
    private static final long CHECK_INTERVAL_NANOS = Duration.ofMillis(2).toNanos();

    private Await() {
    }

    public static void until(String description, Duration timeout, BooleanSupplier condition) {
        until(() -> description, timeout, condition);
    }

    public static void until(Supplier<String> description, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + timeout + ": " + description.get());
            }
            LockSupport.parkNanos(CHECK_INTERVAL_NANOS);
        }
    }
}

package io.lakeward.audit.client.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Syncer} that holds the first fsync until the test opens the gate, and that can be told
 * to fail from some call on: the seam to observe what happens while data is not yet durable.
 */
final class GateSyncer implements Syncer {
    private static final Duration MAX_HOLD = Duration.ofSeconds(30);

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);
    private final AtomicBoolean holdNext;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile int failFromCall = Integer.MAX_VALUE;

    GateSyncer(boolean holdFirst) {
        this.holdNext = new AtomicBoolean(holdFirst);
    }

    @Override
    public void force(FileChannel channel) throws IOException {
        int call = calls.incrementAndGet();
        if (call >= failFromCall) {
            throw new IOException("simulated fsync failure (EIO)");
        }
        if (holdNext.compareAndSet(true, false)) {
            entered.countDown();
            try {
                if (!opened.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IOException("test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted at the gate", e);
            }
        }
        channel.force(false);
    }

    /** Waits until the writer is held in its first fsync. */
    void awaitHeld(Duration timeout) throws InterruptedException {
        if (!entered.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the writer never reached its first fsync");
        }
    }

    void open() {
        opened.countDown();
    }

    /** Makes the {@code call}-th fsync (counting from 1) and every later one fail. */
    void failFromCall(int call) {
        failFromCall = call;
    }

    int calls() {
        return calls.get();
    }
}

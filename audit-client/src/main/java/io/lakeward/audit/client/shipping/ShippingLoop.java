package io.lakeward.audit.client.shipping;

import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.audit.client.outbox.OutboxEntry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves events from an {@link AuditOutbox} to the audit service, in outbox order, on a thread of
 * its own: it reads the next unshipped batch, ships it, and only after the shipper acknowledged
 * persists the new shipped position ({@link AuditOutbox#markShipped}, which also deletes fully
 * shipped segments). While shipping fails or times out, the same batch is retried after a capped
 * exponential backoff with jitter; the events stay in the outbox meanwhile.
 *
 * <p>Delivery is at least once: a crash between the acknowledgment and the persisted position
 * ships that batch again. Close the loop before the outbox.
 */
public final class ShippingLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShippingLoop.class);

    private final AuditOutbox outbox;
    private final AuditShipper shipper;
    private final ShippingConfig config;
    private final Thread thread;
    private final ReentrantLock stopLock = new ReentrantLock();
    private final Condition stopRequested = stopLock.newCondition();
    private volatile boolean running = true;

    private final AtomicLong shippedEvents = new AtomicLong();
    private final AtomicLong shippedBatches = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private volatile int consecutiveFailures;

    private ShippingLoop(AuditOutbox outbox, AuditShipper shipper, ShippingConfig config) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.shipper = Objects.requireNonNull(shipper, "shipper");
        this.config = Objects.requireNonNull(config, "config");
        this.thread = new Thread(this::run, "audit-outbox-shipper");
        this.thread.setDaemon(true);
    }

    /** Starts shipping from the outbox's shipped position. */
    public static ShippingLoop start(AuditOutbox outbox, AuditShipper shipper, ShippingConfig config) {
        ShippingLoop loop = new ShippingLoop(outbox, shipper, config);
        loop.thread.start();
        return loop;
    }

    public ShippingStats stats() {
        return new ShippingStats(shippedEvents.get(), shippedBatches.get(), failedAttempts.get(), consecutiveFailures);
    }

    private void run() {
        long next = outbox.shippedThrough() + 1;
        List<OutboxEntry> batch = List.of();
        LOG.info("audit shipping started after sequence {}", next - 1);
        while (running) {
            try {
                if (batch.isEmpty()) {
                    batch = outbox.read(next, config.maxBatchEvents());
                    if (batch.isEmpty()) {
                        outbox.awaitDurable(next, config.idlePoll());
                        continue;
                    }
                }
                ship(batch);
                long last = batch.get(batch.size() - 1).sequence();
                outbox.markShipped(last);
                shippedEvents.addAndGet(batch.size());
                shippedBatches.incrementAndGet();
                if (consecutiveFailures > 0) {
                    LOG.info("audit shipping recovered after {} failed attempts", consecutiveFailures);
                }
                consecutiveFailures = 0;
                next = last + 1;
                batch = List.of();
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                int failures = ++consecutiveFailures;
                failedAttempts.incrementAndGet();
                Duration wait = jittered(config.backoffAfter(failures));
                LOG.warn("audit shipping failed (attempt {}): {}; {} events stay in the outbox, retrying in {} ms",
                        failures, describe(e), batch.size(), wait.toMillis());
                LOG.debug("audit shipping failure", e);
                awaitStop(wait);
            }
        }
        LOG.info("audit shipping stopped after sequence {}", outbox.shippedThrough());
    }

    private void ship(List<OutboxEntry> batch) throws InterruptedException, ExecutionException, TimeoutException {
        List<AuditEvent> events = batch.stream().map(OutboxEntry::event).toList();
        CompletableFuture<Void> shipment = shipper.ship(events);
        if (shipment == null) {
            throw new ExecutionException(new IllegalStateException("the shipper returned no future"));
        }
        try {
            shipment.get(config.shipTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            shipment.cancel(true);
            throw e;
        }
    }

    /** Between half and all of {@code wait} ("equal jitter"), so that many clients do not retry in step. */
    private static Duration jittered(Duration wait) {
        long millis = wait.toMillis();
        long half = millis / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(millis - half + 1));
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof TimeoutException) {
            return "no acknowledgment in time";
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private void awaitStop(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        stopLock.lock();
        try {
            while (running) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                stopRequested.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopLock.unlock();
        }
    }

    /** Stops after the shipment in flight (waiting at most the close timeout); unshipped events stay in the outbox. */
    @Override
    public void close() {
        running = false;
        stopLock.lock();
        try {
            stopRequested.signalAll();
        } finally {
            stopLock.unlock();
        }
        try {
            thread.join(config.closeTimeout().toMillis());
            if (thread.isAlive()) {
                LOG.warn("audit shipping did not stop within {}; interrupting the shipment in flight", config.closeTimeout());
                thread.interrupt();
                thread.join(config.closeTimeout().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.lakeward.audit.client.shipping;

import io.lakeward.audit.client.event.AuditEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A hand-written stand-in for the audit service's ingest API: it stores what it accepts and can be
 * switched to refuse, to store but lose the acknowledgment, or never to answer.
 */
final class RecordingShipper implements AuditShipper {
    enum Mode {
        ACCEPT,
        /** The service is unreachable: nothing stored, the shipment fails. */
        REFUSE,
        /** The service stored the batch but the acknowledgment was lost on the way back. */
        STORE_BUT_LOSE_ACKNOWLEDGMENT,
        /** The service never answers. */
        HANG
    }

    private final List<AuditEvent> stored = new ArrayList<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    private Mode mode;
    private int acceptBeforeRefusing = Integer.MAX_VALUE;
    private int attempts;

    RecordingShipper(Mode mode) {
        this.mode = mode;
    }

    @Override
    public synchronized CompletableFuture<Void> ship(List<AuditEvent> batch) {
        attempts++;
        notifyAll();
        if (mode == Mode.ACCEPT && acceptBeforeRefusing-- <= 0) {
            mode = Mode.REFUSE;
        }
        switch (mode) {
            case ACCEPT -> {
                stored.addAll(batch);
                batchSizes.add(batch.size());
                return CompletableFuture.completedFuture(null);
            }
            case STORE_BUT_LOSE_ACKNOWLEDGMENT -> {
                stored.addAll(batch);
                return CompletableFuture.failedFuture(new IOException("connection reset before the acknowledgment"));
            }
            case HANG -> {
                return new CompletableFuture<>();
            }
            default -> {
                return CompletableFuture.failedFuture(new IOException("audit service unreachable"));
            }
        }
    }

    synchronized void mode(Mode mode) {
        this.mode = mode;
        this.acceptBeforeRefusing = Integer.MAX_VALUE;
    }

    /** Accepts the next {@code batches} shipments, then refuses every later one. */
    synchronized void acceptThenRefuse(int batches) {
        this.mode = Mode.ACCEPT;
        this.acceptBeforeRefusing = batches;
    }

    synchronized List<AuditEvent> stored() {
        return List.copyOf(stored);
    }

    synchronized List<Integer> batchSizes() {
        return List.copyOf(batchSizes);
    }

    synchronized int attempts() {
        return attempts;
    }

    /** Waits until at least {@code count} shipments were attempted. */
    synchronized void awaitAttempts(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (attempts < count) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new AssertionError("only " + attempts + " of " + count + " shipments attempted within " + timeout);
            }
            wait(Math.max(1, remaining / 1_000_000));
        }
    }
}

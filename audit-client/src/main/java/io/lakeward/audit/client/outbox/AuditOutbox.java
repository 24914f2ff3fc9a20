package io.lakeward.audit.client.outbox;

import io.lakeward.audit.client.event.AuditEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The durable local queue every service appends its audit events to before it answers a request,
 * and from which a shipping loop sends them on to the audit service.
 *
 * <p><b>Durability:</b> the future of {@link #append} completes only once the event is on stable
 * storage; an acknowledged event survives a crash of the process (and, with a disk that honours
 * fsync, of the machine). <b>Delivery is at least once:</b> an event is shipped again when a
 * crash falls between the audit service's acknowledgment and the persisted shipped position,
 * or when an append failed after its bytes reached the disk; the audit service deduplicates on
 * {@link AuditEvent#eventId()}.
 *
 * <p>Failures are {@link io.lakeward.common.error.LakewardException}s: {@code RESOURCE_EXHAUSTED}
 * when the queue is full, {@code TEMPORARILY_UNAVAILABLE} once closed or after a write failure,
 * {@code INVALID_PARAMETER_VALUE} for an oversized event, {@code INTERNAL_ERROR} for damaged storage.
 */
public interface AuditOutbox extends AutoCloseable {
    /**
     * Queues an event and returns a future completed once it is durable, or failed if it will not
     * be. Never blocks: when the outbox cannot take the event the future is already failed.
     * Appends from one thread are stored in the order they were made.
     */
    CompletableFuture<Void> append(AuditEvent event);

    /** Up to {@code maxEntries} durable entries with a sequence of at least {@code fromSequence}, in order. */
    List<OutboxEntry> read(long fromSequence, int maxEntries);

    /** Every durable entry still stored, shipped or not, in order. */
    default List<OutboxEntry> readAll() {
        return read(0, Integer.MAX_VALUE);
    }

    /** Every durable entry after the shipped position, in order. */
    default List<OutboxEntry> readUnshipped() {
        return read(shippedThrough() + 1, Integer.MAX_VALUE);
    }

    /** The highest sequence the audit service acknowledged, -1 if none. */
    long shippedThrough();

    /**
     * Persists that everything through {@code sequence} was acknowledged by the audit service, then
     * deletes segments holding only shipped entries. Call it only after the acknowledgment.
     */
    void markShipped(long sequence);

    /** Waits until the entry with {@code sequence} (or a later one) is durable; false when the timeout passed first or the outbox closed. */
    boolean awaitDurable(long sequence, Duration timeout) throws InterruptedException;

    /** Writes every queued event, stops the writer and releases the directory; later appends fail. */
    @Override
    void close();
}

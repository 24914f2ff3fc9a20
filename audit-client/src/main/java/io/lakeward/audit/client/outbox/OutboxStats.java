package io.lakeward.audit.client.outbox;

/**
 * Counters of a {@link FileAuditOutbox} since it was opened, for metrics and tests.
 *
 * @param appendedEvents events made durable
 * @param writtenBatches group commits (one write per batch, sometimes two when a segment rolls)
 * @param forceCalls     fsyncs of segment data; far fewer than appended events under concurrency
 * @param queuedEvents   events waiting for the writer now
 * @param lastSequence   the highest durable sequence, -1 if none
 * @param shippedThrough the highest sequence the shipper had acknowledged, -1 if none
 */
public record OutboxStats(
        long appendedEvents, long writtenBatches, long forceCalls, int queuedEvents, long lastSequence, long shippedThrough) {
}

package io.lakeward.audit.client.outbox;

import io.lakeward.common.config.ConfigProblems;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Configuration of a {@link FileAuditOutbox}; every problem is reported at once.
 *
 * @param directory          the outbox's own directory (one outbox per directory, locked while open)
 * @param segmentBytes       a segment rolls over once the next record would take it past this size
 * @param queueCapacity      events waiting for the disk at most; beyond, appends fail with {@code RESOURCE_EXHAUSTED}
 * @param queueCapacityBytes bytes of events waiting for the disk at most; same failure beyond
 * @param maxBatchEvents     events written with one fsync at most
 * @param maxBatchBytes      bytes written with one fsync at most (a single larger event is still written)
 * @param maxEventBytes      the largest serialized event accepted
 * @param closeTimeout       how long {@code close()} waits for queued events to reach the disk
 */
public record FileAuditOutboxConfig(
        Path directory,
        long segmentBytes,
        int queueCapacity,
        long queueCapacityBytes,
        int maxBatchEvents,
        int maxBatchBytes,
        int maxEventBytes,
        Duration closeTimeout) {

    public FileAuditOutboxConfig {
        ConfigProblems problems = new ConfigProblems();
        if (directory == null) {
            problems.add("audit.outbox.directory", "is required");
        }
        if (segmentBytes < 4096) {
            problems.add("audit.outbox.segment-bytes", "must be at least 4096");
        }
        if (queueCapacity < 1) {
            problems.add("audit.outbox.queue-capacity", "must be at least 1");
        }
        if (maxEventBytes < 1024 || maxEventBytes > RecordFormat.MAX_PAYLOAD_BYTES) {
            problems.add("audit.outbox.max-event-bytes", "must be between 1024 and " + RecordFormat.MAX_PAYLOAD_BYTES);
        }
        if (queueCapacityBytes < maxEventBytes) {
            problems.add("audit.outbox.queue-capacity-bytes", "must be at least max-event-bytes");
        }
        if (maxBatchEvents < 1) {
            problems.add("audit.outbox.max-batch-events", "must be at least 1");
        }
        if (maxBatchBytes < maxEventBytes) {
            problems.add("audit.outbox.max-batch-bytes", "must be at least max-event-bytes");
        }
        if (closeTimeout == null || closeTimeout.isNegative() || closeTimeout.isZero()) {
            problems.add("audit.outbox.close-timeout", "must be positive");
        }
        problems.throwIfAny();
    }

    /** Defaults: 16 MiB segments, 16384 queued events or 64 MiB, batches of 4096 events or 8 MiB, 256 KiB events, 10 s to close. */
    public static FileAuditOutboxConfig defaults(Path directory) {
        return new FileAuditOutboxConfig(directory, 16L << 20, 16_384, 64L << 20, 4096, 8 << 20, 256 << 10, Duration.ofSeconds(10));
    }

    public FileAuditOutboxConfig withSegmentBytes(long value) {
        return new FileAuditOutboxConfig(directory, value, queueCapacity, queueCapacityBytes, maxBatchEvents, maxBatchBytes, maxEventBytes, closeTimeout);
    }

    public FileAuditOutboxConfig withQueueCapacity(int value) {
        return new FileAuditOutboxConfig(directory, segmentBytes, value, queueCapacityBytes, maxBatchEvents, maxBatchBytes, maxEventBytes, closeTimeout);
    }

    public FileAuditOutboxConfig withMaxBatchEvents(int value) {
        return new FileAuditOutboxConfig(directory, segmentBytes, queueCapacity, queueCapacityBytes, value, maxBatchBytes, maxEventBytes, closeTimeout);
    }

    public FileAuditOutboxConfig withMaxEventBytes(int value) {
        return new FileAuditOutboxConfig(directory, segmentBytes, queueCapacity, queueCapacityBytes, maxBatchEvents, maxBatchBytes, value, closeTimeout);
    }

    public FileAuditOutboxConfig withCloseTimeout(Duration value) {
        return new FileAuditOutboxConfig(directory, segmentBytes, queueCapacity, queueCapacityBytes, maxBatchEvents, maxBatchBytes, maxEventBytes, value);
    }
}

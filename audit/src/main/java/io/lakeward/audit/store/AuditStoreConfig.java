package io.lakeward.audit.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link AuditStore}.
 *
 * @param directory          the store's own directory: one sub-directory per log under {@code logs/}
 * @param checkpointEvents   a checkpoint is signed after this many new records of a log ...
 * @param checkpointInterval ... or this long after the last one, whichever comes first
 * @param segmentBytes       a segment is sealed at the first checkpoint after it reached this size
 * @param queueCapacity      events waiting for the disk at most; beyond it appends fail at once
 * @param maxBatchEvents     events written with one fsync at most
 */
public record AuditStoreConfig(Path directory, int checkpointEvents, Duration checkpointInterval, long segmentBytes,
                               int queueCapacity, int maxBatchEvents) {
    public AuditStoreConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        if (checkpointEvents < 1 || checkpointInterval.isZero() || checkpointInterval.isNegative() || segmentBytes < 1
                || queueCapacity < 1 || maxBatchEvents < 1) {
            throw new IllegalArgumentException("audit store settings must be positive");
        }
    }

    /** 1000 events or 10 s per checkpoint, 64 MiB segments, 65536 queued events, 8192 per fsync. */
    public static AuditStoreConfig defaults(Path directory) {
        return new AuditStoreConfig(directory, 1000, Duration.ofSeconds(10), 64L * 1024 * 1024, 65_536, 8192);
    }

    public AuditStoreConfig withCheckpointEvents(int events) {
        return new AuditStoreConfig(directory, events, checkpointInterval, segmentBytes, queueCapacity, maxBatchEvents);
    }

    public AuditStoreConfig withCheckpointInterval(Duration interval) {
        return new AuditStoreConfig(directory, checkpointEvents, interval, segmentBytes, queueCapacity, maxBatchEvents);
    }

    public AuditStoreConfig withSegmentBytes(long bytes) {
        return new AuditStoreConfig(directory, checkpointEvents, checkpointInterval, bytes, queueCapacity, maxBatchEvents);
    }
}

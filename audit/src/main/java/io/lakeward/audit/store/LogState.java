package io.lakeward.audit.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A read-only picture of one log's durable state: its sequence range, chain head, signed
 * checkpoints and segments (with the time span of their events, to skip segments in a query).
 */
public final class LogState {
    private final TenantLog.View view;

    LogState(TenantLog.View view) {
        this.view = view;
    }

    public AuditLogId log() {
        return view.id();
    }

    /** The first stored sequence (retention may have removed earlier ones). */
    public long firstSequence() {
        return view.firstSequence();
    }

    public long lastSequence() {
        return view.lastSequence();
    }

    public String chainHead() {
        return view.lastHash();
    }

    public List<SignedCheckpoint> checkpoints() {
        return view.checkpoints();
    }

    public long checkpointedThrough() {
        return view.checkpointedThrough();
    }

    public Optional<SignedCheckpoint> checkpointCovering(long sequence) {
        return view.checkpointCovering(sequence);
    }

    /** The checkpoint that ends right before {@code sequence} (the anchor of a range starting there), if any. */
    public Optional<SignedCheckpoint> checkpointEndingAt(long sequence) {
        return view.checkpointCovering(sequence).filter(checkpoint -> checkpoint.lastSequence() == sequence);
    }

    /** Time spans of the stored segments, oldest first. */
    public List<SegmentSpan> segments() {
        return view.segments().stream().filter(segment -> !segment.isEmpty())
                .map(segment -> new SegmentSpan(segment.base(), segment.lastSequence(), segment.minTime(), segment.maxTime()))
                .toList();
    }

    /** Records {@code firstSequence..lastSequence} whose events lie between {@code minTime} and {@code maxTime}. */
    public record SegmentSpan(long firstSequence, long lastSequence, Instant minTime, Instant maxTime) {
    }
}

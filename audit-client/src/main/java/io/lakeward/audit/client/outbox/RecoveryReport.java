package io.lakeward.audit.client.outbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link FileAuditOutbox#open} found and repaired.
 *
 * @param segments            segment files after recovery
 * @param records             intact records found (salvaged ones included once, at their new place)
 * @param lastSequence        the highest durable sequence after recovery, -1 if the outbox is empty
 * @param shippedThrough      the shipped position read from the checkpoint, -1 if none
 * @param checkpointDiscarded the checkpoint was unreadable, so everything still on disk ships again
 * @param damages             every damaged place, in segment order
 */
public record RecoveryReport(
        int segments, long records, long lastSequence, long shippedThrough, boolean checkpointDiscarded, List<Damage> damages) {

    public RecoveryReport {
        damages = List.copyOf(damages);
    }

    /** Nothing was damaged. */
    public boolean clean() {
        return damages.isEmpty() && !checkpointDiscarded;
    }

    /** How a segment was damaged. */
    public enum Kind {
        /**
         * The segment ends inside a record that no intact record follows: a write cut short by a
         * crash. Such a record was never acknowledged (its batch was not synced); it is truncated.
         */
        TORN_TAIL,
        /**
         * A damaged record with intact records after it, or damage in a sealed segment: storage
         * corruption or a crash mid-write on a device that reorders writes. The damaged bytes are
         * kept in a quarantine file, the intact records after them are appended again.
         */
        CORRUPT_RECORD
    }

    /**
     * One damaged place.
     *
     * @param offset          where the first damaged record starts; the segment now ends here
     * @param discardedBytes  bytes cut from the segment from {@code offset} on
     * @param salvagedRecords intact, not yet shipped records found after the damage and appended again
     * @param quarantineFile  where the cut bytes were kept, {@code null} for a torn tail
     */
    public record Damage(Path segment, long offset, long discardedBytes, Kind kind, int salvagedRecords, Path quarantineFile) {
        public Damage {
            Objects.requireNonNull(segment, "segment");
            Objects.requireNonNull(kind, "kind");
        }
    }
}

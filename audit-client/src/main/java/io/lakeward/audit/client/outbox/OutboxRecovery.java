package io.lakeward.audit.client.outbox;

import io.lakeward.audit.client.outbox.RecordFormat.StoredRecord;
import io.lakeward.audit.client.outbox.RecoveryReport.Damage;
import io.lakeward.audit.client.outbox.RecoveryReport.Kind;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every segment when an outbox opens and repairs what a crash or the storage damaged,
 * without ever dropping an intact record silently:
 *
 * <ul>
 *   <li>Each segment is read from its start; a record counts when its magic number, length and
 *       CRC32C are right and its sequence is the next one.</li>
 *   <li>At the first record that does not, the rest of the segment is searched for intact records
 *       (a magic number where a record verifies).</li>
 *   <li>None in the last segment: a torn tail from a crash mid-write. Its batch was never synced,
 *       so never acknowledged; the tail is truncated and a warning logged.</li>
 *   <li>Otherwise (intact records follow, or the segment was sealed and synced): corruption. The
 *       damaged bytes are copied to {@code <segment>.corrupt-<offset>}, the segment is truncated,
 *       the intact unshipped records found after the damage are appended again, and an error is
 *       logged.</li>
 * </ul>
 */
final class OutboxRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRecovery.class);

    private OutboxRecovery() {
    }

    /**
     * @param segments     the segment files after repair, by base sequence
     * @param records      intact records left in place
     * @param lastSequence the highest sequence left in place, -1 if none
     * @param salvaged     payloads of intact records found after damage, to append again in this order
     */
    record Result(TreeMap<Long, Path> segments, long records, long lastSequence, List<Damage> damages, List<byte[]> salvaged) {
    }

    static Result recover(Path directory, long shippedThrough) throws IOException {
        TreeMap<Long, Path> segments = listSegments(directory);
        List<Damage> damages = new ArrayList<>();
        List<byte[]> salvaged = new ArrayList<>();
        long records = 0;
        long lastSequence = -1;
        for (Map.Entry<Long, Path> segment : segments.entrySet()) {
            long base = segment.getKey();
            Path path = segment.getValue();
            if (base <= lastSequence) {
                throw new LakewardException(ErrorCode.INTERNAL_ERROR, "audit outbox segment " + path + " starts at sequence " + base
                        + " although an earlier segment holds sequence " + lastSequence + "; inspect the directory");
            }
            boolean last = base == segments.lastKey();
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long size = channel.size();
                SegmentReader reader = new SegmentReader(channel, size);
                long offset = 0;
                long expected = base;
                while (offset < size) {
                    StoredRecord record = RecordFormat.read(reader, offset);
                    if (record == null || record.sequence() != expected) {
                        break;
                    }
                    offset = record.end();
                    expected++;
                }
                records += expected - base;
                if (expected > base) {
                    lastSequence = expected - 1;
                }
                if (offset < size) {
                    damages.add(repair(path, channel, reader, offset, expected, last, shippedThrough, salvaged));
                }
            }
        }
        if (!damages.isEmpty()) {
            Checkpoint.syncDirectory(directory);
        }
        return new Result(segments, records, lastSequence, damages, salvaged);
    }

    private static Damage repair(Path path, FileChannel channel, SegmentReader reader, long offset, long nextSequence,
            boolean lastSegment, long shippedThrough, List<byte[]> salvaged) throws IOException {
        long size = reader.limit();
        long discarded = size - offset;
        List<StoredRecord> intactAfter = findIntactRecords(reader, offset + 1, nextSequence);
        if (lastSegment && intactAfter.isEmpty()) {
            channel.truncate(offset);
            channel.force(true);
            LOG.warn("audit outbox segment {}: torn record at offset {} (a write cut short by a crash); truncated {} bytes, "
                    + "every record before it is intact", path, offset, discarded);
            return new Damage(path, offset, discarded, Kind.TORN_TAIL, 0, null);
        }
        Path quarantine = quarantine(path, channel, offset, size);
        channel.truncate(offset);
        channel.force(true);
        int kept = 0;
        for (StoredRecord record : intactAfter) {
            // a record the audit service already acknowledged needs no second delivery
            if (record.sequence() > shippedThrough) {
                salvaged.add(record.payload());
                kept++;
            }
        }
        LOG.error("audit outbox segment {}: damaged record at offset {} (storage corruption); {} bytes moved to {}, "
                + "{} intact unshipped records after the damage appended again; inspect the disk", path, offset, discarded, quarantine, kept);
        return new Damage(path, offset, discarded, Kind.CORRUPT_RECORD, kept, quarantine);
    }

    /** Intact records at or after {@code from} with increasing sequences of at least {@code minimumSequence}. */
    private static List<StoredRecord> findIntactRecords(SegmentReader reader, long from, long minimumSequence) throws IOException {
        List<StoredRecord> found = new ArrayList<>();
        int firstMagicByte = RecordFormat.MAGIC >>> 24;
        long offset = from;
        long minimum = minimumSequence;
        while (offset + RecordFormat.HEADER_BYTES <= reader.limit()) {
            if (reader.byteAt(offset) == firstMagicByte && RecordFormat.magicAt(reader, offset)) {
                StoredRecord record = RecordFormat.read(reader, offset);
                if (record != null && record.sequence() >= minimum) {
                    found.add(record);
                    minimum = record.sequence() + 1;
                    offset = record.end();
                    continue;
                }
            }
            offset++;
        }
        return found;
    }

    private static Path quarantine(Path segment, FileChannel channel, long offset, long size) throws IOException {
        Path target = segment.resolveSibling(segment.getFileName() + ".corrupt-" + offset);
        if (Files.exists(target)) {
            target = segment.resolveSibling(segment.getFileName() + ".corrupt-" + offset + "-" + System.currentTimeMillis());
        }
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long copied = 0;
            while (copied < size - offset) {
                long transferred = channel.transferTo(offset + copied, size - offset - copied, out);
                if (transferred <= 0) {
                    break;
                }
                copied += transferred;
            }
            out.force(true);
        }
        return target;
    }

    static TreeMap<Long, Path> listSegments(Path directory) throws IOException {
        TreeMap<Long, Path> segments = new TreeMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.forEach(file -> {
                long base = RecordFormat.baseSequenceOf(file.getFileName().toString());
                if (base >= 0) {
                    segments.put(base, file);
                }
            });
        }
        return segments;
    }
}

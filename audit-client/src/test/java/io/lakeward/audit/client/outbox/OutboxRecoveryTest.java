package io.lakeward.audit.client.outbox;

import static io.lakeward.audit.client.outbox.FileAuditOutboxTest.events;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.audit.client.SampleEvents;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.outbox.RecoveryReport.Damage;
import io.lakeward.audit.client.outbox.RecoveryReport.Kind;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Crashes and storage damage, made by hand on closed outboxes, and what reopening does about them. */
class OutboxRecoveryTest {
    @TempDir
    Path directory;

    private FileAuditOutboxConfig config() {
        return FileAuditOutboxConfig.defaults(directory);
    }

    private List<AuditEvent> appendAndClose(FileAuditOutboxConfig config, int count) throws Exception {
        List<AuditEvent> appended = new ArrayList<>();
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config)) {
            List<CompletableFuture<Void>> appends = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                AuditEvent event = SampleEvents.tagged(0, i);
                appended.add(event);
                appends.add(outbox.append(event));
            }
            CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
        return appended;
    }

    @ParameterizedTest(name = "cut {0} bytes into the last record")
    @ValueSource(ints = {1, 4, 8, 16, 19, 20, 21, 100, -1})
    void aTornLastRecordIsTruncatedAndEveryEarlierOneKept(int cutInto) throws Exception {
        List<AuditEvent> appended = appendAndClose(config(), 20);
        Path segment = onlySegment();
        List<Long> offsets = recordOffsets(segment);
        long lastRecord = offsets.get(19);
        long cut = cutInto < 0 ? Files.size(segment) - 1 : lastRecord + cutInto;
        truncate(segment, cut);

        try (FileAuditOutbox reopened = FileAuditOutbox.open(config())) {
            Damage damage = onlyDamage(reopened);
            assertEquals(Kind.TORN_TAIL, damage.kind());
            assertEquals(lastRecord, damage.offset());
            assertEquals(cut - lastRecord, damage.discardedBytes());
            assertNull(damage.quarantineFile());
            assertEquals(appended.subList(0, 19), events(reopened.readAll()));

            AuditEvent next = SampleEvents.tagged(1, 0);
            reopened.append(next).get(30, TimeUnit.SECONDS);
            assertEquals(next, reopened.readAll().get(19).event());
        }
        try (FileAuditOutbox again = FileAuditOutbox.open(config())) {
            assertTrue(again.recoveryReport().clean(), again.recoveryReport().toString());
            assertEquals(20, again.readAll().size());
        }
    }

    @Test
    void aZeroFilledTailIsTruncated() throws Exception {
        List<AuditEvent> appended = appendAndClose(config(), 20);
        Path segment = onlySegment();
        long size = Files.size(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4096), size);
        }

        try (FileAuditOutbox reopened = FileAuditOutbox.open(config())) {
            Damage damage = onlyDamage(reopened);
            assertEquals(Kind.TORN_TAIL, damage.kind());
            assertEquals(size, damage.offset());
            assertEquals(appended, events(reopened.readAll()));
        }
        assertEquals(size, Files.size(segment));
    }

    @Test
    void aCorruptByteInTheLastRecordIsDetectedAndTruncated() throws Exception {
        List<AuditEvent> appended = appendAndClose(config(), 20);
        Path segment = onlySegment();
        long lastRecord = recordOffsets(segment).get(19);
        flipByte(segment, lastRecord + RecordFormat.HEADER_BYTES + 30);

        try (FileAuditOutbox reopened = FileAuditOutbox.open(config())) {
            Damage damage = onlyDamage(reopened);
            assertEquals(Kind.TORN_TAIL, damage.kind());
            assertEquals(lastRecord, damage.offset());
            assertEquals(appended.subList(0, 19), events(reopened.readAll()));
            reopened.append(SampleEvents.tagged(1, 0)).get(30, TimeUnit.SECONDS);
            assertEquals(20, reopened.readAll().size());
        }
    }

    @ParameterizedTest(name = "damage at byte {0} of record 10")
    @ValueSource(ints = {0, 5, 9, 17, 40})
    void aCorruptRecordInsideTheSegmentIsQuarantinedAndTheIntactOnesAfterItKept(int byteInRecord) throws Exception {
        List<AuditEvent> appended = appendAndClose(config(), 20);
        Path segment = onlySegment();
        List<Long> offsets = recordOffsets(segment);
        long damaged = offsets.get(10);
        byte[] originalTail = Arrays.copyOfRange(Files.readAllBytes(segment), (int) damaged, (int) Files.size(segment));
        flipByte(segment, damaged + byteInRecord);

        List<AuditEvent> expected = new ArrayList<>(appended.subList(0, 10));
        expected.addAll(appended.subList(11, 20));
        try (FileAuditOutbox reopened = FileAuditOutbox.open(config())) {
            Damage damage = onlyDamage(reopened);
            assertEquals(Kind.CORRUPT_RECORD, damage.kind());
            assertEquals(damaged, damage.offset());
            assertEquals(9, damage.salvagedRecords());
            byte[] quarantined = Files.readAllBytes(damage.quarantineFile());
            assertEquals(originalTail.length, quarantined.length);
            quarantined[byteInRecord] ^= (byte) 0xFF;
            assertArrayEquals(originalTail, quarantined, "the quarantine file keeps the damaged bytes as found");

            List<OutboxEntry> entries = reopened.readAll();
            assertEquals(expected, events(entries));
            for (int i = 0; i < entries.size(); i++) {
                assertEquals(i, entries.get(i).sequence());
            }
            reopened.append(SampleEvents.tagged(1, 0)).get(30, TimeUnit.SECONDS);
        }
        try (FileAuditOutbox again = FileAuditOutbox.open(config())) {
            assertTrue(again.recoveryReport().clean(), again.recoveryReport().toString());
            assertEquals(20, again.readAll().size());
        }
    }

    @Test
    void damageInASealedSegmentKeepsEveryIntactRecord() throws Exception {
        FileAuditOutboxConfig config = config().withSegmentBytes(8 * 1024);
        List<AuditEvent> appended = appendAndClose(config, 100);
        Map<Long, Path> segments = FileAuditOutbox.segmentFiles(directory);
        assertTrue(segments.size() >= 3);
        Path sealed = segments.values().iterator().next();
        List<Long> offsets = recordOffsets(sealed);
        flipByte(sealed, offsets.get(2) + RecordFormat.HEADER_BYTES + 3);

        try (FileAuditOutbox reopened = FileAuditOutbox.open(config)) {
            Damage damage = onlyDamage(reopened);
            assertEquals(Kind.CORRUPT_RECORD, damage.kind());
            assertEquals(sealed, damage.segment());
            assertEquals(offsets.size() - 3, damage.salvagedRecords());

            List<AuditEvent> stored = events(reopened.readAll());
            List<AuditEvent> expected = new ArrayList<>(appended);
            expected.remove(2);
            assertEquals(expected.size(), stored.size());
            assertTrue(stored.containsAll(expected), "every intact record must survive");
            assertEquals(expected.size(), stored.stream().map(AuditEvent::eventId).distinct().count());
            reopened.append(SampleEvents.tagged(1, 0)).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void recordsAlreadyShippedAreNotSalvagedAgain() throws Exception {
        List<AuditEvent> appended = appendAndClose(config(), 20);
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config())) {
            outbox.markShipped(15);
        }
        Path segment = onlySegment();
        flipByte(segment, recordOffsets(segment).get(10) + RecordFormat.HEADER_BYTES);

        try (FileAuditOutbox reopened = FileAuditOutbox.open(config())) {
            assertEquals(4, onlyDamage(reopened).salvagedRecords());
            List<OutboxEntry> unshipped = reopened.readUnshipped();
            assertEquals(appended.subList(16, 20), events(unshipped));
            assertTrue(unshipped.get(0).sequence() > 15, "new sequences must follow the shipped position");
            reopened.append(SampleEvents.tagged(1, 0)).get(30, TimeUnit.SECONDS);
            assertEquals(5, reopened.readUnshipped().size());
        }
    }

    @Test
    void lostShippedRecordsNeverLendTheirSequencesToNewEvents() throws Exception {
        appendAndClose(config(), 10);
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config())) {
            outbox.markShipped(9);
        }
        truncate(onlySegment(), 0);

        try (FileAuditOutbox reopened = FileAuditOutbox.open(config())) {
            AuditEvent next = SampleEvents.tagged(1, 0);
            reopened.append(next).get(30, TimeUnit.SECONDS);
            List<OutboxEntry> unshipped = reopened.readUnshipped();
            assertEquals(List.of(next), events(unshipped));
            assertEquals(10, unshipped.get(0).sequence());
        }
    }

    @Test
    void anUnreadableCheckpointShipsEverythingAgain() throws Exception {
        List<AuditEvent> appended = appendAndClose(config(), 10);
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config())) {
            outbox.markShipped(4);
        }
        Path checkpoint = directory.resolve(Checkpoint.FILE_NAME);
        Files.writeString(checkpoint, Files.readString(checkpoint).replace("shipped-through 4", "shipped-through 7"));

        try (FileAuditOutbox reopened = FileAuditOutbox.open(config())) {
            assertTrue(reopened.recoveryReport().checkpointDiscarded());
            assertEquals(-1, reopened.shippedThrough());
            assertEquals(appended, events(reopened.readUnshipped()));
        }
    }

    @Test
    void overlappingSegmentsAreRefusedRatherThanGuessed() throws Exception {
        appendAndClose(config(), 10);
        Files.copy(onlySegment(), directory.resolve(RecordFormat.segmentFileName(5)));

        LakewardException refused = assertThrows(LakewardException.class, () -> FileAuditOutbox.open(config()));
        assertEquals(ErrorCode.INTERNAL_ERROR, refused.code());
    }

    private Path onlySegment() throws IOException {
        Map<Long, Path> segments = FileAuditOutbox.segmentFiles(directory);
        assertEquals(1, segments.size());
        return segments.values().iterator().next();
    }

    private static Damage onlyDamage(FileAuditOutbox outbox) {
        List<Damage> damages = outbox.recoveryReport().damages();
        assertEquals(1, damages.size(), damages.toString());
        return damages.get(0);
    }

    /** The start offsets of the intact records of a segment. */
    static List<Long> recordOffsets(Path segment) throws IOException {
        List<Long> offsets = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            SegmentReader reader = new SegmentReader(channel, channel.size());
            long offset = 0;
            RecordFormat.StoredRecord record;
            while ((record = RecordFormat.read(reader, offset)) != null) {
                offsets.add(offset);
                offset = record.end();
            }
        }
        return offsets;
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0xFF)).rewind();
            channel.write(one, offset);
        }
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }
}

package io.lakeward.audit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.audit.TestEvents;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.common.error.LakewardException;
import io.lakeward.keyvault.signing.AuditSigningKey;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditStoreTest {
    private static final AuditLogId ACME = AuditLogId.parse("acme");
    private static final AuditLogId GLOBEX = AuditLogId.parse("globex");
    private final AuditSigningKey key = AuditSigningKey.generate();
    private final Instant now = Instant.parse("2026-11-30T10:00:00Z");

    private AuditStore open(Path directory) {
        return AuditStore.open(AuditStoreConfig.defaults(directory).withCheckpointEvents(10).withCheckpointInterval(Duration.ofHours(1)),
                key, Clock.systemUTC());
    }

    private static List<AuditEvent> events(String tenant, int count, Instant start) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(TestEvents.read(tenant, "ada", "/Users/ada/n" + i, start.plusSeconds(i)));
        }
        return events;
    }

    private static List<ChainRecord> records(AuditStore store, AuditLogId log) {
        List<ChainRecord> records = new ArrayList<>();
        store.read(log, 1, Long.MAX_VALUE, records::add);
        return records;
    }

    @Test
    void eachTenantHasItsOwnChainLinkedRecordByRecord(@TempDir Path directory) {
        try (AuditStore store = open(directory)) {
            store.append(events("acme", 25, now)).join();
            store.append(events("globex", 7, now)).join();
            List<ChainRecord> acme = records(store, ACME);
            // audit.logging_started is not in acme's log yet (acme's log did not exist at start), so 25 records
            assertEquals(25, acme.size());
            String previous = ChainHash.GENESIS;
            for (int i = 0; i < acme.size(); i++) {
                ChainRecord record = acme.get(i);
                assertEquals(i + 1, record.sequence());
                assertEquals(previous, record.previousHash());
                assertTrue(record.hashMatches());
                assertEquals("acme", record.eventTenant());
                previous = record.hash();
            }
            assertTrue(records(store, GLOBEX).stream().allMatch(record -> "globex".equals(record.eventTenant())));
        }
    }

    @Test
    void theSameEventIdIsStoredOnceAcrossBatchesAndRestarts(@TempDir Path directory) {
        List<AuditEvent> batch = events("acme", 5, now);
        try (AuditStore store = open(directory)) {
            assertEquals(new AppendResult(5, 0), store.append(batch).join());
            assertEquals(new AppendResult(0, 5), store.append(batch).join());
            List<AuditEvent> twice = new ArrayList<>(batch.subList(0, 2));
            twice.addAll(batch.subList(0, 2));
            assertEquals(new AppendResult(0, 4), store.append(twice).join());
        }
        try (AuditStore store = open(directory)) {
            assertEquals(new AppendResult(0, 5), store.append(batch).join(), "ids are remembered across a restart");
            long stored = records(store, ACME).stream().filter(record -> record.eventJsonText().contains("notebook.read")).count();
            assertEquals(5, stored);
        }
    }

    @Test
    void checkpointsSignConsecutiveRangesEndingInTheChainHead(@TempDir Path directory) {
        try (AuditStore store = open(directory)) {
            for (int i = 0; i < 4; i++) {
                store.append(events("acme", i < 3 ? 10 : 5, now.plusSeconds(i * 10))).join();
            }
            awaitCheckpointed(store, ACME, 30);
            LogState state = store.state(ACME).orElseThrow();
            List<SignedCheckpoint> checkpoints = state.checkpoints();
            assertTrue(checkpoints.size() >= 3, "one per 10 records: " + checkpoints);
            long next = 1;
            for (SignedCheckpoint checkpoint : checkpoints) {
                assertEquals(next, checkpoint.firstSequence());
                assertTrue(checkpoint.verifiesWith(key.publicKey()));
                assertEquals(records(store, ACME).get((int) checkpoint.lastSequence() - 1).hash(), checkpoint.chainHead());
                next = checkpoint.lastSequence() + 1;
            }
            SignedCheckpoint forced = store.checkpoint(ACME).join().orElseThrow();
            assertEquals(35, forced.lastSequence(), "a forced checkpoint covers everything stored");
        }
    }

    @Test
    void concurrentAppendersShareFsyncsAndEveryEventIsStoredOnce(@TempDir Path directory) {
        try (AuditStore store = open(directory)) {
            List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                List<AuditEvent> batch = events(i % 2 == 0 ? "acme" : "globex", 10, now.plusSeconds(i));
                batch.forEach(event -> ids.add(event.eventId().value()));
                futures.add(store.append(batch));
            }
            futures.forEach(CompletableFuture::join);
            Set<String> stored = new HashSet<>();
            records(store, ACME).forEach(record -> stored.add(record.eventId()));
            records(store, GLOBEX).forEach(record -> stored.add(record.eventId()));
            assertTrue(stored.containsAll(ids));
        }
    }

    @Test
    void startAndStopOfLoggingAreRecordedInEveryLog(@TempDir Path directory) {
        try (AuditStore store = open(directory)) {
            store.append(events("acme", 1, now)).join();
        }
        try (AuditStore store = open(directory)) {
            List<String> actions = records(store, ACME).stream().map(ChainRecord::eventJsonText)
                    .map(json -> json.replaceAll(".*\"action\":\"([a-z_.]+)\".*", "$1")).toList();
            assertEquals(List.of("notebook.read", "audit.logging_stopped", "audit.logging_started"), actions);
        }
    }

    @Test
    void aTornTailIsCutKeptAsideAndRecordedNeverReBased(@TempDir Path directory) throws Exception {
        try (AuditStore store = open(directory)) {
            store.append(events("acme", 5, now)).join();
        }
        Path segment = segmentOf(directory, "acme");
        long sizeBefore = Files.size(segment);
        // a crash in the middle of a write: half a record at the end
        byte[] half = Arrays.copyOf(records(directory, "acme").get(0).getBytes(StandardCharsets.UTF_8), 40);
        Files.write(segment, half, java.nio.file.StandardOpenOption.APPEND);
        try (AuditStore store = open(directory)) {
            assertEquals(1, store.recoveredTornTails().size());
            TornTail tail = store.recoveredTornTails().get(0);
            assertEquals(sizeBefore, tail.offset());
            assertEquals(40, tail.bytes());
            assertTrue(Files.exists(tail.quarantine()));
            List<ChainRecord> records = records(store, ACME);
            assertTrue(records.stream().anyMatch(record -> record.eventJsonText().contains("\"audit.log_recovered\"")));
            for (int i = 1; i < records.size(); i++) {
                assertEquals(records.get(i - 1).hash(), records.get(i).previousHash(), "the chain continues from the last intact record");
            }
        }
    }

    @Test
    void damageBeforeTheTailRefusesToOpenAndNamesTheRecord(@TempDir Path directory) throws Exception {
        try (AuditStore store = open(directory)) {
            store.append(events("acme", 5, now)).join();
        }
        Path segment = segmentOf(directory, "acme");
        List<String> lines = records(directory, "acme");
        int third = lines.get(0).length() + lines.get(1).length() + 2;
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(third + lines.get(2).length() - 10);
            int original = file.read();
            file.seek(third + lines.get(2).length() - 10);
            file.write(original == 'a' ? 'b' : 'a');
        }
        LakewardException refused = assertThrows(LakewardException.class, () -> open(directory));
        assertTrue(refused.getMessage().contains("record 3"), refused.getMessage());
        assertFalse(refused.getMessage().contains("record 4"));
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefused(@TempDir Path directory) {
        try (AuditStore store = open(directory)) {
            assertThrows(LakewardException.class, () -> open(directory));
        }
    }

    @Test
    void retentionDeletesOnlyWholeSignedSegmentsAndTheRestStillVerifies(@TempDir Path directory) throws Exception {
        AuditStoreConfig config = AuditStoreConfig.defaults(directory).withCheckpointEvents(10).withCheckpointInterval(Duration.ofHours(1))
                .withSegmentBytes(2000);
        Instant old = Instant.parse("2025-01-01T00:00:00Z");
        try (AuditStore store = AuditStore.open(config, key, Clock.systemUTC())) {
            for (int i = 0; i < 6; i++) {
                store.append(events("acme", 10, (i < 3 ? old : now).plusSeconds(i * 10))).join();
                awaitCheckpointed(store, ACME, (i + 1) * 10);
            }
            int before = store.state(ACME).orElseThrow().segments().size();
            assertTrue(before > 2, "small segments roll at checkpoints: " + before);
            assertTrue(store.applyRetention(Instant.parse("2025-06-01T00:00:00Z")).join().get(ACME) > 0);
            LogState state = store.state(ACME).orElseThrow();
            assertTrue(state.firstSequence() > 1);
            assertTrue(state.checkpointEndingAt(state.firstSequence() - 1).isPresent(), "the first remaining record is anchored");
        }
        try (AuditStore store = AuditStore.open(config, key, Clock.systemUTC())) {
            assertTrue(store.state(ACME).orElseThrow().firstSequence() > 1, "reopens and verifies from the anchor");
        }
    }

    /** Waits (bounded) until the log's checkpoints cover {@code sequence}. */
    static void awaitCheckpointed(AuditStore store, AuditLogId log, long sequence) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (store.state(log).map(LogState::checkpointedThrough).orElse(0L) < sequence) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no checkpoint through " + sequence + " within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    static Path segmentOf(Path directory, String log) throws Exception {
        try (Stream<Path> files = Files.list(directory.resolve(AuditStore.LOGS).resolve(log))) {
            return files.filter(path -> path.getFileName().toString().matches("segment-\\d{20}\\.log")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    static List<String> records(Path directory, String log) throws Exception {
        return Files.readAllLines(segmentOf(directory, log), StandardCharsets.UTF_8);
    }

    private static final class Arrays {
        static byte[] copyOf(byte[] bytes, int length) {
            return java.util.Arrays.copyOf(bytes, length);
        }
    }
}

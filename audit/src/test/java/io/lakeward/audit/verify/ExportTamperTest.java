package io.lakeward.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.audit.TestEvents;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuditJson;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.export.AuditExporter;
import io.lakeward.audit.export.ExportFiles;
import io.lakeward.audit.query.AuditFilter;
import io.lakeward.audit.store.AuditLogId;
import io.lakeward.audit.store.AuditStore;
import io.lakeward.audit.store.AuditStoreConfig;
import io.lakeward.audit.store.ChainRecord;
import io.lakeward.audit.store.SignedCheckpoint;
import io.lakeward.keyvault.signing.AuditSigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampering with an export in every way the issue names makes {@code verify} fail and name the
 * first bad record: modify, delete, insert, reorder, truncate, replace or drop a checkpoint, swap
 * segments between tenants, rewrite the chain with fresh hashes. Positions are varied so that
 * the check holds every time, not only at one place.
 */
class ExportTamperTest {
    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final AuditSigningKey KEY = AuditSigningKey.generate();
    private static final ObjectMapper MAPPER = AuditJson.newMapper();
    @TempDir
    static Path directory;
    private static AuditStore store;
    private static Path acmeExport;
    private static Path globexExport;
    private static long first;
    private static long last;
    private final ExportVerifier verifier = new ExportVerifier();

    @BeforeAll
    static void export() throws Exception {
        store = AuditStore.open(AuditStoreConfig.defaults(directory.resolve("store")).withCheckpointEvents(10)
                .withCheckpointInterval(Duration.ofHours(1)), KEY, Clock.systemUTC());
        for (int batch = 0; batch < 8; batch++) {
            List<AuditEvent> events = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Instant time = START.plusSeconds(batch * 100L + i);
                events.add(TestEvents.event("acme", i % 3 == 0 ? "bob" : "ada", "notebook.read",
                        i % 4 == 0 ? Outcome.DENIED : Outcome.SUCCESS, "/Users/ada/n" + i, time));
                events.add(TestEvents.read("globex", "gus", "/Users/gus/n" + i, time));
            }
            store.append(events).join();
            store.checkpoint(AuditLogId.parse("acme")).join();
            store.checkpoint(AuditLogId.parse("globex")).join();
        }
        AuditExporter exporter = new AuditExporter(store, KEY, directory.resolve("exports"), Clock.systemUTC());
        // a period in the middle: the export widens it to whole signed ranges, with an anchor before them
        AuditFilter period = new AuditFilter(START.plusSeconds(250), START.plusSeconds(650), "sub-ada", null, null, null);
        AuditExporter.ExportResult acme = exporter.export(AuditLogId.parse("acme"), period, id(), "auditor-1");
        AuditExporter.ExportResult globex = exporter.export(AuditLogId.parse("globex"), AuditFilter.between(START, START.plusSeconds(1000)),
                id(), "auditor-2");
        acmeExport = acme.directory();
        globexExport = globex.directory();
        first = acme.firstSequence();
        last = acme.lastSequence();
        assertTrue(first > 1, "the export starts after the first record, so it needs its anchor: " + first);
        assertTrue(acme.viewRecords() > 0 && acme.viewRecords() < acme.records());
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static String id() {
        byte[] bytes = new byte[16];
        new Random().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private VerificationResult verify(Path export) throws IOException {
        return verifier.verify(export, KEY.publicKey());
    }

    /** A copy of the acme export with {@code records.log} rewritten line by line. */
    private Path withRecords(Path target, UnaryOperator<List<String>> change) throws IOException {
        Path copy = copy(acmeExport, target);
        List<String> lines = new ArrayList<>(Files.readAllLines(copy.resolve(ExportFiles.RECORDS)));
        Files.write(copy.resolve(ExportFiles.RECORDS), change.apply(lines));
        return copy;
    }

    private static Path copy(Path from, Path target) throws IOException {
        Path copy = target.resolve("export-" + System.nanoTime());
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    private static void assertFirstBad(long expected, VerificationResult result) {
        assertFalse(result.valid(), "tampering went unnoticed");
        assertEquals(expected, result.firstBadSequence(), result.summary());
        assertTrue(result.summary().contains("sequence " + expected), result.summary());
    }

    private List<Long> positions() {
        return List.of(first, first + 1, first + 9, (first + last) / 2, last - 1, last);
    }

    @Test
    void anUntouchedExportVerifiesAsDirectoryAndAsZip() throws IOException {
        VerificationResult result = verify(acmeExport);
        assertTrue(result.valid(), result.problems().toString());
        assertEquals(last - first + 1, result.records());
        assertTrue(verify(acmeExport.resolveSibling(acmeExport.getFileName() + ".zip")).valid());
        assertTrue(verify(globexExport).valid());
    }

    @Test
    void aModifiedRecordIsNamed(@TempDir Path target) throws IOException {
        for (long sequence : positions()) {
            int index = (int) (sequence - first);
            Path tampered = withRecords(target, lines -> {
                lines.set(index, lines.get(index).replace("notebook.read", "notebook.edit"));
                return lines;
            });
            assertFirstBad(sequence, verify(tampered));
        }
    }

    @Test
    void aDeletedRecordIsNamed(@TempDir Path target) throws IOException {
        for (long sequence : positions()) {
            int index = (int) (sequence - first);
            assertFirstBad(sequence, verify(withRecords(target, lines -> {
                lines.remove(index);
                return lines;
            })));
        }
    }

    @Test
    void anInsertedRecordIsNamed(@TempDir Path target) throws IOException {
        for (long sequence : positions()) {
            int index = (int) (sequence - first);
            // a copy of a record inserted after it, and a forged record with a valid-looking hash
            assertFirstBad(sequence + 1, verify(withRecords(target, lines -> {
                lines.add(index + 1, lines.get(index));
                return lines;
            })));
            assertFirstBad(sequence, verify(withRecords(target, lines -> {
                ChainRecord before = ChainRecord.parse(lines.get(index));
                ChainRecord forged = ChainRecord.next("acme", sequence, before.previousHash(), before.eventJson());
                lines.add(index, new String(forged.line(), StandardCharsets.UTF_8).strip().replace("ada", "eve"));
                return lines;
            })));
        }
    }

    @Test
    void reorderedRecordsAreNamed(@TempDir Path target) throws IOException {
        for (long sequence : List.of(first, first + 4, last - 1)) {
            int index = (int) (sequence - first);
            assertFirstBad(sequence, verify(withRecords(target, lines -> {
                Collections.swap(lines, index, index + 1);
                return lines;
            })));
        }
    }

    @Test
    void aTruncatedExportNamesTheFirstMissingRecord(@TempDir Path target) throws IOException {
        for (int cut : List.of(1, 5, 10, 11)) {
            assertFirstBad(last - cut + 1, verify(withRecords(target, lines -> new ArrayList<>(lines.subList(0, lines.size() - cut)))));
        }
        Path empty = withRecords(target, lines -> new ArrayList<>());
        assertFirstBad(first, verify(empty));
    }

    @Test
    void aRewrittenChainWithFreshHashesIsCaughtByItsCheckpoint(@TempDir Path target) throws IOException {
        long sequence = first + 13;
        VerificationResult result = verify(withRecords(target, lines -> {
            String previous = ChainRecord.parse(lines.get((int) (sequence - first))).previousHash();
            for (int i = (int) (sequence - first); i < lines.size(); i++) {
                ChainRecord original = ChainRecord.parse(lines.get(i));
                byte[] json = i == sequence - first
                        ? original.eventJsonText().replace("notebook.read", "notebook.edit").getBytes(StandardCharsets.UTF_8) : original.eventJson();
                ChainRecord rewritten = ChainRecord.next("acme", original.sequence(), previous, json);
                lines.set(i, new String(rewritten.line(), StandardCharsets.UTF_8).strip());
                previous = rewritten.hash();
            }
            return lines;
        }));
        // the rewrite is invisible record by record; the signed head of the range it starts in is not
        long rangeStart = first + 10;
        assertFirstBad(rangeStart, result);
    }

    @Test
    void aReplacedCheckpointIsCaught(@TempDir Path target) throws IOException {
        Path copy = copy(acmeExport, target);
        List<String> lines = new ArrayList<>(Files.readAllLines(copy.resolve(ExportFiles.CHECKPOINTS)));
        SignedCheckpoint original = MAPPER.readValue(lines.get(2), SignedCheckpoint.class);
        // signed by another key that claims to be the platform's
        AuditSigningKey other = AuditSigningKey.generate();
        SignedCheckpoint forged = SignedCheckpoint.sign("acme", original.firstSequence(), original.lastSequence(), original.chainHead(),
                original.time(), other);
        SignedCheckpoint claimed = new SignedCheckpoint(forged.log(), forged.firstSequence(), forged.lastSequence(), forged.chainHead(),
                forged.time(), KEY.fingerprint(), forged.signature());
        lines.set(2, MAPPER.writeValueAsString(claimed));
        Files.write(copy.resolve(ExportFiles.CHECKPOINTS), lines);
        assertFirstBad(original.firstSequence(), verify(copy));
    }

    @Test
    void aDroppedCheckpointLeavesItsRecordsUncovered(@TempDir Path target) throws IOException {
        for (int index : List.of(1, 2, 3)) {
            Path copy = copy(acmeExport, target);
            List<String> lines = new ArrayList<>(Files.readAllLines(copy.resolve(ExportFiles.CHECKPOINTS)));
            SignedCheckpoint dropped = MAPPER.readValue(lines.remove(index), SignedCheckpoint.class);
            Files.write(copy.resolve(ExportFiles.CHECKPOINTS), lines);
            assertFirstBad(dropped.firstSequence(), verify(copy));
        }
        Path copy = copy(acmeExport, target);
        List<String> lines = new ArrayList<>(Files.readAllLines(copy.resolve(ExportFiles.CHECKPOINTS)));
        lines.remove(0);
        Files.write(copy.resolve(ExportFiles.CHECKPOINTS), lines);
        assertFirstBad(first, verify(copy));
    }

    @Test
    void segmentsSwappedBetweenTenantsAreCaught(@TempDir Path target) throws IOException {
        Path copy = copy(acmeExport, target);
        Files.copy(globexExport.resolve(ExportFiles.RECORDS), copy.resolve(ExportFiles.RECORDS), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(globexExport.resolve(ExportFiles.CHECKPOINTS), copy.resolve(ExportFiles.CHECKPOINTS),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertFirstBad(first, verify(copy));
        // one globex record relabelled as acme's
        Path relabelled = withRecords(target, lines -> {
            int index = 3;
            try {
                String globex = Files.readAllLines(globexExport.resolve(ExportFiles.RECORDS)).get(0);
                ChainRecord record = ChainRecord.parse(globex);
                ChainRecord moved = ChainRecord.parse(lines.get(index));
                lines.set(index, moved.sequence() + "\tacme\t" + moved.previousHash() + "\t" + moved.hash() + "\t" + record.eventJsonText());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return lines;
        });
        assertFirstBad(first + 3, verify(relabelled));
    }

    @Test
    void aChangedViewOrManifestOrKeyFailsEvenWhenTheChainIsIntact(@TempDir Path target) throws IOException {
        Path view = copy(acmeExport, target);
        List<String> lines = new ArrayList<>(Files.readAllLines(view.resolve(ExportFiles.VIEW_JSONL)));
        lines.remove(0);
        Files.write(view.resolve(ExportFiles.VIEW_JSONL), lines);
        VerificationResult result = verify(view);
        assertFalse(result.valid());
        assertNull(result.firstBadSequence(), "the chain itself is intact");

        Path manifest = copy(acmeExport, target);
        String text = Files.readString(manifest.resolve(ExportFiles.MANIFEST)).replace("auditor-1", "auditor-9");
        Files.writeString(manifest.resolve(ExportFiles.MANIFEST), text);
        assertFalse(verify(manifest).valid());

        assertFalse(verifier.verify(acmeExport, AuditSigningKey.generate().publicKey()).valid(), "another key");
    }
}

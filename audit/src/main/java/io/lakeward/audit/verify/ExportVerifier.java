package io.lakeward.audit.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.audit.client.event.AuditJson;
import io.lakeward.audit.export.ExportFiles;
import io.lakeward.audit.store.ChainHash;
import io.lakeward.audit.store.ChainRecord;
import io.lakeward.audit.store.SignedCheckpoint;
import io.lakeward.keyvault.signing.AuditPublicKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Checks an export offline with nothing but the export and the platform's audit public key:
 *
 * <ol>
 *   <li>every checkpoint is signed by that key, names the export's tenant, and the checkpoints
 *       cover consecutive ranges from the anchor to the export's last record;</li>
 *   <li>every record is in sequence, belongs to the tenant (log field, event tenant), links to
 *       the previous hash (starting from the anchor), has the hash its content gives, and ends each
 *       checkpoint range with that checkpoint's signed chain head;</li>
 *   <li>the manifest is signed by the key, and its ranges, heads and file hashes match the files;</li>
 *   <li>every line of the filtered view is, byte for byte, the event of the chain record it names.</li>
 * </ol>
 *
 * The first bad record is named: a record that was modified, deleted, inserted, reordered,
 * truncated away, moved from another tenant, or is not covered by a valid checkpoint.
 */
public final class ExportVerifier {
    private final ObjectMapper mapper = AuditJson.newMapper();

    /** Verifies the export directory or zip at {@code export}. */
    public VerificationResult verify(Path export, AuditPublicKey key) throws IOException {
        if (Files.isRegularFile(export)) {
            Path unpacked = Files.createTempDirectory("lakeward-audit-verify-");
            try {
                return verifyDirectory(unzip(export, unpacked), key);
            } finally {
                deleteRecursively(unpacked);
            }
        }
        return verifyDirectory(export, key);
    }

    private final class Run {
        final List<String> problems = new ArrayList<>();
        Long firstBad;
        String tenant = "?";
        long first = 1;
        long last = 0;
        long records;
        long viewRecords;
        String fingerprint = "?";

        /** A problem with a record: the lowest such sequence is the first bad record, and its problem is listed first. */
        void bad(long sequence, String problem) {
            if (firstBad == null || sequence < firstBad) {
                problems.add(0, "record " + sequence + ": " + problem);
                firstBad = sequence;
            } else {
                problems.add("record " + sequence + ": " + problem);
            }
        }

        void problem(String problem) {
            problems.add(problem);
        }

        VerificationResult result() {
            return new VerificationResult(problems.isEmpty(), firstBad, problems, tenant, first, last, records, viewRecords, fingerprint);
        }
    }

    private VerificationResult verifyDirectory(Path directory, AuditPublicKey key) throws IOException {
        Run run = new Run();
        JsonNode manifest;
        byte[] manifestBytes;
        try {
            manifestBytes = Files.readAllBytes(directory.resolve(ExportFiles.MANIFEST));
            manifest = mapper.readTree(manifestBytes);
        } catch (NoSuchFileException e) {
            run.problem("the export has no " + ExportFiles.MANIFEST);
            return run.result();
        } catch (IOException e) {
            run.problem(ExportFiles.MANIFEST + " is not readable JSON");
            return run.result();
        }
        if (!ExportFiles.FORMAT.equals(manifest.path("format").asText())) {
            run.problem("the manifest is not a " + ExportFiles.FORMAT + " manifest");
            return run.result();
        }
        run.tenant = manifest.path("tenant").asText();
        run.fingerprint = manifest.path("key_fingerprint").asText();
        JsonNode recordsNode = manifest.path("records");
        run.first = recordsNode.path("first_sequence").asLong(1);
        run.last = recordsNode.path("last_sequence").asLong(0);
        if (!key.fingerprint().equals(run.fingerprint)) {
            run.problem("the export is signed by key " + run.fingerprint + ", not by the given key " + key.fingerprint());
        }

        List<SignedCheckpoint> checkpoints = readCheckpoints(directory, run, key);
        String anchorHash = anchor(run, checkpoints, recordsNode);
        String head = checkRecords(directory, run, checkpoints, anchorHash);

        String signature = readSignature(directory);
        if (signature == null || !key.verifiesBase64(manifestBytes, signature)) {
            run.problem("the manifest's signature is missing or not made by the given key");
        }
        checkFileHash(directory, run, ExportFiles.RECORDS, recordsNode.path("sha256").asText());
        checkFileHash(directory, run, ExportFiles.CHECKPOINTS, manifest.path("checkpoints").path("sha256").asText());
        if (recordsNode.path("count").asLong(-1) != run.records) {
            run.problem("the manifest counts " + recordsNode.path("count").asLong(-1) + " records, the export holds " + run.records);
        }
        if (!recordsNode.path("chain_head").asText().equals(head)) {
            run.problem("the manifest's chain head is not the hash of the last record");
        }
        for (JsonNode file : manifest.path("view").path("files")) {
            checkFileHash(directory, run, file.path("file").asText(), file.path("sha256").asText());
        }
        boolean jsonlListed = false;
        for (JsonNode file : manifest.path("view").path("files")) {
            jsonlListed |= ExportFiles.VIEW_JSONL.equals(file.path("file").asText());
        }
        if (jsonlListed || Files.exists(directory.resolve(ExportFiles.VIEW_JSONL))) {
            checkView(directory, run, manifest.path("view").path("records").asLong(-1));
        }
        return run.result();
    }

    private List<SignedCheckpoint> readCheckpoints(Path directory, Run run, AuditPublicKey key) throws IOException {
        List<SignedCheckpoint> checkpoints = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(directory.resolve(ExportFiles.CHECKPOINTS), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            run.problem("the export has no " + ExportFiles.CHECKPOINTS);
            return checkpoints;
        }
        int number = 0;
        for (String line : lines) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            SignedCheckpoint checkpoint;
            try {
                checkpoint = mapper.readValue(line, SignedCheckpoint.class);
            } catch (IOException | IllegalArgumentException e) {
                run.problem("checkpoint line " + number + " is unreadable");
                continue;
            }
            if (!checkpoint.log().equals(run.tenant)) {
                run.problem("checkpoint " + checkpoint.firstSequence() + "-" + checkpoint.lastSequence() + " belongs to log " + checkpoint.log()
                        + ", not to tenant " + run.tenant);
                continue;
            }
            if (!checkpoint.verifiesWith(key)) {
                run.problem("checkpoint " + checkpoint.firstSequence() + "-" + checkpoint.lastSequence() + " has no valid signature of the given key");
                continue;
            }
            checkpoints.add(checkpoint);
        }
        checkpoints.sort(Comparator.comparingLong(SignedCheckpoint::firstSequence));
        return checkpoints;
    }

    /** The hash the first record must link to: the genesis, or the signed head of the checkpoint just before it. */
    private static String anchor(Run run, List<SignedCheckpoint> checkpoints, JsonNode recordsNode) {
        if (run.first == 1) {
            return ChainHash.GENESIS;
        }
        for (SignedCheckpoint checkpoint : checkpoints) {
            if (checkpoint.lastSequence() == run.first - 1) {
                if (!checkpoint.chainHead().equals(recordsNode.path("anchor_hash").asText())) {
                    run.problem("the manifest's anchor hash is not the signed head of checkpoint " + checkpoint.firstSequence() + "-"
                            + checkpoint.lastSequence());
                }
                return checkpoint.chainHead();
            }
        }
        run.bad(run.first, "no valid signed checkpoint anchors the first record (none ends at " + (run.first - 1) + ")");
        return recordsNode.path("anchor_hash").asText(ChainHash.GENESIS);
    }

    /** Checks the chain; returns the hash of the last intact record (the anchor if there is none). */
    private String checkRecords(Path directory, Run run, List<SignedCheckpoint> checkpoints, String anchorHash) throws IOException {
        Map<Long, SignedCheckpoint> byLast = new HashMap<>();
        Map<Long, SignedCheckpoint> byFirst = new HashMap<>();
        for (SignedCheckpoint checkpoint : checkpoints) {
            byLast.put(checkpoint.lastSequence(), checkpoint);
            byFirst.put(checkpoint.firstSequence(), checkpoint);
        }
        long expected = run.first;
        String previous = anchorHash;
        SignedCheckpoint current = byFirst.get(expected);
        long rangeStart = expected;
        boolean chainBroken = false;
        Path file = directory.resolve(ExportFiles.RECORDS);
        if (!Files.exists(file)) {
            run.problem("the export has no " + ExportFiles.RECORDS);
            return previous;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                run.records++;
                ChainRecord record;
                try {
                    record = ChainRecord.parse(line);
                } catch (IllegalArgumentException e) {
                    run.bad(expected, "unreadable (" + e.getMessage() + ")");
                    return previous;
                }
                if (record.sequence() != expected) {
                    run.bad(expected, record.sequence() < expected
                            ? "found record " + record.sequence() + " again or out of order where " + expected + " belongs"
                            : "missing (the next record is " + record.sequence() + ")");
                    return previous;
                }
                if (!record.log().equals(run.tenant)) {
                    run.bad(expected, "belongs to log " + record.log() + ", not to tenant " + run.tenant);
                    return previous;
                }
                String eventTenant = record.eventTenant();
                if (!run.tenant.equals(eventTenant)) {
                    run.bad(expected, "its event names tenant " + eventTenant + ", not " + run.tenant);
                    return previous;
                }
                if (!record.previousHash().equals(previous)) {
                    run.bad(expected, "does not link to record " + (expected - 1) + " (previous hash differs)");
                    return previous;
                }
                if (!record.hashMatches()) {
                    run.bad(expected, "was modified (its hash does not match its content)");
                    return previous;
                }
                if (current == null && !chainBroken) {
                    run.bad(expected, "is not covered by a valid signed checkpoint");
                    chainBroken = true;
                }
                SignedCheckpoint ending = byLast.get(expected);
                if (ending != null) {
                    if (!ending.chainHead().equals(record.hash())) {
                        run.bad(ending.firstSequence(), "records " + ending.firstSequence() + "-" + expected
                                + " do not match their signed checkpoint (the chain was rewritten in this range)");
                        return previous;
                    }
                    current = byFirst.get(expected + 1);
                    rangeStart = expected + 1;
                }
                previous = record.hash();
                expected++;
            }
        }
        if (expected - 1 < run.last) {
            run.bad(expected, "missing: the export ends at record " + (expected - 1) + " but its manifest covers up to " + run.last);
        } else if (expected - 1 > run.last) {
            run.bad(run.last + 1, "is beyond the range the manifest covers (" + run.first + "-" + run.last + ")");
        } else if (run.records > 0 && byLast.get(run.last) == null) {
            run.bad(rangeStart, "records " + rangeStart + "-" + run.last + " are not covered by a valid signed checkpoint");
        }
        return previous;
    }

    /**
     * Every view line must be {@code {"sequence":N,"record_hash":"H","event":E}} where record N of
     * the chain has hash H and event JSON E, byte for byte. Both files are in sequence order, so
     * they are read side by side (an export of millions of records needs no memory for this).
     */
    private void checkView(Path directory, Run run, long declared) throws IOException {
        Path file = directory.resolve(ExportFiles.VIEW_JSONL);
        if (!Files.exists(file)) {
            run.problem("the export has no " + ExportFiles.VIEW_JSONL + " although its manifest lists it");
            return;
        }
        Pattern prefix = Pattern.compile("\\{\"sequence\":(\\d{1,19}),\"record_hash\":\"([0-9a-f]{64})\",\"event\":");
        try (BufferedReader view = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             BufferedReader chain = Files.newBufferedReader(directory.resolve(ExportFiles.RECORDS), StandardCharsets.UTF_8)) {
            String line;
            ChainRecord record = null;
            while ((line = view.readLine()) != null) {
                run.viewRecords++;
                Matcher matcher = prefix.matcher(line);
                if (!matcher.lookingAt() || !line.endsWith("}")) {
                    run.problem("view line " + run.viewRecords + " is not a view record");
                    return;
                }
                long sequence = Long.parseLong(matcher.group(1));
                while (record == null || record.sequence() < sequence) {
                    String next = chain.readLine();
                    if (next == null) {
                        run.problem("view line " + run.viewRecords + " names record " + sequence + ", which the export does not hold (or not in order)");
                        return;
                    }
                    try {
                        record = ChainRecord.parse(next);
                    } catch (IllegalArgumentException e) {
                        return; // reported by the record checks
                    }
                }
                String event = line.substring(matcher.end(), line.length() - 1);
                if (record.sequence() != sequence || !record.hash().equals(matcher.group(2)) || !record.eventJsonText().equals(event)) {
                    run.problem("view line " + run.viewRecords + " differs from record " + sequence + " of the chain");
                    return;
                }
            }
        }
        if (declared != run.viewRecords) {
            run.problem("the manifest counts " + declared + " view records, the view holds " + run.viewRecords);
        }
    }

    private static void checkFileHash(Path directory, Run run, String name, String expected) throws IOException {
        if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            run.problem("the manifest names a file outside the export: " + name);
            return;
        }
        Path file = directory.resolve(name);
        if (!Files.exists(file)) {
            run.problem("the export has no " + name);
            return;
        }
        MessageDigest digest = ChainHash.newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        if (!HexFormat.of().formatHex(digest.digest()).equals(expected)) {
            run.problem(name + " does not have the hash the manifest lists");
        }
    }

    private static String readSignature(Path directory) throws IOException {
        try {
            return Files.readString(directory.resolve(ExportFiles.MANIFEST_SIGNATURE)).strip();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Unpacks the zip's one top directory into {@code target}, refusing entries that would land outside it. */
    private static Path unzip(Path zip, Path target) throws IOException {
        Path top = null;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                Path destination = target.resolve(entry.getName()).normalize();
                if (!destination.startsWith(target) || entry.isDirectory()) {
                    continue;
                }
                Files.createDirectories(destination.getParent());
                Files.copy(in, destination);
                if (top == null) {
                    top = destination.getParent();
                }
            }
        }
        return top == null ? target : top;
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}

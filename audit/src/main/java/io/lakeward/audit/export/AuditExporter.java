package io.lakeward.audit.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuditJson;
import io.lakeward.audit.query.AuditFilter;
import io.lakeward.audit.store.AuditLogId;
import io.lakeward.audit.store.AuditStore;
import io.lakeward.audit.store.ChainHash;
import io.lakeward.audit.store.ChainRecord;
import io.lakeward.audit.store.LogState;
import io.lakeward.audit.store.SignedCheckpoint;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.keyvault.signing.AuditSigningKey;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes an export of one tenant's log for a period: the <b>whole</b> signed sequence ranges that
 * hold the period's events (so the chain can be checked end to end), the checkpoints that sign
 * them and the one before them (the anchor), the filtered view as JSON Lines and CSV, a PDF
 * report, and a manifest listing file hashes, sequence ranges, chain heads, checkpoint
 * signatures and the key fingerprint, itself signed with the audit key ({@code manifest.sig}).
 * {@code lakeward audit verify} checks it with nothing but the public key. Blocking: run it on a
 * worker.
 */
public final class AuditExporter {
    private static final Pattern EXPORT_ID = Pattern.compile("[0-9a-f]{32}");
    private static final int CHECKPOINT_WAIT_SECONDS = 30;

    private final AuditStore store;
    private final AuditSigningKey key;
    private final Path root;
    private final Clock clock;
    private final ObjectMapper mapper = AuditJson.newMapper();

    public AuditExporter(AuditStore store, AuditSigningKey key, Path root, Clock clock) {
        this.store = store;
        this.key = key;
        this.root = root;
        this.clock = clock;
    }

    /** What an export produced. */
    public record ExportResult(String exportId, Path directory, Path zip, long firstSequence, long lastSequence, long records,
                               long viewRecords, ObjectNode manifest) {
    }

    /** Exports {@code log} for the filter's period with every view format; {@code exportId} is 32 hexadecimal digits. */
    public ExportResult export(AuditLogId log, AuditFilter filter, String exportId, String requestedBy) {
        return export(log, filter, java.util.EnumSet.allOf(ViewFormat.class), exportId, requestedBy);
    }

    /** Exports {@code log} for the filter's period with the given view formats. */
    public ExportResult export(AuditLogId log, AuditFilter filter, java.util.Set<ViewFormat> formats, String exportId, String requestedBy) {
        if (!EXPORT_ID.matcher(exportId).matches()) {
            throw new IllegalArgumentException("an export id is 32 hexadecimal digits");
        }
        try {
            // sign everything stored so far, so that the whole exported range is covered by checkpoints
            store.checkpoint(log).get(CHECKPOINT_WAIT_SECONDS, TimeUnit.SECONDS);
            Path directory = directoryOf(log, exportId);
            Files.createDirectories(directory);
            LogState state = store.state(log).orElse(null);
            Range range = state == null ? Range.EMPTY : range(log, state, filter);
            return write(log, filter, formats, exportId, requestedBy, directory, state, range);
        } catch (IOException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the export could not be written", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE, "the export was interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE, "the audit log could not be checkpointed for the export", e);
        }
    }

    /** The directory of an export of {@code log}; exports of one tenant never share a directory with another's. */
    public Path directoryOf(AuditLogId log, String exportId) {
        if (!EXPORT_ID.matcher(exportId).matches()) {
            throw LakewardException.notFound("no such export");
        }
        return root.resolve(log.value()).resolve(exportId);
    }

    /** The zip of an export of {@code log}, if it exists. */
    public Optional<Path> zipOf(AuditLogId log, String exportId) {
        Path zip = directoryOf(log, exportId).resolveSibling(exportId + ".zip");
        return Files.isRegularFile(zip) ? Optional.of(zip) : Optional.empty();
    }

    private record Range(long first, long last, String anchorHash, SignedCheckpoint anchor, List<SignedCheckpoint> checkpoints) {
        static final Range EMPTY = new Range(1, 0, ChainHash.GENESIS, null, List.of());

        boolean isEmpty() {
            return last < first;
        }
    }

    /** The smallest run of whole checkpoint ranges that holds every event of the period. */
    private Range range(AuditLogId log, LogState state, AuditFilter filter) {
        long[] bounds = {Long.MAX_VALUE, Long.MIN_VALUE};
        for (LogState.SegmentSpan segment : state.segments()) {
            if (segment.maxTime() == null || segment.maxTime().isBefore(filter.from()) || !segment.minTime().isBefore(filter.to())) {
                continue;
            }
            store.read(log, segment.firstSequence(), Math.min(segment.lastSequence(), state.checkpointedThrough()), record -> {
                Instant time = record.time();
                if (time != null && filter.inRange(time)) {
                    bounds[0] = Math.min(bounds[0], record.sequence());
                    bounds[1] = Math.max(bounds[1], record.sequence());
                }
            });
        }
        if (bounds[0] == Long.MAX_VALUE) {
            return Range.EMPTY;
        }
        SignedCheckpoint firstCheckpoint = state.checkpointCovering(bounds[0]).orElseThrow();
        SignedCheckpoint lastCheckpoint = state.checkpointCovering(bounds[1]).orElseThrow();
        List<SignedCheckpoint> covering = new ArrayList<>();
        SignedCheckpoint anchor = null;
        for (SignedCheckpoint checkpoint : state.checkpoints()) {
            if (checkpoint.lastSequence() == firstCheckpoint.firstSequence() - 1) {
                anchor = checkpoint;
            }
            if (checkpoint.firstSequence() >= firstCheckpoint.firstSequence() && checkpoint.lastSequence() <= lastCheckpoint.lastSequence()) {
                covering.add(checkpoint);
            }
        }
        String anchorHash = anchor == null ? ChainHash.GENESIS : anchor.chainHead();
        if (anchor == null && firstCheckpoint.firstSequence() != 1) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "no signed checkpoint anchors record " + firstCheckpoint.firstSequence());
        }
        return new Range(firstCheckpoint.firstSequence(), lastCheckpoint.lastSequence(), anchorHash, anchor, covering);
    }

    private ExportResult write(AuditLogId log, AuditFilter filter, java.util.Set<ViewFormat> formats, String exportId, String requestedBy,
                               Path directory, LogState state, Range range) throws IOException {
        boolean jsonlView = formats.contains(ViewFormat.JSONL);
        boolean csvView = formats.contains(ViewFormat.CSV);
        boolean pdfView = formats.contains(ViewFormat.PDF);
        ReportStatistics statistics = new ReportStatistics(filter);
        long[] counts = {0, 0};
        MessageDigest recordsDigest = ChainHash.newDigest();
        MessageDigest jsonlDigest = ChainHash.newDigest();
        MessageDigest csvDigest = ChainHash.newDigest();
        String[] head = {range.anchorHash()};
        try (OutputStream records = digesting(directory.resolve(ExportFiles.RECORDS), recordsDigest);
             OutputStream jsonl = jsonlView ? digesting(directory.resolve(ExportFiles.VIEW_JSONL), jsonlDigest) : OutputStream.nullOutputStream();
             OutputStream csv = csvView ? digesting(directory.resolve(ExportFiles.VIEW_CSV), csvDigest) : OutputStream.nullOutputStream()) {
            if (csvView) {
                csv.write(CsvView.HEADER);
            }
            if (!range.isEmpty()) {
                store.read(log, range.first(), range.last(), record -> {
                    try {
                        records.write(record.line());
                        counts[0]++;
                        head[0] = record.hash();
                        Instant time = record.time();
                        if (time == null || !filter.inRange(time)) {
                            return;
                        }
                        AuditEvent event = mapper.readValue(record.eventJson(), AuditEvent.class);
                        if (!filter.matches(event)) {
                            return;
                        }
                        counts[1]++;
                        if (pdfView) {
                            statistics.add(event);
                        }
                        if (jsonlView) {
                            jsonl.write(viewLine(record));
                        }
                        if (csvView) {
                            csv.write(CsvView.row(record.sequence(), record.hash(), event));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (counts[0] != (range.isEmpty() ? 0 : range.last() - range.first() + 1)) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the audit log changed under the export (retention?); retry");
        }
        List<SignedCheckpoint> checkpoints = new ArrayList<>();
        if (range.anchor() != null) {
            checkpoints.add(range.anchor());
        }
        checkpoints.addAll(range.checkpoints());
        StringBuilder checkpointLines = new StringBuilder();
        for (SignedCheckpoint checkpoint : checkpoints) {
            checkpointLines.append(mapper.writeValueAsString(checkpoint)).append('\n');
        }
        byte[] checkpointBytes = checkpointLines.toString().getBytes(StandardCharsets.UTF_8);
        Files.write(directory.resolve(ExportFiles.CHECKPOINTS), checkpointBytes);
        Instant created = clock.instant();
        byte[] pdf = pdfView ? PdfReport.render(log, filter, created, statistics, range.first(), range.last(), key.fingerprint()) : null;
        if (pdfView) {
            Files.write(directory.resolve(ExportFiles.REPORT_PDF), pdf);
        }
        Files.writeString(directory.resolve(ExportFiles.PUBLIC_KEY), key.publicKey().toPem());

        ObjectNode manifest = mapper.createObjectNode();
        manifest.put("format", ExportFiles.FORMAT);
        manifest.put("export_id", exportId);
        manifest.put("tenant", log.value());
        manifest.put("created", created.toString());
        manifest.put("requested_by", requestedBy);
        manifest.put("key_fingerprint", key.fingerprint());
        ObjectNode period = manifest.putObject("period");
        period.put("start_time", filter.from().toString());
        period.put("end_time", filter.to().toString());
        ObjectNode chain = manifest.putObject("records");
        chain.put("file", ExportFiles.RECORDS);
        chain.put("sha256", HexFormat.of().formatHex(recordsDigest.digest()));
        chain.put("first_sequence", range.first());
        chain.put("last_sequence", range.last());
        chain.put("count", counts[0]);
        chain.put("anchor_hash", range.anchorHash());
        chain.put("chain_head", head[0]);
        ObjectNode checkpointsNode = manifest.putObject("checkpoints");
        checkpointsNode.put("file", ExportFiles.CHECKPOINTS);
        checkpointsNode.put("sha256", ChainHash.sha256(checkpointBytes));
        ArrayNode list = checkpointsNode.putArray("entries");
        for (SignedCheckpoint checkpoint : checkpoints) {
            ObjectNode entry = list.addObject();
            entry.put("first_sequence", checkpoint.firstSequence());
            entry.put("last_sequence", checkpoint.lastSequence());
            entry.put("chain_head", checkpoint.chainHead());
            entry.put("time", checkpoint.time().toString());
            entry.put("signature", checkpoint.signature());
        }
        ObjectNode view = manifest.putObject("view");
        ObjectNode criteria = view.putObject("filter");
        filter.describe().forEach(criteria::put);
        view.put("records", counts[1]);
        ArrayNode files = view.putArray("files");
        if (jsonlView) {
            files.addObject().put("file", ExportFiles.VIEW_JSONL).put("sha256", HexFormat.of().formatHex(jsonlDigest.digest()));
        }
        if (csvView) {
            files.addObject().put("file", ExportFiles.VIEW_CSV).put("sha256", HexFormat.of().formatHex(csvDigest.digest()));
        }
        if (pdfView) {
            files.addObject().put("file", ExportFiles.REPORT_PDF).put("sha256", ChainHash.sha256(pdf));
        }
        byte[] manifestBytes = mapper.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(manifest);
        Files.write(directory.resolve(ExportFiles.MANIFEST), manifestBytes);
        Files.writeString(directory.resolve(ExportFiles.MANIFEST_SIGNATURE), key.signBase64(manifestBytes) + "\n");
        Path zip = zip(directory, exportId);
        return new ExportResult(exportId, directory, zip, range.first(), range.last(), counts[0], counts[1], manifest);
    }

    /** One line of the JSON Lines view: the record's place in the chain, and the event exactly as stored. */
    private static byte[] viewLine(ChainRecord record) {
        byte[] head = ("{\"sequence\":" + record.sequence() + ",\"record_hash\":\"" + record.hash() + "\",\"event\":")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[head.length + record.eventJson().length + 2];
        System.arraycopy(head, 0, line, 0, head.length);
        System.arraycopy(record.eventJson(), 0, line, head.length, record.eventJson().length);
        line[line.length - 2] = '}';
        line[line.length - 1] = '\n';
        return line;
    }

    private static OutputStream digesting(Path file, MessageDigest digest) throws IOException {
        return new BufferedOutputStream(new DigestOutputStream(Files.newOutputStream(file), digest), 256 * 1024);
    }

    private static Path zip(Path directory, String exportId) throws IOException {
        Path zip = directory.resolveSibling(exportId + ".zip");
        Path temporary = directory.resolveSibling(exportId + ".zip.tmp");
        try (ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(temporary), 256 * 1024))) {
            for (String name : List.of(ExportFiles.MANIFEST, ExportFiles.MANIFEST_SIGNATURE, ExportFiles.RECORDS, ExportFiles.CHECKPOINTS,
                    ExportFiles.VIEW_JSONL, ExportFiles.VIEW_CSV, ExportFiles.REPORT_PDF, ExportFiles.PUBLIC_KEY)) {
                if (!Files.exists(directory.resolve(name))) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(exportId + "/" + name));
                Files.copy(directory.resolve(name), out);
                out.closeEntry();
            }
        }
        Files.move(temporary, zip, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return zip;
    }
}

package io.lakeward.audit.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.keyvault.signing.AuditPublicKey;
import io.lakeward.keyvault.signing.AuditSigningKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One log's hash chain in a directory of its own: append-only segment files
 * ({@code segment-<first sequence, 20 digits>.log}, lines as in {@link ChainRecord}) and
 * {@code checkpoints.log} (one {@link SignedCheckpoint} as JSON per line). A segment is sealed
 * only right after a checkpoint, so every segment starts where a checkpoint ended and can be
 * exported or deleted (retention) as whole signed ranges.
 *
 * <p>Written by the store's writer thread alone; readers see the immutable {@link View} published
 * after each fsync, so they never read bytes that are not durable.
 */
final class TenantLog {
    static final String CHECKPOINTS_FILE = "checkpoints.log";
    private static final Pattern SEGMENT_NAME = Pattern.compile("segment-(\\d{20})\\.log");

    /** A segment as readers see it: its durable size and what it holds. */
    record Segment(long base, Path path, long size, long lastSequence, Instant minTime, Instant maxTime) {
        boolean isEmpty() {
            return lastSequence < base;
        }
    }

    /** An immutable picture of the log's durable state. */
    record View(AuditLogId id, List<Segment> segments, long lastSequence, String lastHash, List<SignedCheckpoint> checkpoints) {
        long firstSequence() {
            return segments.isEmpty() ? lastSequence + 1 : segments.get(0).base();
        }

        long checkpointedThrough() {
            return checkpoints.isEmpty() ? 0 : checkpoints.get(checkpoints.size() - 1).lastSequence();
        }

        /** The checkpoint covering {@code sequence}, if any. */
        Optional<SignedCheckpoint> checkpointCovering(long sequence) {
            int low = 0;
            int high = checkpoints.size() - 1;
            while (low <= high) {
                int middle = (low + high) >>> 1;
                SignedCheckpoint checkpoint = checkpoints.get(middle);
                if (checkpoint.lastSequence() < sequence) {
                    low = middle + 1;
                } else if (checkpoint.firstSequence() > sequence) {
                    high = middle - 1;
                } else {
                    return Optional.of(checkpoint);
                }
            }
            return Optional.empty();
        }
    }

    private final AuditLogId id;
    private final Path directory;
    private final ObjectMapper mapper;
    private final long segmentBytes;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final List<SignedCheckpoint> checkpoints = new ArrayList<>();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(64 * 1024);
    private final List<TornTail> tornTails = new ArrayList<>();

    private FileChannel active;
    private long activeBase;
    private long activeSize;
    private Instant activeMinTime;
    private Instant activeMaxTime;
    private long lastSequence;
    private String lastHash = ChainHash.GENESIS;
    private FileChannel checkpointChannel;
    private long checkpointSize;
    private long stagedSinceCheckpoint;
    private Instant lastCheckpointAt;
    private volatile View view;

    private TenantLog(AuditLogId id, Path directory, ObjectMapper mapper, long segmentBytes) {
        this.id = id;
        this.directory = directory;
        this.mapper = mapper;
        this.segmentBytes = segmentBytes;
    }

    /**
     * Opens the log in {@code directory} (creating it if needed) and checks all of it: every line,
     * every link of the chain, every checkpoint's signature and head. A torn tail of the last
     * segment or of the checkpoints file (a write a crash cut short, never acknowledged) is cut and
     * kept aside ({@link #tornTails()}); any other damage refuses to open, naming the first bad
     * record, because re-basing the chain would hide it.
     */
    static TenantLog open(AuditLogId id, Path directory, ObjectMapper mapper, long segmentBytes, AuditPublicKey key, Instant now) throws IOException {
        TenantLog log = new TenantLog(id, directory, mapper, segmentBytes);
        Files.createDirectories(directory);
        log.recoverCheckpoints(key);
        log.recoverSegments();
        log.lastCheckpointAt = now;
        log.publish();
        return log;
    }

    AuditLogId id() {
        return id;
    }

    View view() {
        return view;
    }

    List<TornTail> tornTails() {
        return List.copyOf(tornTails);
    }

    long lastSequence() {
        return lastSequence;
    }

    /** Adds the next record to the pending bytes; durable only after {@link #flush()}. */
    ChainRecord stage(byte[] eventJson, Instant time) {
        ChainRecord record = ChainRecord.next(id.value(), lastSequence + 1, lastHash, eventJson);
        pending.writeBytes(record.line());
        lastSequence = record.sequence();
        lastHash = record.hash();
        stagedSinceCheckpoint++;
        if (activeMinTime == null || time.isBefore(activeMinTime)) {
            activeMinTime = time;
        }
        if (activeMaxTime == null || time.isAfter(activeMaxTime)) {
            activeMaxTime = time;
        }
        return record;
    }

    boolean hasPending() {
        return pending.size() > 0;
    }

    /** Writes the pending records and fsyncs them; then readers see them. */
    void flush() throws IOException {
        if (pending.size() == 0) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap(pending.toByteArray());
        while (bytes.hasRemaining()) {
            activeSize += active.write(bytes, activeSize);
        }
        active.force(false);
        pending.reset();
        publish();
    }

    /** Whether a checkpoint is due: {@code everyEvents} records since the last, or {@code interval} passed with any. */
    boolean checkpointDue(Instant now, long everyEvents, java.time.Duration interval) {
        long uncovered = lastSequence - checkpointedThrough();
        return uncovered > 0 && (stagedSinceCheckpoint >= everyEvents || !now.isBefore(lastCheckpointAt.plus(interval)));
    }

    /**
     * Signs and stores a checkpoint over every record since the last one (records must be flushed),
     * then seals the segment if it is full. Returns the newest checkpoint, empty if the log has none.
     */
    Optional<SignedCheckpoint> checkpoint(Instant now, AuditSigningKey key) throws IOException {
        if (hasPending()) {
            throw new IllegalStateException("flush before checkpointing");
        }
        lastCheckpointAt = now;
        stagedSinceCheckpoint = 0;
        long from = checkpointedThrough() + 1;
        if (lastSequence < from) {
            return checkpoints.isEmpty() ? Optional.empty() : Optional.of(checkpoints.get(checkpoints.size() - 1));
        }
        SignedCheckpoint checkpoint = SignedCheckpoint.sign(id.value(), from, lastSequence, lastHash, now, key);
        byte[] line = (mapper.writeValueAsString(checkpoint) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.wrap(line);
        while (bytes.hasRemaining()) {
            checkpointSize += checkpointChannel.write(bytes, checkpointSize);
        }
        checkpointChannel.force(false);
        checkpoints.add(checkpoint);
        if (activeSize >= segmentBytes) {
            roll();
        }
        publish();
        return Optional.of(checkpoint);
    }

    private long checkpointedThrough() {
        return checkpoints.isEmpty() ? firstBase() - 1 : checkpoints.get(checkpoints.size() - 1).lastSequence();
    }

    private long firstBase() {
        return segments.isEmpty() ? activeBase : segments.firstKey();
    }

    /**
     * Deletes sealed segments whose every record is older than {@code cutoff} and signed; the
     * checkpoints stay, so the first remaining record is still anchored. Returns what was deleted.
     */
    List<Segment> deleteSegmentsOlderThan(Instant cutoff) throws IOException {
        List<Segment> deleted = new ArrayList<>();
        for (Segment segment : new ArrayList<>(segments.values())) {
            if (segment.base() == activeBase) {
                break;
            }
            if (segment.maxTime() == null || !segment.maxTime().isBefore(cutoff) || segment.lastSequence() > checkpointedThrough()) {
                break;
            }
            Files.deleteIfExists(segment.path());
            segments.remove(segment.base());
            deleted.add(segment);
        }
        if (!deleted.isEmpty()) {
            syncDirectory(directory);
            publish();
        }
        return deleted;
    }

    void close() {
        closeQuietly(active);
        closeQuietly(checkpointChannel);
    }

    /** Reads the durable records {@code from..to} (inclusive) of {@code view} in order. */
    static void read(View view, long from, long to, Consumer<ChainRecord> consumer) throws IOException {
        for (Segment segment : view.segments()) {
            if (segment.isEmpty() || segment.lastSequence() < from) {
                continue;
            }
            if (segment.base() > to) {
                break;
            }
            try (SegmentLines lines = new SegmentLines(segment.path(), segment.size())) {
                while (lines.next()) {
                    ChainRecord record = ChainRecord.parse(lines.line, lines.length);
                    if (record.sequence() > to) {
                        return;
                    }
                    if (record.sequence() >= from) {
                        consumer.accept(record);
                    }
                }
            }
        }
    }

    /** Copies the durable record lines {@code from..to} verbatim into {@code out}; returns how many. */
    static long copyLines(View view, long from, long to, java.io.OutputStream out, Consumer<ChainRecord> each) throws IOException {
        long[] count = {0};
        IOException[] failure = {null};
        read(view, from, to, record -> {
            try {
                out.write(record.line());
                each.accept(record);
                count[0]++;
            } catch (IOException e) {
                failure[0] = e;
                throw new java.io.UncheckedIOException(e);
            }
        });
        return count[0];
    }

    // --- recovery -------------------------------------------------------------------------------

    private void recoverCheckpoints(AuditPublicKey key) throws IOException {
        Path file = directory.resolve(CHECKPOINTS_FILE);
        if (!Files.exists(file)) {
            checkpointChannel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            syncDirectory(directory);
            checkpointSize = 0;
            return;
        }
        long size = Files.size(file);
        long goodEnd = 0;
        try (SegmentLines lines = new SegmentLines(file, size)) {
            while (lines.next()) {
                SignedCheckpoint checkpoint = null;
                if (lines.complete) {
                    try {
                        checkpoint = mapper.readValue(lines.line, 0, lines.length, SignedCheckpoint.class);
                    } catch (IOException | IllegalArgumentException e) {
                        checkpoint = null;
                    }
                }
                if (checkpoint == null) {
                    long badOffset = lines.offset;
                    if (restHasCompleteLine(lines)) {
                        throw damaged("checkpoint at offset " + badOffset + " of " + file.getFileName() + " is unreadable");
                    }
                    goodEnd = badOffset;
                    cutTail(file, goodEnd, size);
                    break;
                }
                if (!checkpoint.log().equals(id.value()) || !checkpoint.verifiesWith(key)) {
                    throw damaged("checkpoint " + checkpoint.firstSequence() + "-" + checkpoint.lastSequence()
                            + " is not signed by the platform's audit key for this log");
                }
                if (!checkpoints.isEmpty() && checkpoint.firstSequence() != checkpoints.get(checkpoints.size() - 1).lastSequence() + 1) {
                    throw damaged("checkpoint " + checkpoint.firstSequence() + "-" + checkpoint.lastSequence() + " does not follow the one before it");
                }
                checkpoints.add(checkpoint);
                goodEnd = lines.offset + lines.length + 1;
            }
        }
        checkpointChannel = FileChannel.open(file, StandardOpenOption.WRITE);
        checkpointSize = goodEnd;
    }

    /** Whether any complete line follows the current (bad) one: then it is damage, not a torn tail. */
    private static boolean restHasCompleteLine(SegmentLines lines) throws IOException {
        while (lines.next()) {
            if (lines.complete && lines.length > 0) {
                return true;
            }
        }
        return false;
    }

    private void recoverSegments() throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "segment-*.log")) {
            for (Path path : stream) {
                Matcher matcher = SEGMENT_NAME.matcher(path.getFileName().toString());
                if (matcher.matches()) {
                    files.put(Long.parseLong(matcher.group(1)), path);
                }
            }
        }
        if (files.isEmpty()) {
            long base = checkpoints.isEmpty() ? 1 : checkpoints.get(checkpoints.size() - 1).lastSequence() + 1;
            lastSequence = base - 1;
            lastHash = checkpoints.isEmpty() ? ChainHash.GENESIS : checkpoints.get(checkpoints.size() - 1).chainHead();
            createSegment(base);
            return;
        }
        long expected = files.firstKey();
        String previous = anchorOf(expected);
        int checkpointIndex = indexOfCheckpointAfter(expected - 1);
        for (var entry : files.entrySet()) {
            long base = entry.getKey();
            Path path = entry.getValue();
            boolean last = base == files.lastKey();
            if (base != expected) {
                throw damaged("segment " + path.getFileName() + " should start at record " + expected);
            }
            long size = Files.size(path);
            Instant minTime = null;
            Instant maxTime = null;
            long goodEnd = 0;
            try (SegmentLines lines = new SegmentLines(path, size)) {
                while (lines.next()) {
                    ChainRecord record = null;
                    String problem = null;
                    if (!lines.complete) {
                        problem = "incomplete line";
                    } else {
                        try {
                            record = ChainRecord.parse(lines.line, lines.length);
                            if (record.sequence() != expected) {
                                problem = "sequence " + record.sequence() + " where " + expected + " belongs";
                            } else if (!record.log().equals(id.value())) {
                                problem = "the record belongs to log " + record.log();
                            } else if (!record.previousHash().equals(previous)) {
                                problem = "its previous hash does not match record " + (expected - 1);
                            } else if (!record.hashMatches()) {
                                problem = "its hash does not match its content";
                            }
                        } catch (IllegalArgumentException e) {
                            problem = e.getMessage();
                        }
                    }
                    if (problem != null) {
                        long badOffset = lines.offset;
                        if (last && !restHasCompleteLine(lines)) {
                            cutTail(path, badOffset, size);
                            break;
                        }
                        throw damaged("record " + expected + " (" + path.getFileName() + ", offset " + badOffset + "): " + problem);
                    }
                    Instant time = record.time();
                    if (time != null && (minTime == null || time.isBefore(minTime))) {
                        minTime = time;
                    }
                    if (time != null && (maxTime == null || time.isAfter(maxTime))) {
                        maxTime = time;
                    }
                    while (checkpointIndex < checkpoints.size() && checkpoints.get(checkpointIndex).lastSequence() == expected) {
                        if (!checkpoints.get(checkpointIndex).chainHead().equals(record.hash())) {
                            throw damaged("records " + checkpoints.get(checkpointIndex).firstSequence() + "-" + expected
                                    + " do not match their signed checkpoint");
                        }
                        checkpointIndex++;
                    }
                    previous = record.hash();
                    expected++;
                    goodEnd = lines.offset + lines.length + 1;
                }
            }
            segments.put(base, new Segment(base, path, goodEnd, expected - 1, minTime, maxTime));
            if (last) {
                activeBase = base;
                activeSize = goodEnd;
                activeMinTime = minTime;
                activeMaxTime = maxTime;
                active = FileChannel.open(path, StandardOpenOption.WRITE);
            }
        }
        lastSequence = expected - 1;
        lastHash = previous;
        if (!checkpoints.isEmpty() && checkpoints.get(checkpoints.size() - 1).lastSequence() > lastSequence) {
            throw damaged("the signed checkpoints cover records up to " + checkpoints.get(checkpoints.size() - 1).lastSequence()
                    + ", but the log ends at " + lastSequence + ": record " + (lastSequence + 1) + " is missing");
        }
    }

    /** The hash before record {@code first}: the genesis, or the head of the checkpoint ending right before it. */
    private String anchorOf(long first) {
        if (first == 1) {
            return ChainHash.GENESIS;
        }
        for (SignedCheckpoint checkpoint : checkpoints) {
            if (checkpoint.lastSequence() == first - 1) {
                return checkpoint.chainHead();
            }
        }
        throw damaged("the first segment starts at record " + first + " but no signed checkpoint ends at record " + (first - 1));
    }

    private int indexOfCheckpointAfter(long sequence) {
        int index = 0;
        while (index < checkpoints.size() && checkpoints.get(index).lastSequence() <= sequence) {
            index++;
        }
        return index;
    }

    private void cutTail(Path file, long offset, long size) throws IOException {
        Path quarantine = file.resolveSibling(file.getFileName() + ".torn-" + offset);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            try (FileChannel copy = FileChannel.open(quarantine, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.transferTo(offset, size - offset, copy);
                copy.force(true);
            }
            channel.truncate(offset);
            channel.force(true);
        }
        syncDirectory(directory);
        tornTails.add(new TornTail(id, file.getFileName().toString(), offset, size - offset, quarantine));
    }

    private void roll() throws IOException {
        segments.put(activeBase, new Segment(activeBase, segments.get(activeBase).path(), activeSize, lastSequence, activeMinTime, activeMaxTime));
        active.close();
        createSegment(lastSequence + 1);
    }

    private void createSegment(long base) throws IOException {
        Path path = directory.resolve(String.format("segment-%020d.log", base));
        active = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        syncDirectory(directory);
        activeBase = base;
        activeSize = 0;
        activeMinTime = null;
        activeMaxTime = null;
        segments.put(base, new Segment(base, path, 0, base - 1, null, null));
    }

    /** Publishes the durable state to readers; called only when nothing is pending (after a flush, a checkpoint, recovery). */
    private void publish() {
        segments.put(activeBase, new Segment(activeBase, segments.get(activeBase).path(), activeSize, lastSequence, activeMinTime, activeMaxTime));
        view = new View(id, List.copyOf(segments.values()), lastSequence, lastHash, List.copyOf(checkpoints));
    }

    private LakewardException damaged(String detail) {
        return new LakewardException(ErrorCode.INTERNAL_ERROR, "audit log " + id + " is damaged: " + detail
                + "; it is left untouched for inspection (the chain is never re-based)");
    }

    static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: some file systems cannot sync a directory
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception e) {
            // closing at shutdown
        }
    }
}

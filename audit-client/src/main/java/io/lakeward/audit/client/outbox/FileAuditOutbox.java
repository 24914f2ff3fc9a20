package io.lakeward.audit.client.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuditJson;
import io.lakeward.audit.client.outbox.RecordFormat.StoredRecord;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AuditOutbox} in a directory of append-only segment files (format: {@link RecordFormat};
 * module README, "Outbox format").
 *
 * <p><b>Group commit.</b> Appenders serialize their event to JSON on their own thread and queue it;
 * one writer thread takes everything queued (up to a batch limit), writes it as checksummed
 * records with one write, calls {@code FileChannel.force} once for the whole batch and only then
 * completes the batch's futures. Concurrent appenders thus share fsyncs: the more of them, the
 * larger the batches. Futures complete on the writer thread, so dependent actions must not block
 * (use the {@code *Async} variants, or {@code Future.fromCompletionStage(stage, context)} in Vert.x).
 *
 * <p><b>Back-pressure.</b> The queue is bounded in events and bytes. {@link #append} never blocks:
 * when the queue is full its future fails at once with {@code RESOURCE_EXHAUSTED}, so an event-loop
 * caller is never stalled; the caller must then refuse the audited action (fail closed).
 *
 * <p><b>Failures.</b> If a write or fsync fails, the state of the unsynced bytes is unknown (after
 * a failed fsync the kernel may have dropped them), so the outbox stops: the batch and everything
 * queued fail with {@code TEMPORARILY_UNAVAILABLE}, as does every later append, until it is reopened
 * and recovery has checked the segments.
 *
 * <p><b>Recovery</b> at {@link #open}: see {@link OutboxRecovery}; what it did is in {@link #recoveryReport()}.
 * One process at a time: the directory is locked while open.
 */
public final class FileAuditOutbox implements AuditOutbox {
    static final String LOCK_FILE_NAME = "outbox.lock";
    private static final Logger LOG = LoggerFactory.getLogger(FileAuditOutbox.class);

    private final FileAuditOutboxConfig config;
    private final Path directory;
    private final Syncer syncer;
    private final ObjectMapper mapper = AuditJson.newMapper();
    private final FileChannel lockChannel;
    private final RecoveryReport recoveryReport;
    /** Every segment file by base sequence; the highest is the one being written. */
    private final ConcurrentSkipListMap<Long, Path> segments;

    // the queue between appenders and the writer, guarded by queueLock
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition queueNotEmpty = queueLock.newCondition();
    private final ArrayDeque<PendingAppend> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean closing;
    private LakewardException failure;

    // owned by the writer thread once it runs (by open() before)
    private FileChannel activeChannel;
    private long activeBase;
    private long activeSize;
    private long nextSequence;
    private ByteBuffer writeBuffer = ByteBuffer.allocate(64 * 1024);

    // what readers may see: only synced bytes
    private volatile DurableMark durable;
    private final ReentrantLock durableLock = new ReentrantLock();
    private final Condition durableAdvanced = durableLock.newCondition();
    private volatile ReadHint readHint;

    private final ReentrantLock shippingLock = new ReentrantLock();
    private volatile long shippedThrough;

    private final AtomicLong appendedEvents = new AtomicLong();
    private final AtomicLong writtenBatches = new AtomicLong();
    private final AtomicLong forceCalls = new AtomicLong();

    private final Thread writer;
    private volatile boolean closed;

    private record PendingAppend(byte[] payload, CompletableFuture<Void> future) {
    }

    /** The synced end of the outbox: readers never look past it. */
    private record DurableMark(long activeBase, long activeEnd, long lastSequence) {
    }

    /** Where the last read stopped, so that the next read from there needs no scan. */
    private record ReadHint(long segmentBase, long sequence, long offset) {
    }

    private FileAuditOutbox(FileAuditOutboxConfig config, Path directory, Syncer syncer, FileChannel lockChannel,
            long shippedThrough, boolean checkpointDiscarded, OutboxRecovery.Result recovered) throws IOException {
        this.config = config;
        this.directory = directory;
        this.syncer = syncer;
        this.lockChannel = lockChannel;
        this.shippedThrough = shippedThrough;
        this.segments = new ConcurrentSkipListMap<>(recovered.segments());
        openActiveSegment(recovered.lastSequence(), shippedThrough);
        if (!recovered.salvaged().isEmpty()) {
            writeBatch(recovered.salvaged());
        }
        this.durable = new DurableMark(activeBase, activeSize, nextSequence - 1);
        this.recoveryReport = new RecoveryReport(segments.size(), recovered.records() + recovered.salvaged().size(),
                nextSequence - 1, shippedThrough, checkpointDiscarded, recovered.damages());
        this.writer = new Thread(this::runWriter, "audit-outbox-writer");
        this.writer.setDaemon(true);
    }

    /** Opens (creating it if needed) the outbox in {@code config.directory()}, recovering what a crash left. */
    public static FileAuditOutbox open(FileAuditOutboxConfig config) {
        return open(config, Syncer.FORCE);
    }

    static FileAuditOutbox open(FileAuditOutboxConfig config, Syncer syncer) {
        Path directory = config.directory().toAbsolutePath();
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(directory.resolve(LOCK_FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (!tryLock(lockChannel)) {
                throw new LakewardException(ErrorCode.RESOURCE_CONFLICT,
                        "the audit outbox in " + directory + " is already open (in this or another process)");
            }
            long shippedThrough = -1;
            boolean checkpointDiscarded = false;
            try {
                shippedThrough = Checkpoint.read(directory).orElse(-1);
            } catch (Checkpoint.CorruptCheckpointException e) {
                LOG.warn("audit outbox {}: {}; every event still stored will ship again (the audit service deduplicates on event id)",
                        directory, e.getMessage());
                checkpointDiscarded = true;
            }
            OutboxRecovery.Result recovered = OutboxRecovery.recover(directory, shippedThrough);
            FileAuditOutbox outbox = new FileAuditOutbox(config, directory, syncer, lockChannel, shippedThrough, checkpointDiscarded, recovered);
            outbox.writer.start();
            LOG.info("audit outbox {} opened: {} segments, {} records, last sequence {}, shipped through {}",
                    directory, outbox.recoveryReport.segments(), outbox.recoveryReport.records(),
                    outbox.recoveryReport.lastSequence(), shippedThrough);
            return outbox;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the audit outbox in " + directory + " cannot be opened", e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    private static boolean tryLock(FileChannel lockChannel) throws IOException {
        try {
            FileLock lock = lockChannel.tryLock();
            return lock != null;
        } catch (OverlappingFileLockException e) {
            return false;
        }
    }

    /** What recovery found and repaired when this outbox was opened. */
    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    public Path directory() {
        return directory;
    }

    public OutboxStats stats() {
        int queued;
        queueLock.lock();
        try {
            queued = queue.size();
        } finally {
            queueLock.unlock();
        }
        return new OutboxStats(appendedEvents.get(), writtenBatches.get(), forceCalls.get(), queued, durable.lastSequence(), shippedThrough);
    }

    @Override
    public CompletableFuture<Void> append(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        byte[] payload;
        try {
            payload = mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(new LakewardException(ErrorCode.INTERNAL_ERROR, "the audit event cannot be serialized", e));
        }
        if (payload.length > config.maxEventBytes()) {
            return CompletableFuture.failedFuture(LakewardException.invalidParameter(
                    "the audit event is " + payload.length + " bytes; the outbox takes at most " + config.maxEventBytes()));
        }
        PendingAppend pending = new PendingAppend(payload, new CompletableFuture<>());
        queueLock.lock();
        try {
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            if (closing) {
                return CompletableFuture.failedFuture(
                        new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE, "the audit outbox is closed"));
            }
            if (queue.size() >= config.queueCapacity() || queuedBytes + payload.length > config.queueCapacityBytes()) {
                return CompletableFuture.failedFuture(new LakewardException(ErrorCode.RESOURCE_EXHAUSTED,
                        "the audit outbox is full (" + queue.size() + " events wait for the disk); retry later"));
            }
            queue.addLast(pending);
            queuedBytes += payload.length;
            queueNotEmpty.signal();
        } finally {
            queueLock.unlock();
        }
        return pending.future();
    }

    private void runWriter() {
        List<PendingAppend> batch = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        try {
            while (takeBatch(batch)) {
                payloads.clear();
                for (PendingAppend pending : batch) {
                    payloads.add(pending.payload());
                }
                try {
                    writeBatch(payloads);
                } catch (IOException | RuntimeException e) {
                    stopAfterFailure(batch, e);
                    batch.clear();
                    continue;
                }
                appendedEvents.addAndGet(batch.size());
                writtenBatches.incrementAndGet();
                for (PendingAppend pending : batch) {
                    pending.future().complete(null);
                }
                batch.clear();
            }
        } catch (Throwable e) {
            stopAfterFailure(batch, e);
            throw e;
        } finally {
            closeQuietly(activeChannel);
        }
    }

    /** Waits for queued appends and moves a batch of them into {@code batch}; false once closing and drained. */
    private boolean takeBatch(List<PendingAppend> batch) {
        queueLock.lock();
        try {
            while (queue.isEmpty() && !closing) {
                queueNotEmpty.awaitUninterruptibly();
            }
            if (queue.isEmpty()) {
                return false;
            }
            long bytes = 0;
            while (!queue.isEmpty() && batch.size() < config.maxBatchEvents()) {
                PendingAppend next = queue.peekFirst();
                if (!batch.isEmpty() && bytes + next.payload().length > config.maxBatchBytes()) {
                    break;
                }
                batch.add(queue.pollFirst());
                bytes += next.payload().length;
            }
            queuedBytes -= bytes;
            return true;
        } finally {
            queueLock.unlock();
        }
    }

    private void stopAfterFailure(List<PendingAppend> batch, Throwable cause) {
        LOG.error("audit outbox {}: writing or syncing a segment failed; refusing appends until the outbox is reopened", directory, cause);
        LakewardException error = new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                "the audit outbox could not store the event; it refuses appends until it is reopened", cause);
        List<PendingAppend> failed = new ArrayList<>(batch);
        queueLock.lock();
        try {
            if (failure == null) {
                failure = error;
            }
            failed.addAll(queue);
            queue.clear();
            queuedBytes = 0;
        } finally {
            queueLock.unlock();
        }
        for (PendingAppend pending : failed) {
            pending.future().completeExceptionally(error);
        }
    }

    /** Writes the payloads as the next records, rolling segments at the size limit, and syncs them. */
    private void writeBatch(List<byte[]> payloads) throws IOException {
        ByteBuffer buffer = writeBuffer;
        buffer.clear();
        boolean unsynced = false;
        for (byte[] payload : payloads) {
            int recordBytes = RecordFormat.HEADER_BYTES + payload.length;
            long segmentEnd = activeSize + buffer.position();
            if (segmentEnd > 0 && segmentEnd + recordBytes > config.segmentBytes()) {
                flush(buffer);
                if (unsynced) {
                    force();
                    unsynced = false;
                    publishDurable();
                }
                roll();
            }
            if (buffer.remaining() < recordBytes) {
                buffer = grow(buffer, recordBytes);
            }
            RecordFormat.write(buffer, nextSequence++, payload);
            unsynced = true;
        }
        flush(buffer);
        if (unsynced) {
            force();
            publishDurable();
        }
    }

    private ByteBuffer grow(ByteBuffer buffer, int needed) {
        int capacity = Math.max(buffer.capacity() * 2, buffer.position() + needed);
        ByteBuffer larger = ByteBuffer.allocate(capacity);
        buffer.flip();
        larger.put(buffer);
        // keep a large buffer only up to the batch limit; a rare huge batch should not pin memory
        if (capacity <= config.maxBatchBytes() + RecordFormat.HEADER_BYTES * config.maxBatchEvents()) {
            writeBuffer = larger;
        }
        return larger;
    }

    private void flush(ByteBuffer buffer) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            activeSize += activeChannel.write(buffer, activeSize);
        }
        buffer.clear();
    }

    private void force() throws IOException {
        forceCalls.incrementAndGet();
        syncer.force(activeChannel);
    }

    private void roll() throws IOException {
        activeChannel.close();
        LOG.debug("audit outbox {}: segment {} sealed at {} bytes", directory, activeBase, activeSize);
        createSegment(nextSequence);
    }

    private void createSegment(long baseSequence) throws IOException {
        Path path = directory.resolve(RecordFormat.segmentFileName(baseSequence));
        activeChannel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        // the new file's directory entry must be durable before any record in it counts as durable
        Checkpoint.syncDirectory(directory);
        activeBase = baseSequence;
        activeSize = 0;
        segments.put(baseSequence, path);
    }

    /** Continues the last segment, or starts one where the sequence must continue. */
    private void openActiveSegment(long lastSequence, long shippedThrough) throws IOException {
        if (segments.isEmpty()) {
            nextSequence = Math.max(lastSequence, shippedThrough) + 1;
            createSegment(nextSequence);
            return;
        }
        // bases increase past every earlier record, so the last segment holds lastSequence or is empty
        long continueAt = Math.max(segments.lastKey(), lastSequence + 1);
        if (continueAt <= shippedThrough) {
            // damage removed records that had already shipped: never reuse their sequences,
            // or new events would count as shipped
            nextSequence = shippedThrough + 1;
            createSegment(nextSequence);
            return;
        }
        nextSequence = continueAt;
        activeBase = segments.lastKey();
        activeChannel = FileChannel.open(segments.get(activeBase), StandardOpenOption.WRITE);
        activeSize = activeChannel.size();
    }

    private void publishDurable() {
        durable = new DurableMark(activeBase, activeSize, nextSequence - 1);
        durableLock.lock();
        try {
            durableAdvanced.signalAll();
        } finally {
            durableLock.unlock();
        }
    }

    @Override
    public List<OutboxEntry> read(long fromSequence, int maxEntries) {
        ensureOpen();
        List<OutboxEntry> entries = new ArrayList<>();
        DurableMark mark = durable;
        if (maxEntries <= 0 || fromSequence > mark.lastSequence()) {
            return entries;
        }
        NavigableMap<Long, Path> readable = segments.headMap(mark.activeBase(), true);
        Long first = readable.floorKey(Math.max(fromSequence, 0));
        if (first == null) {
            first = readable.isEmpty() ? null : readable.firstKey();
        }
        if (first == null) {
            return entries;
        }
        for (Map.Entry<Long, Path> segment : readable.tailMap(first, true).entrySet()) {
            long base = segment.getKey();
            try (FileChannel channel = FileChannel.open(segment.getValue(), StandardOpenOption.READ)) {
                long end = base == mark.activeBase() ? mark.activeEnd() : channel.size();
                readSegment(segment.getValue(), channel, base, end, fromSequence, maxEntries, entries);
            } catch (NoSuchFileException shippedAndDeleted) {
                continue;
            } catch (IOException e) {
                throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the audit outbox cannot be read", e);
            }
            if (entries.size() >= maxEntries) {
                break;
            }
        }
        return entries;
    }

    private void readSegment(Path path, FileChannel channel, long base, long end, long fromSequence, int maxEntries,
            List<OutboxEntry> entries) throws IOException {
        long offset = 0;
        long sequence = base;
        ReadHint hint = readHint;
        if (hint != null && hint.segmentBase() == base && hint.sequence() <= fromSequence && hint.offset() <= end) {
            offset = hint.offset();
            sequence = hint.sequence();
        }
        SegmentReader reader = new SegmentReader(channel, end);
        while (offset < end && entries.size() < maxEntries) {
            StoredRecord record = RecordFormat.read(reader, offset);
            if (record == null || record.sequence() != sequence) {
                throw new LakewardException(ErrorCode.INTERNAL_ERROR, "audit outbox segment " + path
                        + " is damaged at offset " + offset + "; reopen the outbox to recover it");
            }
            if (record.sequence() >= fromSequence) {
                entries.add(new OutboxEntry(record.sequence(), parse(path, record)));
            }
            offset = record.end();
            sequence++;
        }
        readHint = new ReadHint(base, sequence, offset);
    }

    private AuditEvent parse(Path path, StoredRecord record) {
        try {
            return mapper.readValue(record.payload(), AuditEvent.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR,
                    "audit outbox record " + record.sequence() + " in " + path + " is not a readable audit event", e);
        }
    }

    @Override
    public long shippedThrough() {
        return shippedThrough;
    }

    @Override
    public void markShipped(long sequence) {
        shippingLock.lock();
        try {
            ensureOpen();
            if (sequence <= shippedThrough) {
                return;
            }
            long last = durable.lastSequence();
            if (sequence > last) {
                throw new IllegalArgumentException("sequence " + sequence + " is not in the outbox (it ends at " + last + ")");
            }
            Checkpoint.write(directory, sequence);
            shippedThrough = sequence;
            deleteShippedSegments(sequence);
        } catch (IOException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the audit outbox cannot persist its shipped position", e);
        } finally {
            shippingLock.unlock();
        }
    }

    /** Deletes every segment whose records all lie at or before {@code sequence}; never the one being written. */
    private void deleteShippedSegments(long sequence) throws IOException {
        List<Long> bases = new ArrayList<>(segments.keySet());
        boolean deleted = false;
        for (int i = 0; i + 1 < bases.size(); i++) {
            // every record of segment i comes before segment i+1's base
            if (bases.get(i + 1) - 1 > sequence) {
                break;
            }
            Path path = segments.remove(bases.get(i));
            Files.deleteIfExists(path);
            deleted = true;
            LOG.debug("audit outbox {}: deleted shipped segment {}", directory, path.getFileName());
        }
        if (deleted) {
            Checkpoint.syncDirectory(directory);
        }
    }

    @Override
    public boolean awaitDurable(long sequence, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        durableLock.lock();
        try {
            while (durable.lastSequence() < sequence) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || closed) {
                    return false;
                }
                durableAdvanced.awaitNanos(remaining);
            }
            return true;
        } finally {
            durableLock.unlock();
        }
    }

    @Override
    public void close() {
        queueLock.lock();
        try {
            closing = true;
            queueNotEmpty.signalAll();
        } finally {
            queueLock.unlock();
        }
        if (Thread.currentThread() == writer) {
            // close() from an append's completion callback: the writer finishes the queue after the callback
            throw new IllegalStateException("close the audit outbox from another thread than its writer");
        }
        try {
            writer.join(config.closeTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.error("audit outbox {}: queued events did not reach the disk within {}; their appends fail", directory, config.closeTimeout());
            stopAfterFailure(List.of(), new IOException("the writer did not finish within " + config.closeTimeout()));
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        durableLock.lock();
        try {
            durableAdvanced.signalAll();
        } finally {
            durableLock.unlock();
        }
        closeQuietly(lockChannel);
        LOG.info("audit outbox {} closed: {} events appended with {} fsyncs since it opened", directory, appendedEvents.get(), forceCalls.get());
    }

    private void ensureOpen() {
        if (closed) {
            throw new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE, "the audit outbox is closed");
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("closing {} failed", closeable, e);
        }
    }

    @Override
    public String toString() {
        return "FileAuditOutbox[" + directory + "]";
    }

    /** For tests: waits (bounded) until the writer thread has ended. */
    boolean awaitWriterStopped(long timeout, TimeUnit unit) throws InterruptedException {
        writer.join(unit.toMillis(timeout));
        return !writer.isAlive();
    }

    static TreeMap<Long, Path> segmentFiles(Path directory) throws IOException {
        return OutboxRecovery.listSegments(directory);
    }

    static OptionalLong readCheckpoint(Path directory) throws IOException {
        return Checkpoint.read(directory);
    }
}

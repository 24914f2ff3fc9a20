package io.lakeward.audit.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.audit.client.event.Actor;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuditJson;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.event.Source;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import io.lakeward.keyvault.signing.AuditPublicKey;
import io.lakeward.keyvault.signing.AuditSigningKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: one append-only, hash-chained {@link TenantLog} per tenant (and one for the
 * platform), with signed checkpoints every N records or T seconds.
 *
 * <p><b>Durable before acknowledged.</b> {@link #append} serializes on the caller's thread and
 * queues; one writer thread takes everything queued, drops events whose id is already stored
 * (idempotent: the outboxes deliver at least once), stages the records of every log touched,
 * writes and fsyncs each of those logs once, and only then completes the futures (group commit).
 * A failed write or fsync stops the store: the kernel may have dropped the unsynced pages, so it
 * refuses appends until it is reopened and recovery has checked the files.
 *
 * <p><b>Recovery</b> at {@link #open}: every log is checked record by record (see
 * {@link TenantLog#open}); a torn tail is cut, kept aside and recorded in the chain as an
 * {@code audit.log_recovered} event; other damage refuses to open. Starting and stopping are
 * recorded too ({@code audit.logging_started}, {@code audit.logging_stopped}) in every log, so
 * each tenant's auditors see when logging ran (PCI DSS 10.2.1.6).
 */
public final class AuditStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditStore.class);
    static final String LOGS = "logs";
    private static final String LOCK_FILE = "store.lock";

    private final AuditStoreConfig config;
    private final AuditSigningKey key;
    private final Clock clock;
    private final ObjectMapper mapper = AuditJson.newMapper();
    private final Map<AuditLogId, TenantLog> logs = new ConcurrentHashMap<>();
    private final EventIdSet ids = new EventIdSet();
    private final FileChannel lockChannel;
    private final List<TornTail> recovered = new ArrayList<>();

    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition queueNotEmpty = queueLock.newCondition();
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    private int queuedEvents;
    private boolean closing;
    private LakewardException failure;
    private final Thread writer;
    private volatile boolean closed;
    private final ReentrantLock appendedLock = new ReentrantLock();
    private final Condition appended = appendedLock.newCondition();

    private record Staged(AuditLogId log, String eventId, byte[] json, Instant time) {
    }

    private sealed interface Task permits AppendTask, CheckpointTask, RetentionTask {
    }

    private record AppendTask(List<Staged> events, CompletableFuture<AppendResult> future) implements Task {
    }

    private record CheckpointTask(AuditLogId log, CompletableFuture<Optional<SignedCheckpoint>> future) implements Task {
    }

    private record RetentionTask(java.util.function.Function<AuditLogId, Instant> cutoff, CompletableFuture<Map<AuditLogId, Integer>> future)
            implements Task {
    }

    private AuditStore(AuditStoreConfig config, AuditSigningKey key, Clock clock, FileChannel lockChannel) {
        this.config = config;
        this.key = key;
        this.clock = clock;
        this.lockChannel = lockChannel;
        this.writer = new Thread(this::runWriter, "audit-store-writer");
        this.writer.setDaemon(true);
    }

    /** Opens the store in {@code config.directory()}, checking and recovering every log. */
    public static AuditStore open(AuditStoreConfig config, AuditSigningKey key, Clock clock) {
        Path directory = config.directory().toAbsolutePath();
        FileChannel lock = null;
        try {
            Files.createDirectories(directory.resolve(LOGS));
            lock = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock held;
            try {
                held = lock.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                held = null;
            }
            if (held == null) {
                throw new LakewardException(ErrorCode.RESOURCE_CONFLICT, "the audit store in " + directory + " is already open");
            }
            AuditStore store = new AuditStore(config, key, clock, lock);
            store.recover(directory.resolve(LOGS));
            store.writer.start();
            store.recordStart();
            return store;
        } catch (IOException e) {
            closeQuietly(lock);
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the audit store in " + directory + " cannot be opened", e);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
    }

    private void recover(Path logsDirectory) throws IOException {
        Instant now = clock.instant();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(logsDirectory)) {
            for (Path path : stream) {
                if (!Files.isDirectory(path)) {
                    continue;
                }
                AuditLogId id;
                try {
                    id = AuditLogId.parse(path.getFileName().toString());
                } catch (IllegalArgumentException e) {
                    LOG.warn("audit store: ignoring {}, which names no log", path);
                    continue;
                }
                TenantLog log = TenantLog.open(id, path, mapper, config.segmentBytes(), key.publicKey(), now);
                logs.put(id, log);
                recovered.addAll(log.tornTails());
                TenantLog.View view = log.view();
                TenantLog.read(view, view.firstSequence(), view.lastSequence(), record -> {
                    String eventId = record.eventId();
                    if (eventId != null && eventId.length() == 32) {
                        ids.add(eventId);
                    }
                });
            }
        }
        for (TornTail tail : recovered) {
            LOG.warn("audit log {}: cut a torn tail of {} bytes at offset {} of {} (a write a crash interrupted, never acknowledged); kept in {}",
                    tail.log(), tail.bytes(), tail.offset(), tail.file(), tail.quarantine());
        }
        LOG.info("audit store opened: {} logs, {} events", logs.size(), ids.size());
    }

    private void recordStart() {
        List<AuditEvent> events = new ArrayList<>();
        for (TornTail tail : recovered) {
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("file", tail.file());
            parameters.put("offset", Long.toString(tail.offset()));
            parameters.put("bytes", Long.toString(tail.bytes()));
            parameters.put("quarantine", tail.quarantine().getFileName().toString());
            events.add(systemEvent(tail.log(), "audit.log_recovered", parameters, Outcome.ERROR));
        }
        for (AuditLogId id : logIdsWithPlatform()) {
            events.add(systemEvent(id, "audit.logging_started", Map.of(), Outcome.SUCCESS));
        }
        append(events).join();
    }

    /** The event the store records about itself in {@code log}. */
    public static AuditEvent systemEvent(AuditLogId log, String action, Map<String, String> parameters, Outcome outcome) {
        AuditEvent.Builder event = AuditEvent.builder()
                .service(PlatformService.AUDIT)
                .action(action)
                .actor(Actor.system("audit-store"))
                .source(Source.of(null, null))
                .requestId(RequestId.random())
                .requestParameters(parameters)
                .outcome(outcome);
        return (log.isPlatform() ? event.platformLevel() : event.tenant(TenantId.of(log.value()))).build();
    }

    private Set<AuditLogId> logIdsWithPlatform() {
        Set<AuditLogId> ids = new LinkedHashSet<>();
        ids.add(AuditLogId.PLATFORM);
        ids.addAll(logs.keySet());
        return ids;
    }

    /** Torn tails recovery cut when this store opened. */
    public List<TornTail> recoveredTornTails() {
        return List.copyOf(recovered);
    }

    public AuditPublicKey publicKey() {
        return key.publicKey();
    }

    AuditSigningKey signingKey() {
        return key;
    }

    /**
     * Stores the events durably; the future completes after their fsync with how many were new.
     * Never blocks: a full queue fails the future at once with {@code RESOURCE_EXHAUSTED}.
     */
    public CompletableFuture<AppendResult> append(List<AuditEvent> events) {
        List<Staged> staged = new ArrayList<>(events.size());
        for (AuditEvent event : events) {
            byte[] json;
            try {
                json = mapper.writeValueAsBytes(event);
            } catch (JsonProcessingException e) {
                return CompletableFuture.failedFuture(new LakewardException(ErrorCode.INTERNAL_ERROR, "an audit event cannot be serialized", e));
            }
            staged.add(new Staged(AuditLogId.of(event.tenantId()), event.eventId().value(), json, event.time()));
        }
        CompletableFuture<AppendResult> future = new CompletableFuture<>();
        queueLock.lock();
        try {
            LakewardException refused = refusal();
            if (refused != null) {
                return CompletableFuture.failedFuture(refused);
            }
            if (queuedEvents + staged.size() > config.queueCapacity() && queuedEvents > 0) {
                return CompletableFuture.failedFuture(new LakewardException(ErrorCode.RESOURCE_EXHAUSTED,
                        "the audit store is busy (" + queuedEvents + " events wait for the disk); retry later"));
            }
            queue.addLast(new AppendTask(staged, future));
            queuedEvents += staged.size();
            queueNotEmpty.signal();
        } finally {
            queueLock.unlock();
        }
        return future;
    }

    /** Signs a checkpoint over the log's records not yet covered, now; the newest checkpoint of the log, if it has any. */
    public CompletableFuture<Optional<SignedCheckpoint>> checkpoint(AuditLogId log) {
        CompletableFuture<Optional<SignedCheckpoint>> future = new CompletableFuture<>();
        return enqueue(new CheckpointTask(log, future), future);
    }

    /** Deletes, in every log, the sealed segments whose records are all older than {@code cutoff}; segments deleted per log. */
    public CompletableFuture<Map<AuditLogId, Integer>> applyRetention(Instant cutoff) {
        return applyRetention(log -> cutoff);
    }

    /** Deletes, in every log, the sealed segments whose records are all older than that log's cutoff; segments deleted per log. */
    public CompletableFuture<Map<AuditLogId, Integer>> applyRetention(java.util.function.Function<AuditLogId, Instant> cutoff) {
        CompletableFuture<Map<AuditLogId, Integer>> future = new CompletableFuture<>();
        return enqueue(new RetentionTask(cutoff, future), future);
    }

    private <T> CompletableFuture<T> enqueue(Task task, CompletableFuture<T> future) {
        queueLock.lock();
        try {
            LakewardException refused = refusal();
            if (refused != null) {
                return CompletableFuture.failedFuture(refused);
            }
            queue.addLast(task);
            queueNotEmpty.signal();
        } finally {
            queueLock.unlock();
        }
        return future;
    }

    private LakewardException refusal() {
        if (failure != null) {
            return failure;
        }
        if (closing) {
            return new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE, "the audit store is closed");
        }
        return null;
    }

    /** The logs that exist. */
    public Set<AuditLogId> logIds() {
        return Set.copyOf(logs.keySet());
    }

    /** The durable state of {@code log}, if it exists. */
    public Optional<LogState> state(AuditLogId log) {
        TenantLog tenantLog = logs.get(log);
        return tenantLog == null ? Optional.empty() : Optional.of(new LogState(tenantLog.view()));
    }

    /** Reads the durable records {@code from..to} of {@code log} in sequence order, on the caller's thread (blocking I/O). */
    public void read(AuditLogId log, long from, long to, Consumer<ChainRecord> consumer) {
        TenantLog tenantLog = logs.get(log);
        if (tenantLog == null) {
            return;
        }
        try {
            TenantLog.read(tenantLog.view(), from, to, consumer);
        } catch (IOException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the audit log cannot be read", e);
        }
    }

    /** Waits until the next batch of new records is durable, or the timeout passes; true if one was. */
    public boolean awaitAppend(java.time.Duration timeout) throws InterruptedException {
        appendedLock.lock();
        try {
            return appended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            appendedLock.unlock();
        }
    }

    // --- the writer -----------------------------------------------------------------------------

    private void runWriter() {
        List<Task> tasks = new ArrayList<>();
        try {
            while (takeTasks(tasks)) {
                try {
                    process(tasks);
                } catch (IOException | RuntimeException e) {
                    stopAfterFailure(tasks, e);
                }
                tasks.clear();
            }
        } catch (Throwable e) {
            stopAfterFailure(tasks, e);
            throw e;
        } finally {
            logs.values().forEach(TenantLog::close);
        }
    }

    /** Waits for tasks (at most until a checkpoint may be due) and takes a batch; false once closing and drained. */
    private boolean takeTasks(List<Task> tasks) {
        queueLock.lock();
        try {
            if (queue.isEmpty() && !closing) {
                try {
                    queueNotEmpty.await(Math.max(50, config.checkpointInterval().toMillis() / 4), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (queue.isEmpty() && closing) {
                return false;
            }
            int events = 0;
            while (!queue.isEmpty()) {
                Task next = queue.peekFirst();
                int size = next instanceof AppendTask append ? append.events().size() : 0;
                if (!tasks.isEmpty() && events + size > config.maxBatchEvents()) {
                    break;
                }
                tasks.add(queue.pollFirst());
                events += size;
            }
            queuedEvents -= events;
            return true;
        } finally {
            queueLock.unlock();
        }
    }

    private void process(List<Task> tasks) throws IOException {
        Instant now = clock.instant();
        Set<TenantLog> touched = new LinkedHashSet<>();
        List<AppendResult> results = new ArrayList<>();
        for (Task task : tasks) {
            if (task instanceof AppendTask append) {
                int stored = 0;
                int duplicates = 0;
                for (Staged event : append.events()) {
                    if (!ids.add(event.eventId())) {
                        duplicates++;
                        continue;
                    }
                    TenantLog log = logFor(event.log(), now);
                    log.stage(event.json(), event.time());
                    touched.add(log);
                    stored++;
                }
                results.add(new AppendResult(stored, duplicates));
            }
        }
        for (TenantLog log : touched) {
            log.flush();
        }
        int index = 0;
        for (Task task : tasks) {
            if (task instanceof AppendTask append) {
                append.future().complete(results.get(index++));
            }
        }
        if (!touched.isEmpty()) {
            appendedLock.lock();
            try {
                appended.signalAll();
            } finally {
                appendedLock.unlock();
            }
        }
        for (Task task : tasks) {
            if (task instanceof CheckpointTask checkpoint) {
                TenantLog log = logs.get(checkpoint.log());
                checkpoint.future().complete(log == null ? Optional.empty() : log.checkpoint(now, key));
            } else if (task instanceof RetentionTask retention) {
                retention.future().complete(retain(retention.cutoff()));
            }
        }
        for (TenantLog log : logs.values()) {
            if (log.checkpointDue(now, config.checkpointEvents(), config.checkpointInterval())) {
                log.checkpoint(now, key);
            }
        }
    }

    private Map<AuditLogId, Integer> retain(java.util.function.Function<AuditLogId, Instant> cutoff) throws IOException {
        Map<AuditLogId, Integer> deleted = new LinkedHashMap<>();
        for (TenantLog log : logs.values()) {
            int count = log.deleteSegmentsOlderThan(cutoff.apply(log.id())).size();
            if (count > 0) {
                deleted.put(log.id(), count);
            }
        }
        return deleted;
    }

    private TenantLog logFor(AuditLogId id, Instant now) throws IOException {
        TenantLog log = logs.get(id);
        if (log == null) {
            log = TenantLog.open(id, config.directory().resolve(LOGS).resolve(id.value()), mapper, config.segmentBytes(), key.publicKey(), now);
            TenantLog.syncDirectory(config.directory().resolve(LOGS));
            logs.put(id, log);
        }
        return log;
    }

    private void stopAfterFailure(List<Task> tasks, Throwable cause) {
        LOG.error("audit store: writing or syncing failed; refusing appends until the store is reopened", cause);
        LakewardException error = new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                "the audit store could not store the events; it refuses appends until it is reopened", cause);
        List<Task> failed = new ArrayList<>(tasks);
        queueLock.lock();
        try {
            if (failure == null) {
                failure = error;
            }
            failed.addAll(queue);
            queue.clear();
            queuedEvents = 0;
        } finally {
            queueLock.unlock();
        }
        for (Task task : failed) {
            if (task instanceof AppendTask append) {
                append.future().completeExceptionally(error);
            } else if (task instanceof CheckpointTask checkpoint) {
                checkpoint.future().completeExceptionally(error);
            } else if (task instanceof RetentionTask retention) {
                retention.future().completeExceptionally(error);
            }
        }
    }

    /** Records the stop in every log, checkpoints them all, and closes. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            List<AuditEvent> stops = new ArrayList<>();
            for (AuditLogId id : logIdsWithPlatform()) {
                stops.add(systemEvent(id, "audit.logging_stopped", Map.of(), Outcome.SUCCESS));
            }
            append(stops).get(10, TimeUnit.SECONDS);
            for (AuditLogId id : logIdsWithPlatform()) {
                checkpoint(id).get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warn("audit store: the stop could not be recorded: {}", e.toString());
        }
        queueLock.lock();
        try {
            closing = true;
            queueNotEmpty.signalAll();
        } finally {
            queueLock.unlock();
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(lockChannel);
        LOG.info("audit store closed");
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception e) {
            LOG.debug("closing {} failed", closeable, e);
        }
    }
}

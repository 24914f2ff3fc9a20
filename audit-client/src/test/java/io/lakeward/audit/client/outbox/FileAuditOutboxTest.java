package io.lakeward.audit.client.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.audit.client.SampleEvents;
import io.lakeward.audit.client.event.Actor;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuthenticationMethod;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.event.ResourceReference;
import io.lakeward.audit.client.event.Source;
import io.lakeward.audit.client.event.AuditEventId;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAuditOutboxTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private FileAuditOutboxConfig config() {
        return FileAuditOutboxConfig.defaults(directory);
    }

    @Test
    void appendedEventsAreReadBackInOrderAfterReopening() throws Exception {
        List<AuditEvent> appended = new ArrayList<>();
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config())) {
            for (int i = 0; i < 100; i++) {
                AuditEvent event = SampleEvents.tagged(0, i);
                appended.add(event);
                outbox.append(event).get(30, TimeUnit.SECONDS);
            }
            assertEquals(appended, events(outbox.readAll()));
        }
        try (FileAuditOutbox reopened = FileAuditOutbox.open(config())) {
            List<OutboxEntry> entries = reopened.readAll();
            assertEquals(appended, events(entries));
            for (int i = 0; i < entries.size(); i++) {
                assertEquals(i, entries.get(i).sequence());
            }
            assertTrue(reopened.recoveryReport().clean());
            assertEquals(99, reopened.recoveryReport().lastSequence());
        }
    }

    @Test
    void anAppendCompletesOnlyAfterItsBatchWasSynced() throws Exception {
        GateSyncer syncer = new GateSyncer(true);
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config(), syncer)) {
            CompletableFuture<Void> append = outbox.append(SampleEvents.tagged(0, 0));
            syncer.awaitHeld(WAIT);

            assertFalse(append.isDone(), "completed before fsync returned");
            assertEquals(List.of(), outbox.readAll(), "readers must not see unsynced records");

            syncer.open();
            append.get(30, TimeUnit.SECONDS);
            assertEquals(1, outbox.readAll().size());
        }
    }

    @Test
    void concurrentAppendersEachStoreEveryEventExactlyOnceInTheirOwnOrder() throws Exception {
        int threads = 64;
        int perThread = 500;
        int window = 50;
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config().withQueueCapacity(threads * window))) {
            runConcurrently(threads, writer -> {
                List<CompletableFuture<Void>> pending = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    pending.add(outbox.append(SampleEvents.tagged(writer, i)));
                    if (pending.size() == window || i == perThread - 1) {
                        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                        pending.clear();
                    }
                }
            });

            List<OutboxEntry> entries = outbox.readAll();
            assertEquals(threads * perThread, entries.size());
            Set<AuditEventId> ids = new HashSet<>();
            Map<Integer, Long> lastIndexByWriter = new HashMap<>();
            long previousSequence = -1;
            for (OutboxEntry entry : entries) {
                assertTrue(ids.add(entry.event().eventId()), "duplicate " + entry.event().eventId());
                assertEquals(previousSequence + 1, entry.sequence());
                previousSequence = entry.sequence();
                int writer = SampleEvents.writerOf(entry.event());
                long index = SampleEvents.indexOf(entry.event());
                assertEquals(lastIndexByWriter.getOrDefault(writer, -1L) + 1, index, "writer " + writer + " out of order");
                lastIndexByWriter.put(writer, index);
            }
            OutboxStats stats = outbox.stats();
            assertEquals(threads * perThread, stats.appendedEvents());
            assertTrue(stats.forceCalls() * 10 < stats.appendedEvents(),
                    "expected batches to share fsyncs: " + stats.forceCalls() + " fsyncs for " + stats.appendedEvents() + " appends");
        }
        try (FileAuditOutbox reopened = FileAuditOutbox.open(config())) {
            assertEquals(threads * perThread, reopened.readAll().size());
        }
    }

    @Test
    void appendersWaitingOnOneFsyncShareTheNextOne() throws Exception {
        int appenders = 64;
        GateSyncer syncer = new GateSyncer(true);
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config(), syncer)) {
            CompletableFuture<Void> first = outbox.append(SampleEvents.tagged(0, 0));
            syncer.awaitHeld(WAIT);
            // while the first batch is being synced, 63 more appenders arrive concurrently
            List<CompletableFuture<Void>> others = new ArrayList<>();
            runConcurrently(appenders - 1, writer -> {
                CompletableFuture<Void> append = outbox.append(SampleEvents.tagged(writer + 1, 0));
                synchronized (others) {
                    others.add(append);
                }
            });
            assertEquals(appenders - 1, outbox.stats().queuedEvents());
            syncer.open();

            first.get(30, TimeUnit.SECONDS);
            CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            OutboxStats stats = outbox.stats();
            assertEquals(appenders, stats.appendedEvents());
            assertEquals(2, stats.forceCalls(), "64 appends, one fsync for the first and one shared by the other 63");
            assertEquals(2, stats.writtenBatches());
            assertEquals(2, syncer.calls());
        }
    }

    @Test
    void aFullQueueFailsAppendsAtOnceWithResourceExhausted() throws Exception {
        GateSyncer syncer = new GateSyncer(true);
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config().withQueueCapacity(10), syncer)) {
            CompletableFuture<Void> first = outbox.append(SampleEvents.tagged(0, 0));
            syncer.awaitHeld(WAIT);
            List<CompletableFuture<Void>> queued = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                queued.add(outbox.append(SampleEvents.tagged(0, i)));
            }

            CompletableFuture<Void> refused = outbox.append(SampleEvents.tagged(0, 11));

            assertTrue(refused.isCompletedExceptionally(), "a full queue must fail the append immediately");
            assertEquals(ErrorCode.RESOURCE_EXHAUSTED, errorCode(refused));
            syncer.open();
            first.get(30, TimeUnit.SECONDS);
            CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            outbox.append(SampleEvents.tagged(0, 12)).get(30, TimeUnit.SECONDS);
            assertEquals(12, outbox.readAll().size());
        }
    }

    @Test
    void closeWritesEverythingQueuedAndLaterAppendsFailFast() throws Exception {
        List<CompletableFuture<Void>> appends = new ArrayList<>();
        FileAuditOutbox outbox = FileAuditOutbox.open(config());
        for (int i = 0; i < 2000; i++) {
            appends.add(outbox.append(SampleEvents.tagged(0, i)));
        }
        outbox.close();

        for (CompletableFuture<Void> append : appends) {
            assertTrue(append.isDone() && !append.isCompletedExceptionally(), "close must finish every queued append");
        }
        CompletableFuture<Void> late = outbox.append(SampleEvents.tagged(0, 2000));
        assertTrue(late.isCompletedExceptionally());
        assertEquals(ErrorCode.TEMPORARILY_UNAVAILABLE, errorCode(late));
        assertTrue(outbox.awaitWriterStopped(1, TimeUnit.SECONDS));
        outbox.close();
        try (FileAuditOutbox reopened = FileAuditOutbox.open(config())) {
            assertEquals(2000, reopened.readAll().size());
        }
    }

    @Test
    void aFailedFsyncFailsTheBatchAndStopsTheOutboxUntilReopened() throws Exception {
        GateSyncer syncer = new GateSyncer(false);
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config(), syncer)) {
            outbox.append(SampleEvents.tagged(0, 0)).get(30, TimeUnit.SECONDS);
            syncer.failFromCall(2);

            CompletableFuture<Void> failed = outbox.append(SampleEvents.tagged(0, 1));
            ExecutionException error = assertThrows(ExecutionException.class, () -> failed.get(30, TimeUnit.SECONDS));
            assertEquals(ErrorCode.TEMPORARILY_UNAVAILABLE, ((LakewardException) error.getCause()).code());

            CompletableFuture<Void> after = outbox.append(SampleEvents.tagged(0, 2));
            assertTrue(after.isCompletedExceptionally(), "no append may be accepted after a failed fsync");
        }
        try (FileAuditOutbox reopened = FileAuditOutbox.open(config())) {
            List<OutboxEntry> entries = reopened.readAll();
            assertEquals(0, SampleEvents.indexOf(entries.get(0).event()));
            // the failed append's bytes reached the file before fsync failed: at least once allows it to stay
            assertTrue(entries.size() <= 2);
            reopened.append(SampleEvents.tagged(0, 3)).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefused() {
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config())) {
            LakewardException refused = assertThrows(LakewardException.class, () -> FileAuditOutbox.open(config()));
            assertEquals(ErrorCode.RESOURCE_CONFLICT, refused.code());
            assertEquals(directory.toAbsolutePath(), outbox.directory());
        }
        FileAuditOutbox.open(config()).close();
    }

    @Test
    void segmentsRollAtTheSizeLimitAndReadAcrossThem() throws Exception {
        long segmentBytes = 16 * 1024;
        List<AuditEvent> appended = new ArrayList<>();
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config().withSegmentBytes(segmentBytes))) {
            List<CompletableFuture<Void>> appends = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                AuditEvent event = SampleEvents.tagged(0, i);
                appended.add(event);
                appends.add(outbox.append(event));
            }
            CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertEquals(appended, events(outbox.readAll()));
            assertEquals(appended.subList(150, 160), events(outbox.read(150, 10)));
        }
        Map<Long, Path> segments = FileAuditOutbox.segmentFiles(directory);
        assertTrue(segments.size() > 10, "expected many segments, got " + segments.size());
        for (Path segment : segments.values()) {
            assertTrue(Files.size(segment) <= segmentBytes, segment + " is larger than the limit");
        }
        try (FileAuditOutbox reopened = FileAuditOutbox.open(config().withSegmentBytes(segmentBytes))) {
            assertEquals(appended, events(reopened.readAll()));
            assertEquals(appended.subList(290, 300), events(reopened.read(290, 100)));
        }
    }

    @Test
    void anOversizedEventIsRefused() throws Exception {
        AuditEvent large = AuditEvent.builder()
                .tenant(TenantId.of("acme"))
                .service(PlatformService.COMPUTE_DRIVER)
                .action("table.read")
                .actor(Actor.service("driver-1", AuthenticationMethod.DRIVER_SECRET))
                .source(Source.none())
                .requestId(RequestId.random())
                .outcome(Outcome.SUCCESS)
                .touched(IntStream.range(0, 20).mapToObj(i -> ResourceReference.table("main.sales.orders_" + i)).toList())
                .build();
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config().withMaxEventBytes(1024))) {
            outbox.append(SampleEvents.tagged(0, 0)).get(30, TimeUnit.SECONDS);

            CompletableFuture<Void> refused = outbox.append(large);

            assertTrue(refused.isCompletedExceptionally());
            assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, errorCode(refused));
            assertEquals(1, outbox.readAll().size());
        }
    }

    @Test
    void awaitDurableReturnsOnceTheSequenceIsSynced() throws Exception {
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config())) {
            assertFalse(outbox.awaitDurable(0, Duration.ofMillis(20)));
            AtomicReference<Boolean> seen = new AtomicReference<>();
            CountDownLatch waiting = new CountDownLatch(1);
            Thread waiter = new Thread(() -> {
                waiting.countDown();
                try {
                    seen.set(outbox.awaitDurable(4, WAIT));
                } catch (InterruptedException e) {
                    seen.set(false);
                }
            });
            waiter.start();
            assertTrue(waiting.await(30, TimeUnit.SECONDS));
            for (int i = 0; i < 5; i++) {
                outbox.append(SampleEvents.tagged(0, i));
            }
            waiter.join(WAIT.toMillis());
            assertEquals(Boolean.TRUE, seen.get());
        }
    }

    @Test
    void shippedPositionPersistsAndDeletesOnlyFullyShippedSegments() throws Exception {
        FileAuditOutboxConfig config = config().withSegmentBytes(8 * 1024);
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config)) {
            List<CompletableFuture<Void>> appends = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                appends.add(outbox.append(SampleEvents.tagged(0, i)));
            }
            CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            int segmentsBefore = FileAuditOutbox.segmentFiles(directory).size();

            outbox.markShipped(49);

            assertEquals(49, outbox.shippedThrough());
            assertEquals(50, outbox.readUnshipped().get(0).sequence());
            assertEquals(50, outbox.readUnshipped().size());
            assertTrue(FileAuditOutbox.segmentFiles(directory).size() < segmentsBefore, "shipped segments must be deleted");
            assertTrue(outbox.readAll().get(0).sequence() <= 50, "a segment with unshipped events must stay");
            assertThrows(IllegalArgumentException.class, () -> outbox.markShipped(100));
        }
        assertEquals(49, FileAuditOutbox.readCheckpoint(directory).orElseThrow());
        try (FileAuditOutbox reopened = FileAuditOutbox.open(config)) {
            assertEquals(49, reopened.shippedThrough());
            assertEquals(50, reopened.readUnshipped().size());
            reopened.markShipped(99);
            assertEquals(List.of(), reopened.readUnshipped());
            assertEquals(1, FileAuditOutbox.segmentFiles(directory).size(), "only the segment being written stays");
            reopened.append(SampleEvents.tagged(0, 100)).get(30, TimeUnit.SECONDS);
            assertEquals(100, reopened.readUnshipped().get(0).sequence());
        }
    }

    static List<AuditEvent> events(List<OutboxEntry> entries) {
        return entries.stream().map(OutboxEntry::event).toList();
    }

    static ErrorCode errorCode(CompletableFuture<?> future) {
        ExecutionException error = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(LakewardException.class, error.getCause()).code();
    }

    interface Writer {
        void run(int writer) throws Exception;
    }

    /** Runs {@code threads} writers that start together, and fails with the first error any of them raised. */
    static void runConcurrently(int threads, Writer body) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            int writer = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    body.run(writer);
                } catch (Throwable e) {
                    firstError.compareAndSet(null, e);
                }
            }, "writer-" + t);
            thread.start();
            started.add(thread);
        }
        start.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (Thread thread : started) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            assertFalse(thread.isAlive(), thread.getName() + " did not finish in time");
        }
        if (firstError.get() != null) {
            throw new AssertionError("a writer failed", firstError.get());
        }
    }
}

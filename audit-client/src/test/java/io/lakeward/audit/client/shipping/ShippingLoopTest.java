package io.lakeward.audit.client.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.audit.client.Await;
import io.lakeward.audit.client.SampleEvents;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.outbox.FileAuditOutbox;
import io.lakeward.audit.client.outbox.FileAuditOutboxConfig;
import io.lakeward.audit.client.outbox.OutboxEntry;
import io.lakeward.audit.client.shipping.RecordingShipper.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippingLoopTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ShippingConfig FAST = ShippingConfig.defaults()
            .withMaxBatchEvents(100)
            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(20))
            .withIdlePoll(Duration.ofMillis(50))
            .withShipTimeout(Duration.ofSeconds(5));

    @TempDir
    Path directory;

    private FileAuditOutboxConfig config() {
        return FileAuditOutboxConfig.defaults(directory).withSegmentBytes(16 * 1024);
    }

    private static List<AuditEvent> append(FileAuditOutbox outbox, int writer, int count) throws Exception {
        List<AuditEvent> appended = new ArrayList<>();
        List<CompletableFuture<Void>> appends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AuditEvent event = SampleEvents.tagged(writer, i);
            appended.add(event);
            appends.add(outbox.append(event));
        }
        CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        return appended;
    }

    @Test
    void shipsEverythingInOrderInBatchesAndDeletesShippedSegments() throws Exception {
        RecordingShipper shipper = new RecordingShipper(Mode.ACCEPT);
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config())) {
            List<AuditEvent> appended = append(outbox, 0, 450);
            try (ShippingLoop loop = ShippingLoop.start(outbox, shipper, FAST)) {
                // events appended while the loop runs are shipped too
                appended.addAll(append(outbox, 1, 150));
                Await.until("all events acknowledged", WAIT, () -> outbox.shippedThrough() == 599);

                assertEquals(appended, shipper.stored());
                assertTrue(shipper.batchSizes().stream().allMatch(size -> size <= 100), shipper.batchSizes().toString());
                Await.until("600 events counted", WAIT, () -> loop.stats().shippedEvents() == 600);
                assertEquals(List.of(), outbox.readUnshipped());
                assertEquals(1, segmentCount(), "fully shipped segments must be deleted");
            }
        }
    }

    @Test
    void whileTheShipperIsDownEventsStayAndTheyShipOnceWhenItRecovers() throws Exception {
        RecordingShipper shipper = new RecordingShipper(Mode.REFUSE);
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config())) {
            List<AuditEvent> appended = append(outbox, 0, 300);
            try (ShippingLoop loop = ShippingLoop.start(outbox, shipper, FAST)) {
                shipper.awaitAttempts(5, WAIT);
                assertEquals(-1, outbox.shippedThrough());
                assertEquals(appended, events(outbox.readUnshipped()), "nothing may be dropped while the shipper is down");
                assertTrue(loop.stats().failedAttempts() >= 4);

                appended.addAll(append(outbox, 1, 50));
                shipper.mode(Mode.ACCEPT);
                Await.until("all events acknowledged", WAIT, () -> outbox.shippedThrough() == 349);

                assertEquals(appended, shipper.stored(), "every event exactly once, in order");
                Await.until("no failure since the last shipment", WAIT, () -> loop.stats().consecutiveFailures() == 0);
            }
        }
    }

    @Test
    void aRestartInTheMiddleShipsEveryEventExactlyOnce() throws Exception {
        RecordingShipper beforeRestart = new RecordingShipper(Mode.ACCEPT);
        beforeRestart.acceptThenRefuse(3);
        List<AuditEvent> appended;
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config())) {
            appended = append(outbox, 0, 1000);
            try (ShippingLoop loop = ShippingLoop.start(outbox, beforeRestart, FAST)) {
                beforeRestart.awaitAttempts(5, WAIT);
                Await.until("three batches acknowledged", WAIT, () -> outbox.shippedThrough() == 299);
                // the loop counts a batch once its position is persisted, just after shippedThrough moved
                Await.until("three batches counted", WAIT, () -> loop.stats().shippedBatches() == 3);
            }
        }
        assertEquals(300, beforeRestart.stored().size());

        RecordingShipper afterRestart = new RecordingShipper(Mode.ACCEPT);
        try (FileAuditOutbox reopened = FileAuditOutbox.open(config())) {
            assertEquals(299, reopened.shippedThrough());
            try (ShippingLoop loop = ShippingLoop.start(reopened, afterRestart, FAST)) {
                Await.until("the rest acknowledged", WAIT, () -> reopened.shippedThrough() == 999);
                Await.until("700 events counted", WAIT, () -> loop.stats().shippedEvents() == 700);
            }
        }
        List<AuditEvent> received = new ArrayList<>(beforeRestart.stored());
        received.addAll(afterRestart.stored());
        assertEquals(appended, received, "every event once, none lost, none repeated by the outbox");
    }

    @Test
    void aLostAcknowledgmentShipsTheBatchAgainAtLeastOnce() throws Exception {
        RecordingShipper shipper = new RecordingShipper(Mode.STORE_BUT_LOSE_ACKNOWLEDGMENT);
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config())) {
            List<AuditEvent> appended = append(outbox, 0, 50);
            try (ShippingLoop loop = ShippingLoop.start(outbox, shipper, FAST)) {
                shipper.awaitAttempts(2, WAIT);
                shipper.mode(Mode.ACCEPT);
                Await.until("acknowledged", WAIT, () -> outbox.shippedThrough() == 49);
                assertTrue(loop.stats().failedAttempts() >= 2);
            }
            List<AuditEvent> stored = shipper.stored();
            assertTrue(stored.size() >= 100, "the unacknowledged batch must be sent again");
            assertEquals(appended, stored.subList(stored.size() - 50, stored.size()));
            assertEquals(50, stored.stream().map(AuditEvent::eventId).distinct().count(),
                    "the receiver sees repeats only of the same event ids, so it can deduplicate");
        }
    }

    @Test
    void aShipmentThatNeverAnswersTimesOutAndIsRetried() throws Exception {
        RecordingShipper shipper = new RecordingShipper(Mode.HANG);
        ShippingConfig config = FAST.withShipTimeout(Duration.ofMillis(100));
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config())) {
            List<AuditEvent> appended = append(outbox, 0, 20);
            try (ShippingLoop loop = ShippingLoop.start(outbox, shipper, config)) {
                shipper.awaitAttempts(2, WAIT);
                assertEquals(-1, outbox.shippedThrough());
                shipper.mode(Mode.ACCEPT);
                Await.until("acknowledged", WAIT, () -> outbox.shippedThrough() == 19);
                assertEquals(appended, shipper.stored());
                assertTrue(loop.stats().failedAttempts() >= 2, "the unanswered shipments must count as failed");
            }
        }
    }

    @Test
    void closeStopsTheLoopPromptlyWhileItBacksOff() throws Exception {
        RecordingShipper shipper = new RecordingShipper(Mode.REFUSE);
        ShippingConfig slowRetry = FAST.withBackoff(Duration.ofMinutes(5), Duration.ofMinutes(5));
        try (FileAuditOutbox outbox = FileAuditOutbox.open(config())) {
            append(outbox, 0, 5);
            ShippingLoop loop = ShippingLoop.start(outbox, shipper, slowRetry);
            shipper.awaitAttempts(1, WAIT);
            long started = System.nanoTime();
            loop.close();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(tookMillis < 5_000, "close took " + tookMillis + " ms");
            assertEquals(5, outbox.readUnshipped().size());
        }
    }

    @Test
    void backoffDoublesUpToItsCap() {
        ShippingConfig config = ShippingConfig.defaults().withBackoff(Duration.ofMillis(100), Duration.ofSeconds(30));

        assertEquals(Duration.ofMillis(100), config.backoffAfter(1));
        assertEquals(Duration.ofMillis(200), config.backoffAfter(2));
        assertEquals(Duration.ofMillis(800), config.backoffAfter(4));
        assertEquals(Duration.ofSeconds(30), config.backoffAfter(10));
        assertEquals(Duration.ofSeconds(30), config.backoffAfter(1_000));
    }

    private long segmentCount() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().startsWith("segment-")).count();
        }
    }

    private static List<AuditEvent> events(List<OutboxEntry> entries) {
        return entries.stream().map(OutboxEntry::event).toList();
    }
}

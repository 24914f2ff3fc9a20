package io.lakeward.audit.client.outbox;

import io.lakeward.audit.client.SampleEvents;
import io.lakeward.audit.client.event.AuditEvent;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * The child process of {@link OutboxKillTest}: appends events from several threads as fast as it
 * can and prints each event id on stdout only after its append future completed (the event is
 * acknowledged durable). It runs until it is killed.
 *
 * <p>Arguments: outbox directory, number of appending threads, appends in flight per thread.
 */
public final class OutboxFloodMain {
    private OutboxFloodMain() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        int inFlight = Integer.parseInt(args[2]);
        // small segments so that kills also land around segment rolls
        FileAuditOutbox outbox = FileAuditOutbox.open(FileAuditOutboxConfig.defaults(directory).withSegmentBytes(64 * 1024));
        PrintStream acknowledged = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.US_ASCII);
        for (int t = 0; t < threads; t++) {
            int writer = t;
            Thread thread = new Thread(() -> flood(outbox, writer, inFlight, acknowledged), "flood-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        new CountDownLatch(1).await();
    }

    private static void flood(FileAuditOutbox outbox, int writer, int inFlight, PrintStream acknowledged) {
        for (long index = 0; ; index += inFlight) {
            List<AuditEvent> events = new ArrayList<>(inFlight);
            List<CompletableFuture<Void>> appends = new ArrayList<>(inFlight);
            for (int i = 0; i < inFlight; i++) {
                AuditEvent event = SampleEvents.tagged(writer, index + i);
                events.add(event);
                appends.add(outbox.append(event));
            }
            for (int i = 0; i < inFlight; i++) {
                appends.get(i).join();
                synchronized (acknowledged) {
                    acknowledged.println(events.get(i).eventId().value());
                    acknowledged.flush();
                }
            }
        }
    }
}

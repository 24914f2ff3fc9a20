package io.lakeward.audit.store;

import io.lakeward.audit.TestEvents;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.keyvault.signing.AuditSigningKey;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The child process of {@link StoreCrashTest}: opens the store in {@code args[0]} with the key in
 * {@code args[1]} and floods it from several threads with small batches for two tenants, printing
 * {@code ACK <event id>} for every event of a batch once its future completed (durable).
 */
public final class StoreFloodMain {
    private StoreFloodMain() {
    }

    public static void main(String[] args) throws Exception {
        AuditSigningKey key = AuditSigningKey.loadOrCreate(Path.of(args[1]));
        AuditStore store = AuditStore.open(AuditStoreConfig.defaults(Path.of(args[0])).withCheckpointEvents(100)
                .withCheckpointInterval(Duration.ofMillis(200)).withSegmentBytes(256 * 1024), key, Clock.systemUTC());
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        System.out.println("READY");
        System.out.flush();
        Semaphore inFlight = new Semaphore(32);
        int writer = 0;
        while (true) {
            inFlight.acquire();
            List<AuditEvent> batch = new ArrayList<>();
            String tenant = writer++ % 2 == 0 ? "acme" : "globex";
            for (int i = 0; i < 1 + writer % 7; i++) {
                batch.add(TestEvents.read(tenant, "ada", "/Users/ada/n" + writer + "-" + i, Instant.now()));
            }
            store.append(batch).whenComplete((result, failure) -> {
                if (failure == null) {
                    StringBuilder acks = new StringBuilder();
                    batch.forEach(event -> acks.append("ACK ").append(event.eventId().value()).append('\n'));
                    synchronized (out) {
                        out.print(acks);
                        out.flush();
                    }
                }
                inFlight.release();
            });
        }
    }
}

package io.lakeward.audit.bench;

import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.store.AuditStore;
import io.lakeward.audit.store.AuditStoreConfig;
import io.lakeward.keyvault.signing.AuditSigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Durable appends per second into the hash-chained store: each operation is one event; every
 * thread appends a shipment of {@code batch} events and waits for its fsync before the next, the
 * way outboxes ship. Checkpoints are signed every 1000 events as in production.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AuditStoreAppendBenchmark {
    private static final int BATCH = 500;

    private Path directory;
    private AuditStore store;
    private final AtomicLong counter = new AtomicLong();

    @Setup(Level.Trial)
    public void open() throws Exception {
        directory = Files.createTempDirectory(Path.of(System.getProperty("lakeward.bench.dir", System.getProperty("java.io.tmpdir"))),
                "audit-store-bench-");
        store = AuditStore.open(AuditStoreConfig.defaults(directory), AuditSigningKey.generate(), Clock.systemUTC());
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        store.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    @Threads(4)
    @OperationsPerInvocation(BATCH)
    public Object shipmentsOf500From4Shippers() {
        List<AuditEvent> batch = BenchEvents.batch(BATCH, counter.getAndAdd(BATCH));
        return store.append(batch).join();
    }

    @Benchmark
    @Threads(16)
    public Object singleEventsFrom16Appenders() {
        return store.append(BenchEvents.batch(1, counter.getAndIncrement())).join();
    }
}

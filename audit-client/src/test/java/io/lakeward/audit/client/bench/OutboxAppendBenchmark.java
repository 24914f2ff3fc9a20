package io.lakeward.audit.client.bench;

import io.lakeward.audit.client.SampleEvents;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.outbox.FileAuditOutbox;
import io.lakeward.audit.client.outbox.FileAuditOutboxConfig;
import io.lakeward.audit.client.outbox.OutboxStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable appends per second of {@link FileAuditOutbox} with 1, 16 and 256 concurrent appenders,
 * each waiting for its append to be fsynced before the next. {@code maxBatchEvents=1} turns group
 * commit off (one fsync per event) for comparison. Not a test: run it as the module README says.
 * The outbox lives in {@code -Dlakeward.bench.dir} (default: the temporary directory).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dlakeward.test.log.level=WARN"})
public class OutboxAppendBenchmark {
    @Param({"4096", "1"})
    public int maxBatchEvents;

    private Path directory;
    private FileAuditOutbox outbox;

    /** One event per appender thread, built once: the benchmark measures the outbox, not event building. */
    @State(Scope.Thread)
    public static class Appender {
        private static final AtomicInteger NEXT_WRITER = new AtomicInteger();
        AuditEvent event;

        @Setup(Level.Trial)
        public void build() {
            event = SampleEvents.tagged(NEXT_WRITER.getAndIncrement(), 0);
        }
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        Path parent = Path.of(System.getProperty("lakeward.bench.dir", System.getProperty("java.io.tmpdir")));
        directory = Files.createTempDirectory(parent, "outbox-bench-");
        outbox = FileAuditOutbox.open(FileAuditOutboxConfig.defaults(directory).withMaxBatchEvents(maxBatchEvents));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        OutboxStats stats = outbox.stats();
        outbox.close();
        // JMH prints the last iteration's score right after this line
        System.out.printf("[outbox: %d appends, %d fsyncs, %.1f events per fsync] ",
                stats.appendedEvents(), stats.forceCalls(), stats.appendedEvents() / (double) Math.max(1, stats.forceCalls()));
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Benchmark
    @Threads(1)
    public void appenders001(Appender appender) {
        outbox.append(appender.event).join();
    }

    @Benchmark
    @Threads(16)
    public void appenders016(Appender appender) {
        outbox.append(appender.event).join();
    }

    @Benchmark
    @Threads(256)
    public void appenders256(Appender appender) {
        outbox.append(appender.event).join();
    }
}

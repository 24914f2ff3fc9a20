package io.lakeward.audit.bench;

import io.lakeward.audit.export.AuditExporter;
import io.lakeward.audit.export.ViewFormat;
import io.lakeward.audit.query.AuditFilter;
import io.lakeward.audit.store.AuditLogId;
import io.lakeward.audit.store.AuditStore;
import io.lakeward.audit.store.AuditStoreConfig;
import io.lakeward.audit.verify.ExportVerifier;
import io.lakeward.audit.verify.VerificationResult;
import io.lakeward.keyvault.signing.AuditSigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Time to export one tenant's log of {@code events} events (1M by default) as CSV, as PDF, and to
 * verify such an export offline (the verification prints its events per second). Single shots:
 * each measurement is one whole export or verification.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ExportBenchmark {
    private static final AuditLogId ACME = AuditLogId.parse("acme");

    @Param({"1000000"})
    public int events;

    private Path directory;
    private AuditStore store;
    private AuditSigningKey key;
    private AuditExporter exporter;
    private Path verifiable;
    private Instant from;
    private Instant to;

    @Setup(Level.Trial)
    public void fill() throws Exception {
        directory = Files.createTempDirectory(Path.of(System.getProperty("lakeward.bench.dir", System.getProperty("java.io.tmpdir"))),
                "audit-export-bench-");
        key = AuditSigningKey.generate();
        store = AuditStore.open(AuditStoreConfig.defaults(directory.resolve("store")), key, Clock.systemUTC());
        from = Instant.now().minusSeconds(1);
        long started = System.nanoTime();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < events; i += 500) {
            pending.add(store.append(BenchEvents.acmeBatch(Math.min(500, events - i), i)));
            if (pending.size() == 16) {
                pending.forEach(CompletableFuture::join);
                pending.clear();
            }
        }
        pending.forEach(CompletableFuture::join);
        to = Instant.now().plusSeconds(1);
        System.out.printf("%n[setup: %,d events stored in %.1f s]%n", events, (System.nanoTime() - started) / 1e9);
        exporter = new AuditExporter(store, key, directory.resolve("exports"), Clock.systemUTC());
        verifiable = exporter.export(ACME, AuditFilter.between(from, to), EnumSet.of(ViewFormat.JSONL), id(), "bench").directory();
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        store.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    public Object exportAsCsv() {
        return exporter.export(ACME, AuditFilter.between(from, to), EnumSet.of(ViewFormat.CSV), id(), "bench");
    }

    @Benchmark
    public Object exportAsPdf() {
        return exporter.export(ACME, AuditFilter.between(from, to), EnumSet.of(ViewFormat.PDF), id(), "bench");
    }

    @Benchmark
    public Object verifyExport() throws Exception {
        long started = System.nanoTime();
        VerificationResult result = new ExportVerifier().verify(verifiable, key.publicKey());
        double seconds = (System.nanoTime() - started) / 1e9;
        if (!result.valid()) {
            throw new IllegalStateException(result.summary());
        }
        System.out.printf("[verified %,d records and %,d view lines: %,.0f records/s]%n", result.records(), result.viewRecords(),
                result.records() / seconds);
        return result;
    }

    private static String id() {
        byte[] bytes = new byte[16];
        new Random().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

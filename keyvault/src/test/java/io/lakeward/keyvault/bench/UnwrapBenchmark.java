package io.lakeward.keyvault.bench;

import io.lakeward.audit.client.outbox.FileAuditOutbox;
import io.lakeward.audit.client.outbox.FileAuditOutboxConfig;
import io.lakeward.common.id.TenantId;
import io.lakeward.keyvault.Keyvault;
import io.lakeward.keyvault.KeyvaultConfig;
import io.lakeward.keyvault.api.KeyvaultVerticle;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Data-key unwraps per second: in-process (the KEK held in memory by the keystore snapshot),
 * through the loopback API (HTTP, token check, worker pool, an fsynced audit event per call), and
 * through the API behind a client-side cache of unwrapped keys (what a driver's KMS client keeps
 * per key id), i.e. a cache hit. Loopback only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class UnwrapBenchmark {
    private static final TenantId TENANT = TenantId.of("bench");
    private Keyvault keyvault;
    private byte[] wrapped;
    private String wrappedText;
    private Vertx vertx;
    private FileAuditOutbox audit;
    private HttpClient http;
    private HttpRequest unwrapRequest;
    private final Map<String, byte[]> clientCache = new ConcurrentHashMap<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path state = Files.createTempDirectory("unwrap-bench");
        keyvault = Keyvault.open(new KeyvaultConfig(Optional.empty(), state.resolve("master.key"), state.resolve("keys.bcfks"), 0,
                Duration.ofHours(1)), Clock.systemUTC());
        keyvault.ensureTenantKey(TENANT);
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        wrapped = keyvault.wrapKey(TENANT, "table/bench", key);
        wrappedText = Base64.getEncoder().encodeToString(wrapped);
        audit = FileAuditOutbox.open(FileAuditOutboxConfig.defaults(state.resolve("outbox")));
        vertx = Vertx.vertx();
        KeyvaultVerticle verticle = new KeyvaultVerticle(keyvault, audit, 0, null);
        vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
        String token = keyvault.issueToken(TENANT, "cluster:bench").token().reveal();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        unwrapRequest = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + verticle.port() + "/api/keyvault/v1/keys/unwrap"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"key_id\":\"table/bench\",\"wrapped_key\":\"" + wrappedText + "\"}"))
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
        audit.close();
    }

    @Benchmark
    public byte[] inProcess() {
        return keyvault.unwrapKey(TENANT, "table/bench", wrapped);
    }

    @Benchmark
    public String throughApi() throws Exception {
        HttpResponse<String> response = http.send(unwrapRequest, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("unwrap answered " + response.statusCode());
        }
        return response.body();
    }

    @Benchmark
    public byte[] throughApiClientCacheHit() {
        return clientCache.computeIfAbsent(wrappedText, ignored -> {
            try {
                return Base64.getDecoder().decode(throughApi().replaceAll(".*\"key\":\"([^\"]+)\".*", "$1"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}

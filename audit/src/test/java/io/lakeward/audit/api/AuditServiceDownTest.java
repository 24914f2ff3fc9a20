package io.lakeward.audit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.audit.AuditConfig;
import io.lakeward.audit.AuditVerticle;
import io.lakeward.audit.TestEvents;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.outbox.FileAuditOutbox;
import io.lakeward.audit.client.outbox.FileAuditOutboxConfig;
import io.lakeward.audit.client.shipping.AuditIngestToken;
import io.lakeward.audit.client.shipping.HttpAuditShipper;
import io.lakeward.audit.client.shipping.ShippingConfig;
import io.lakeward.audit.client.shipping.ShippingLoop;
import io.lakeward.audit.export.AuditExporter;
import io.lakeward.audit.query.AuditQueryService;
import io.lakeward.audit.service.AuditRetention;
import io.lakeward.audit.service.AuditService;
import io.lakeward.audit.store.AuditLogId;
import io.lakeward.audit.store.AuditStore;
import io.lakeward.audit.store.AuditStoreConfig;
import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.config.ConfigSource;
import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.common.identity.InternalServiceKeys;
import io.lakeward.keyvault.signing.AuditSigningKey;
import io.lakeward.policy.client.EmbeddedPolicyClient;
import io.lakeward.policy.client.EmbeddedPolicyConfig;
import io.lakeward.policy.client.PolicyClient;
import io.lakeward.policy.client.PolicyData;
import io.lakeward.policy.client.WasmPolicy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit service goes away while a service keeps working: its appends still complete (the
 * outbox is durable on its own), the events wait in the outbox, and once the audit service is back
 * they all arrive, none lost, none twice.
 */
class AuditServiceDownTest {
    private static final Clock CLOCK = Clock.systemUTC();

    @Test
    void eventsWaitInTheOutboxWhileTheAuditServiceIsDownAndArriveOnceAfterwards(@TempDir Path directory) throws Exception {
        InternalServiceKeys keys = InternalServiceKeys.generate(List.of("audit", "audit-ingest-gateway"));
        AuditSigningKey key = AuditSigningKey.generate();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Vertx vertx = Vertx.vertx();
        try (AuditStore store = AuditStore.open(AuditStoreConfig.defaults(directory.resolve("store")), key, CLOCK);
             PolicyClient policy = EmbeddedPolicyClient.start(WasmPolicy.fromClasspath(), PolicyData.empty("0"), EmbeddedPolicyConfig.defaults());
             FileAuditOutbox outbox = FileAuditOutbox.open(FileAuditOutboxConfig.defaults(directory.resolve("outbox")))) {
            AuditService service = new AuditService(store, new AuditQueryService(store, Duration.ofDays(92)),
                    new AuditExporter(store, key, directory.resolve("exports"), CLOCK), policy, AuditRetention.defaults(), CLOCK);
            String first = vertx.deployVerticle(verticle(port, keys, service)).await(30, TimeUnit.SECONDS);
            ShippingLoop shipping = ShippingLoop.start(outbox, new HttpAuditShipper(URI.create("http://127.0.0.1:" + port), PlatformService.GATEWAY,
                    keys.keyOf(AuditIngestToken.keyName(PlatformService.GATEWAY)), Duration.ofSeconds(2), CLOCK),
                    ShippingConfig.defaults().withBackoff(Duration.ofMillis(50), Duration.ofMillis(400)));
            try {
                List<String> ids = new ArrayList<>();
                appendAll(outbox, 30, ids);
                await(() -> storedIds(store).containsAll(ids), "the first events did not arrive");

                vertx.undeploy(first).await(30, TimeUnit.SECONDS);
                long failedBefore = shipping.stats().failedAttempts();
                List<String> whileDown = new ArrayList<>();
                appendAll(outbox, 40, whileDown);
                await(() -> shipping.stats().failedAttempts() >= failedBefore + 2, "shipping did not notice the audit service was gone");
                assertEquals(40, outbox.readUnshipped().size(), "the events wait in the outbox");
                Set<String> stored = storedIds(store);
                assertTrue(whileDown.stream().noneMatch(stored::contains));

                vertx.deployVerticle(verticle(port, keys, service)).await(30, TimeUnit.SECONDS);
                ids.addAll(whileDown);
                await(() -> storedIds(store).containsAll(ids), "the waiting events did not arrive after the restart");
                await(() -> outbox.readUnshipped().isEmpty(), "the outbox did not empty");
                Map<String, Integer> counts = new HashMap<>();
                store.read(AuditLogId.parse("acme"), 1, Long.MAX_VALUE, record -> counts.merge(record.eventId(), 1, Integer::sum));
                for (String id : ids) {
                    assertEquals(1, counts.get(id), "event " + id + " stored exactly once");
                }
            } finally {
                shipping.close();
            }
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static AuditVerticle verticle(int port, InternalServiceKeys keys, AuditService service) {
        ConfigProblems problems = new ConfigProblems();
        AuditConfig config = AuditConfig.from(ConfigSource.ofMap(Map.of("audit.port", Integer.toString(port))), problems);
        problems.throwIfAny();
        return new AuditVerticle(config, List.of(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new InternalIdentityVerifier("audit", keys.keyOf("audit"), CLOCK), service,
                Map.of(PlatformService.GATEWAY, keys.keyOf("audit-ingest-gateway")), CLOCK);
    }

    /** The service's own work goes on: every append completes while the audit service is away. */
    private static void appendAll(FileAuditOutbox outbox, int count, List<String> ids) {
        List<CompletableFuture<Void>> appends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AuditEvent event = TestEvents.read("acme", "ada", "/Users/ada/n" + i, Instant.now());
            ids.add(event.eventId().value());
            appends.add(outbox.append(event));
        }
        CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).orTimeout(20, TimeUnit.SECONDS).join();
    }

    private static Set<String> storedIds(AuditStore store) {
        Set<String> ids = new HashSet<>();
        store.read(AuditLogId.parse("acme"), 1, Long.MAX_VALUE, record -> ids.add(record.eventId()));
        return ids;
    }

    private static void await(BooleanSupplier condition, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure + " within 30 s");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}

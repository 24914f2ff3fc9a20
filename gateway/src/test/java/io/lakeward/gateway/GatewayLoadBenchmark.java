package io.lakeward.gateway;

import io.lakeward.gateway.auth.InMemoryPersonalAccessTokenStore;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import io.lakeward.testing.keycloak.TestingKeycloak;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bounded load generator, loopback only: authenticated requests (a real Keycloak access token)
 * through a real gateway — TLS, tenant by host, token verification, rate limits, the durable audit
 * outbox, the internal identity — to a trivial upstream, against the same upstream called
 * directly, in one run. It measures the maximum throughput of both with a fixed number of
 * connections (closed loop), their ratio, and p50/p99 latency through the gateway at 80 % of its
 * maximum (open loop at a fixed rate, latency measured from the intended send time). Not part of
 * the test suite; see the README for the command.
 *
 * <p>Arguments: seconds per phase (default 8, at most 60), connections (default 32, at most 256), and
 * {@code durable} (default: the gateway's real file outbox, one fsync per batch) or {@code memory}
 * (an outbox that keeps events in memory, to see what the fsyncs cost).
 */
public final class GatewayLoadBenchmark {
    private static final String ME = "/api/2.0/preview/scim/v2/Me";

    private GatewayLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = Math.min(60, args.length > 0 ? Integer.parseInt(args[0]) : 8);
        int connections = Math.min(256, args.length > 1 ? Integer.parseInt(args[1]) : 32);
        boolean durable = args.length < 3 || !args[2].equals("memory");
        ProvisionedRealm realm = TestingKeycloak.get().newTenantRealm();
        Path state = Files.createTempDirectory("gateway-load");
        Vertx load = Vertx.vertx(new VertxOptions().setAddressResolverOptions(new AddressResolverOptions()
                .setHostsPath(System.getProperty("jdk.net.hosts.file"))));
        TestingKeycloak keycloak = TestingKeycloak.get();
        try (TestGateway gateway = TestGateway.start(state, keycloak.certificateAuthority(), keycloak.serverUrl() + "/realms/", List.of(realm),
                GatewayConfig.TokenSettings.defaults(), new InMemoryPersonalAccessTokenStore(),
                durable ? null : io.lakeward.gateway.audit.FakeAuditOutbox.accepting())) {
            String token = TestGateway.serviceAccountToken(realm);
            HttpClient tls = load.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true).setKeepAlive(true)
                    .setTrustOptions(new PemTrustOptions().addCertPath(TestingKeycloak.get().caCertificatePem().toString())),
                    new PoolOptions().setHttp1MaxSize(connections));
            HttpClient plain = load.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connections));
            RequestOptions viaGateway = new RequestOptions().setMethod(HttpMethod.GET).setHost(realm.realm() + "." + TestGateway.BASE)
                    .setPort(gateway.port()).setURI(ME).putHeader("Authorization", "Bearer " + token).setTimeout(10_000);
            RequestOptions direct = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(gateway.upstreamPort())
                    .setURI(ME).setTimeout(10_000);
            // the same upstream over TLS, named as the gateway is (its certificate), on its own port
            RequestOptions directTls = new RequestOptions(viaGateway).setPort(gateway.upstreamTlsPort()).removeHeader("Authorization");

            System.out.printf("warming up (%d s each)...%n", Math.max(2, seconds / 2));
            closedLoop(load, tls, viaGateway, connections, Math.max(2, seconds / 2));
            closedLoop(load, plain, direct, connections, Math.max(2, seconds / 2));
            closedLoop(load, tls, directTls, connections, Math.max(2, seconds / 2));

            RequestOptions landing = new RequestOptions(viaGateway).setURI("/").removeHeader("Authorization");
            Result landingMax = closedLoop(load, tls, landing, connections, seconds);
            Result gatewayMax = closedLoop(load, tls, viaGateway, connections, seconds);
            Result directMax = closedLoop(load, plain, direct, connections, seconds);
            Result directTlsMax = closedLoop(load, tls, directTls, connections, seconds);
            double rate = 0.8 * gatewayMax.perSecond();
            Result at80 = openLoop(load, tls, viaGateway, rate, seconds);

            System.out.println();
            System.out.printf("gateway (TLS, token, %s audit outbox, proxy), %d connections: %,.0f req/s (%d errors)%n",
                    durable ? "durable" : "in-memory", connections, gatewayMax.perSecond(), gatewayMax.errors());
            System.out.printf("upstream directly (plain HTTP),           %d connections: %,.0f req/s (%d errors)%n",
                    connections, directMax.perSecond(), directMax.errors());
            System.out.printf("upstream directly over TLS,               %d connections: %,.0f req/s (%d errors)%n",
                    connections, directTlsMax.perSecond(), directTlsMax.errors());
            System.out.printf("ratio gateway / direct: %.2f (gateway / direct over TLS: %.2f)%n", gatewayMax.perSecond() / directMax.perSecond(),
                    gatewayMax.perSecond() / directTlsMax.perSecond());
            System.out.printf("for comparison, the gateway's landing page (TLS and audit, no token, no upstream): %,.0f req/s (%d errors)%n",
                    landingMax.perSecond(), landingMax.errors());
            System.out.printf("through the gateway at 80 %% of its maximum (%,.0f req/s offered, %,.0f done): p50 %.2f ms, p99 %.2f ms (%d errors)%n",
                    rate, at80.perSecond(), at80.percentileMillis(50), at80.percentileMillis(99), at80.errors());
        } finally {
            load.close().await(30, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private record Result(double perSecond, long errors, long[] latenciesNanos) {
        double percentileMillis(double percentile) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            int index = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1e6;
        }
    }

    /** Each of {@code connections} loops sends its next request when the previous answer is read, for {@code seconds}. */
    private static Result closedLoop(Vertx vertx, HttpClient client, RequestOptions request, int connections, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        LongAdder done = new LongAdder();
        LongAdder errors = new LongAdder();
        CompletableFuture<?>[] loops = new CompletableFuture<?>[connections];
        long started = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            CompletableFuture<Void> finished = new CompletableFuture<>();
            loops[i] = finished;
            Context context = vertx.getOrCreateContext();
            context.runOnContext(ignored -> next(client, request, deadline, done, errors, finished));
        }
        CompletableFuture.allOf(loops).get(seconds + 30L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - started) / 1e9;
        return new Result(done.sum() / elapsed, errors.sum(), new long[0]);
    }

    private static void next(HttpClient client, RequestOptions request, long deadline, LongAdder done, LongAdder errors,
                             CompletableFuture<Void> finished) {
        if (System.nanoTime() >= deadline) {
            finished.complete(null);
            return;
        }
        client.request(request).compose(r -> r.send()).compose(response -> response.body().map(response.statusCode()))
                .onComplete(result -> {
                    if (result.succeeded() && result.result() == 200) {
                        done.increment();
                    } else {
                        errors.increment();
                    }
                    next(client, request, deadline, done, errors, finished);
                });
    }

    /** Requests at a fixed rate for {@code seconds}, whatever the answers take; latency from each request's intended send time. */
    private static Result openLoop(Vertx vertx, HttpClient client, RequestOptions request, double perSecond, int seconds) throws Exception {
        long total = (long) (perSecond * seconds);
        long[] latencies = new long[(int) Math.min(total, 5_000_000)];
        AtomicLong recorded = new AtomicLong();
        LongAdder errors = new LongAdder();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        long start = System.nanoTime();
        long intervalNanos = (long) (1e9 / perSecond);
        AtomicLong sent = new AtomicLong();
        vertx.setPeriodic(1, timer -> {
            long due = Math.min(total, (System.nanoTime() - start) / intervalNanos + 1);
            while (sent.get() < due) {
                long intended = start + sent.getAndIncrement() * intervalNanos;
                client.request(request).compose(r -> r.send()).compose(response -> response.body().map(response.statusCode()))
                        .onComplete(result -> {
                            if (!result.succeeded() || result.result() != 200) {
                                errors.increment();
                            }
                            long index = recorded.getAndIncrement();
                            if (index < latencies.length) {
                                latencies[(int) index] = System.nanoTime() - intended;
                            }
                            if (index + 1 == total) {
                                finished.complete(null);
                            }
                        });
            }
            if (sent.get() >= total) {
                vertx.cancelTimer(timer);
            }
        });
        finished.get(seconds + 60L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        int count = (int) Math.min(recorded.get(), latencies.length);
        return new Result(recorded.get() / elapsed, errors.sum(), Arrays.copyOf(latencies, count));
    }
}

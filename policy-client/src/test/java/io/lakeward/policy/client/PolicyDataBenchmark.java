package io.lakeward.policy.client;

import io.lakeward.testing.opa.TestingOpa;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decisions with the real policies over a realistic amount of admin-managed data (1,000 grants,
 * 100 row filters, 100 column masks plus tag masks, 200 members): data-access decisions (grant
 * lookup, filter, masks) and resource decisions (roles from the store, an ACL with folders),
 * embedded Wasm (with its decision cache, and with every decision evaluated) vs a real OPA server
 * over loopback. The inputs are a fixed set walked round and round, so the cached variant measures
 * answers given again. Also the time to swap the whole data set into
 * the engine ({@code dataSwap}). Not run by the build; see the README for the command.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PolicyDataBenchmark {

    /** {@code embedded}: with its decision cache (the default); {@code embedded-uncached}: every decision evaluated. */
    @Param({"embedded", "embedded-uncached", "remote"})
    public String engine;

    private PolicyClient client;
    private PolicyData data;
    private List<DataAccessInput> dataInputs;
    private List<AuthorizationInput> resourceInputs;

    /** Each benchmark thread walks the inputs on its own. */
    @State(Scope.Thread)
    public static class Cursor {
        private int next;

        int next(int size) {
            int current = next;
            next = (next + 1) % size;
            return current;
        }
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        data = PolicyDataTable.largeData(1000, 100, 100);
        dataInputs = PolicyDataTable.largeDataInputs();
        resourceInputs = PolicyDataTable.authorizationCases().stream()
                .map(PolicyDataTable.AuthorizationCase::input)
                .filter(input -> input.principal() != null && "acme".equals(input.principal().tenant()))
                .limit(256)
                .map(input -> new AuthorizationInput(new AuthorizationInput.Principal("user-" + (input.hashCode() & 127),
                        input.principal().type(), "acme", input.principal().roles(), input.principal().groups()), input.action(), input.resource(), input.context()))
                .toList();
        if (engine.startsWith("embedded")) {
            EmbeddedPolicyConfig config = EmbeddedPolicyConfig.defaults().withTimeout(Duration.ofSeconds(5));
            client = EmbeddedPolicyClient.start(WasmPolicy.fromClasspath(), data,
                    engine.equals("embedded-uncached") ? config.withDecisionCacheSize(0) : config);
        } else {
            client = new RemotePolicyClient(RemotePolicyConfig.of(TestingOpa.shared().baseUri()).withRequestTimeout(Duration.ofSeconds(5)));
            client.updateData(data).get(30, TimeUnit.SECONDS);
        }
        long allowed = dataInputs.stream().filter(input -> client.decideDataAccess(input).join().decision().allow()).count();
        if (allowed == 0 || allowed == dataInputs.size()) {
            throw new IllegalStateException("the inputs must mix allowed and refused decisions; allowed " + allowed);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        client.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public DataAccessDecision dataAccessThroughput(Cursor cursor) {
        return dataAccess(cursor);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public DataAccessDecision dataAccessLatency(Cursor cursor) {
        return dataAccess(cursor);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Decision resourceLatency(Cursor cursor) {
        Decision decision = client.decide(resourceInputs.get(cursor.next(resourceInputs.size()))).join();
        if (decision.outcome() == Decision.Outcome.UNAVAILABLE) {
            throw new IllegalStateException("no decision: " + decision);
        }
        return decision;
    }

    /** Swapping in a whole new revision of the large data set. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Measurement(iterations = 3, time = 2)
    public void dataSwap() {
        client.updateData(data).join();
    }

    private DataAccessDecision dataAccess(Cursor cursor) {
        DataAccessDecision decision = client.decideDataAccess(dataInputs.get(cursor.next(dataInputs.size()))).join();
        if (decision.decision().outcome() == Decision.Outcome.UNAVAILABLE) {
            throw new IllegalStateException("no decision: " + decision);
        }
        return decision;
    }
}

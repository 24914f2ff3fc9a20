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
 * Decisions per second ({@code throughput}) and the latency distribution, p50/p99 included
 * ({@code latency}), of one authorization decision: embedded Wasm vs a real OPA server over
 * loopback HTTP. Inputs cycle through the conformance decision table. Not run by the build; see
 * the README for the command.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PolicyClientBenchmark {

    @Param({"embedded", "remote"})
    public String engine;

    private PolicyClient client;
    private List<AuthorizationInput> inputs;

    /** Each benchmark thread walks the table on its own. */
    @State(Scope.Thread)
    public static class Cursor {
        private int next;

        AuthorizationInput next(List<AuthorizationInput> inputs) {
            AuthorizationInput input = inputs.get(next);
            next = (next + 1) % inputs.size();
            return input;
        }
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        inputs = DecisionTable.cases().stream().map(DecisionTable.Case::input).toList();
        PolicyData data = PolicyData.empty("benchmark");
        if (engine.equals("embedded")) {
            client = EmbeddedPolicyClient.start(WasmPolicy.fromClasspath(), data, EmbeddedPolicyConfig.defaults().withTimeout(Duration.ofSeconds(5)));
        } else {
            client = new RemotePolicyClient(RemotePolicyConfig.of(TestingOpa.shared().baseUri()).withRequestTimeout(Duration.ofSeconds(5)));
            client.updateData(data).get(30, TimeUnit.SECONDS);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        client.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Decision throughput(Cursor cursor) {
        return decide(cursor);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Decision latency(Cursor cursor) {
        return decide(cursor);
    }

    private Decision decide(Cursor cursor) {
        Decision decision = client.decide(cursor.next(inputs)).join();
        if (decision.outcome() == Decision.Outcome.UNAVAILABLE) {
            // A benchmark of failures would flatter the engine: stop instead.
            throw new IllegalStateException("no decision: " + decision);
        }
        return decision;
    }
}

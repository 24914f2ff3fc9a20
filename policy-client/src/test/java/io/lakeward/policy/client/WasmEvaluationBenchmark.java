package io.lakeward.policy.client;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where an embedded decision's time goes: one Wasm instance evaluated on the benchmark thread
 * (no pool, no executor, no futures), for the same data and inputs as {@link PolicyDataBenchmark};
 * and the JSON writing of an input alone. Not run by the build.
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WasmEvaluationBenchmark {
    private PolicyEngine.Evaluator evaluator;
    private List<DataAccessInput> inputs;
    private List<String> json;
    private int next;

    @Setup(Level.Trial)
    public void start() {
        WasmEngine engine = new WasmEngine(WasmPolicy.fromClasspath(), 1024, Set.of(PolicyClient.AUTHORIZATION_ENTRYPOINT));
        evaluator = engine.newEvaluator(PolicyDataTable.largeData(1000, 100, 100));
        inputs = PolicyDataTable.largeDataInputs();
        json = inputs.stream().map(DecisionResults::toJson).toList();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public String wasmDataAccess() {
        next = (next + 1) % json.size();
        return evaluator.evaluate(PolicyClient.DATA_ACCESS_ENTRYPOINT, json.get(next));
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public String inputJson() {
        next = (next + 1) % inputs.size();
        return DecisionResults.toJson(inputs.get(next));
    }
}

package io.lakeward.policy.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.testing.opa.TestingOpa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EmbeddedPolicyClientTest {
    private static final Duration GENEROUS = Duration.ofSeconds(20);

    @Test
    void decidesWithTheWasmFromThePoliciesJar() throws Exception {
        try (EmbeddedPolicyClient client = EmbeddedPolicyClient.start(WasmPolicy.fromClasspath(), PolicyData.empty("1"), config(2, 2, GENEROUS, GENEROUS))) {
            Decision decision = decide(client, Inputs.allowed());
            assertEquals(Decision.allowed("granted to role viewer", decision.decisionId(), "1").withPolicyDetails(true, 0L), decision);
            assertEquals(Decision.Outcome.DENIED, decide(client, Inputs.withAction("policy.update")).outcome());
        }
    }

    @Test
    void anExhaustedPoolIsUnavailableNotADenial() throws Exception {
        HoldingEngine engine = new HoldingEngine(wasmEngine(WasmPolicy.fromClasspath()));
        // One instance, two threads: the second decision finds the only instance busy.
        try (EmbeddedPolicyClient client = new EmbeddedPolicyClient(engine, PolicyData.empty("1"), config(1, 2, GENEROUS, Duration.ofMillis(200)))) {
            CompletableFuture<Decision> holder = client.decide(Inputs.withAction(HoldingEngine.HOLD));
            assertTrue(engine.awaitHeld());

            long start = System.nanoTime();
            Decision starved = decide(client, Inputs.allowed());
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertEquals(Decision.Outcome.UNAVAILABLE, starved.outcome(), starved.toString());
            assertEquals(Decision.Failure.POOL_EXHAUSTED, starved.failure());
            assertFalse(starved.allow());
            assertTrue(elapsedMillis >= 190 && elapsedMillis < 5_000, "gave up after " + elapsedMillis + " ms");
            assertEquals(ErrorCode.TEMPORARILY_UNAVAILABLE, assertThrows(LakewardException.class, starved::enforce).code());

            engine.release();
            assertEquals(Decision.Outcome.DENIED, holder.get(30, TimeUnit.SECONDS).outcome()); // unknown action, once released
            assertEquals(Decision.Outcome.ALLOWED, decide(client, Inputs.allowed()).outcome(), "the instance went back to the pool");
        } finally {
            engine.release();
        }
    }

    @Test
    void aSlowEvaluationTimesOutAsUnavailable() throws Exception {
        HoldingEngine engine = new HoldingEngine(wasmEngine(WasmPolicy.fromClasspath()));
        try (EmbeddedPolicyClient client = new EmbeddedPolicyClient(engine, PolicyData.empty("1"), config(2, 2, Duration.ofMillis(500), Duration.ofMillis(500)))) {
            long start = System.nanoTime();
            Decision slow = decide(client, Inputs.withAction(HoldingEngine.HOLD));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertEquals(Decision.Outcome.UNAVAILABLE, slow.outcome());
            assertEquals(Decision.Failure.TIMEOUT, slow.failure());
            assertTrue(elapsedMillis >= 490 && elapsedMillis < 5_000, "timed out after " + elapsedMillis + " ms");

            // The other instance still serves while the slow one is busy.
            assertEquals(Decision.Outcome.ALLOWED, decide(client, Inputs.allowed()).outcome());
        } finally {
            engine.release();
        }
    }

    @Test
    void aFullQueueIsOverloadedAtOnce() throws Exception {
        HoldingEngine engine = new HoldingEngine(wasmEngine(WasmPolicy.fromClasspath()));
        EmbeddedPolicyConfig config = new EmbeddedPolicyConfig(1, 1, 1, GENEROUS, GENEROUS, 1024, 0);
        try (EmbeddedPolicyClient client = new EmbeddedPolicyClient(engine, PolicyData.empty("1"), config)) {
            CompletableFuture<Decision> running = client.decide(Inputs.withAction(HoldingEngine.HOLD));
            assertTrue(engine.awaitHeld());
            CompletableFuture<Decision> queued = client.decide(Inputs.allowed());

            Decision rejected = decide(client, Inputs.allowed());
            assertEquals(Decision.Failure.OVERLOADED, rejected.failure(), rejected.toString());
            assertFalse(queued.isDone());

            engine.release();
            assertEquals(Decision.Outcome.DENIED, running.get(30, TimeUnit.SECONDS).outcome());
            assertEquals(Decision.Outcome.ALLOWED, queued.get(30, TimeUnit.SECONDS).outcome());
        } finally {
            engine.release();
        }
    }

    @Test
    void aFailingInstanceIsUnavailableAndReplaced() throws Exception {
        HoldingEngine engine = new HoldingEngine(wasmEngine(WasmPolicy.fromClasspath()));
        try (EmbeddedPolicyClient client = new EmbeddedPolicyClient(engine, PolicyData.empty("1"), config(1, 1, GENEROUS, GENEROUS))) {
            assertEquals(1, engine.evaluatorsMade());

            Decision failed = decide(client, Inputs.withAction(HoldingEngine.FAIL));
            assertEquals(Decision.Outcome.UNAVAILABLE, failed.outcome());
            assertEquals(Decision.Failure.ENGINE_ERROR, failed.failure());
            assertEquals("1", failed.revision());

            // The only instance was dropped; the next decision waits for its replacement.
            assertEquals(Decision.Outcome.ALLOWED, decide(client, Inputs.allowed()).outcome());
            assertEquals(2, engine.evaluatorsMade());
        }
    }

    @Test
    void wasmRuntimeErrorsUndefinedAndMalformedResultsAreUnavailable() throws Exception {
        assertEquals(Decision.Failure.ENGINE_ERROR, decideOnce("conflict", Inputs.withAction("conflict")).failure());
        assertEquals(Decision.Outcome.DENIED, decideOnce("conflict", Inputs.withAction("other")).outcome());
        assertEquals(Decision.Failure.UNDEFINED_RESULT, decideOnce("undefined", Inputs.allowed()).failure());
        assertEquals(Decision.Outcome.ALLOWED, decideOnce("undefined", Inputs.withAction("defined")).outcome());
        assertEquals(Decision.Failure.MALFORMED_RESULT, decideOnce("malformed", Inputs.allowed()).failure());
    }

    @Test
    void loadsThePoliciesFromABundleOrAWasmFile() throws Exception {
        Path bundle = TestPolicies.productionBundle();
        Path wasm = TestPolicies.temporaryDirectory("wasm-file").resolve("policy.wasm");
        Files.write(wasm, WasmPolicy.fromClasspath().module());
        for (WasmPolicy policy : new WasmPolicy[] {WasmPolicy.fromBundle(bundle), WasmPolicy.fromFile(wasm)}) {
            assertTrue(Arrays.equals(WasmPolicy.fromClasspath().module(), policy.module()), policy.source());
            try (EmbeddedPolicyClient client = EmbeddedPolicyClient.start(policy, PolicyData.empty("1"), config(1, 1, GENEROUS, GENEROUS))) {
                assertEquals(Decision.Outcome.ALLOWED, decide(client, Inputs.allowed()).outcome());
            }
        }
    }

    @Test
    void aMissingPolicyFailsClearlyAtLoad() {
        LakewardException missingFile = assertThrows(LakewardException.class, () -> WasmPolicy.fromFile(Path.of("target/no-such/policy.wasm")));
        assertTrue(missingFile.getMessage().contains("no-such/policy.wasm"), missingFile.getMessage());
        LakewardException missingResource = assertThrows(LakewardException.class,
                () -> WasmPolicy.fromClasspath(getClass().getClassLoader(), "io/lakeward/policies/none.wasm"));
        assertTrue(missingResource.getMessage().contains("none.wasm"), missingResource.getMessage());
    }

    @Test
    void aCorruptedWasmFailsClearlyAtStart() throws Exception {
        byte[] real = WasmPolicy.fromClasspath().module();
        Path directory = TestPolicies.temporaryDirectory("corrupt");
        Path truncated = Files.write(directory.resolve("truncated.wasm"), Arrays.copyOf(real, real.length / 2));
        Path garbage = Files.write(directory.resolve("garbage.wasm"), "not wasm at all".getBytes());
        byte[] flipped = real.clone();
        for (int i = 8; i < flipped.length; i += 97) {
            flipped[i] ^= (byte) 0x5a;
        }
        Path damaged = Files.write(directory.resolve("damaged.wasm"), flipped);
        for (Path file : new Path[] {truncated, garbage, damaged}) {
            LakewardException failure = assertThrows(LakewardException.class,
                    () -> EmbeddedPolicyClient.start(WasmPolicy.fromFile(file), PolicyData.empty("1"), config(1, 1, GENEROUS, GENEROUS)).close(),
                    file.toString());
            assertTrue(failure.getMessage().contains(file.toString()) || failure.getMessage().contains("fails to evaluate"), failure.getMessage());
        }
        Path notABundle = Files.write(directory.resolve("bundle.tar.gz"), "not a bundle".getBytes());
        assertThrows(LakewardException.class, () -> WasmPolicy.fromBundle(notABundle));
    }

    @Test
    void aModuleWithoutTheDecisionEntrypointFailsAtStart() throws Exception {
        Path directory = TestPolicies.temporaryDirectory("other-entrypoint");
        Path policies = Files.createDirectories(directory.resolve("policies"));
        Files.writeString(policies.resolve("other.rego"), "package lakeward.other\n\nanswer := true\n");
        Path bundle = TestingOpa.buildWasmBundle(policies, "lakeward/other/answer", directory);
        LakewardException failure = assertThrows(LakewardException.class,
                () -> EmbeddedPolicyClient.start(WasmPolicy.fromBundle(bundle), PolicyData.empty("1"), config(1, 1, GENEROUS, GENEROUS)).close());
        assertTrue(failure.getMessage().contains("no entrypoint lakeward/authz/decision"), failure.getMessage());
    }

    @Test
    void aBundleWithDataIsRefused() throws Exception {
        Path directory = TestPolicies.temporaryDirectory("bundle-with-data");
        Path policies = Files.createDirectories(directory.resolve("policies"));
        Files.copy(TestPolicies.directory("undefined").resolve("lakeward/authz/undefined.rego"), policies.resolve("undefined.rego"));
        Files.writeString(policies.resolve("data.json"), "{\"grants\": [\"all\"]}");
        Path bundle = TestingOpa.buildWasmBundle(policies, PolicyClient.AUTHORIZATION_ENTRYPOINT, directory);
        LakewardException failure = assertThrows(LakewardException.class, () -> WasmPolicy.fromBundle(bundle));
        assertTrue(failure.getMessage().contains("data.json"), failure.getMessage());
    }

    @Test
    void dataThatCannotBeLoadedLeavesThePreviousRevision() throws Exception {
        // Twelve pages (768 KiB) of Wasm memory cannot hold a megabyte of data.
        EmbeddedPolicyConfig small = new EmbeddedPolicyConfig(1, 1, 8, GENEROUS, GENEROUS, 12, 0);
        try (EmbeddedPolicyClient client = EmbeddedPolicyClient.start(WasmPolicy.fromClasspath(), PolicyData.empty("1"), small)) {
            StringBuilder big = new StringBuilder("{\"revision\":\"2\",\"blob\":\"");
            big.append("x".repeat(1 << 20)).append("\"}");
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> client.updateData("2", DecisionResults.MAPPER.readTree(big.toString())).get(60, TimeUnit.SECONDS));
            assertEquals(ErrorCode.INTERNAL_ERROR, ((LakewardException) failure.getCause()).code());
            assertEquals("1", client.revision().orElseThrow());
            assertEquals("1", decide(client, Inputs.allowed()).revision());
        }
    }

    @Test
    void aClosedClientIsUnavailable() throws Exception {
        EmbeddedPolicyClient client = EmbeddedPolicyClient.start(WasmPolicy.fromClasspath(), PolicyData.empty("1"), config(1, 1, GENEROUS, GENEROUS));
        client.close();
        client.close();
        Decision decision = decide(client, Inputs.allowed());
        assertEquals(Decision.Failure.CLOSED, decision.failure());
        ExecutionException failure = assertThrows(ExecutionException.class, () -> client.updateData(PolicyData.empty("2")).get(10, TimeUnit.SECONDS));
        assertEquals(ErrorCode.TEMPORARILY_UNAVAILABLE, ((LakewardException) failure.getCause()).code());
    }

    private static Decision decideOnce(String testPolicy, AuthorizationInput input) throws Exception {
        try (EmbeddedPolicyClient client = EmbeddedPolicyClient.start(TestPolicies.wasm(testPolicy), PolicyData.empty("1"), config(1, 1, GENEROUS, GENEROUS))) {
            return decide(client, input);
        }
    }

    static Decision decide(PolicyClient client, AuthorizationInput input) throws Exception {
        return client.decide(input).get(60, TimeUnit.SECONDS);
    }

    static EmbeddedPolicyConfig config(int poolSize, int threads, Duration timeout, Duration borrowTimeout) {
        return new EmbeddedPolicyConfig(poolSize, threads, 64, timeout, borrowTimeout, 1024, 0);
    }

    static PolicyEngine wasmEngine(WasmPolicy policy) {
        return new WasmEngine(policy, 1024, Set.of(PolicyClient.AUTHORIZATION_ENTRYPOINT));
    }
}

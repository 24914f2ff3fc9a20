package io.lakeward.policy.client;

import com.styra.opa.wasm.OpaPolicy;
import java.util.Map;
import java.util.Set;

/** Evaluators of an OPA Wasm module through opa-java-wasm (Chicory, compiled to JVM bytecode). */
final class WasmEngine implements PolicyEngine {
    /** The opa-java-wasm default; memory grows from there up to the configured maximum. */
    private static final int INITIAL_MEMORY_PAGES = 10;

    private final WasmPolicy policy;
    private final int maxMemoryPages;
    private final Set<String> requiredEntrypoints;

    WasmEngine(WasmPolicy policy, int maxMemoryPages, Set<String> requiredEntrypoints) {
        this.policy = policy;
        this.maxMemoryPages = maxMemoryPages;
        this.requiredEntrypoints = Set.copyOf(requiredEntrypoints);
    }

    @Override
    public Evaluator newEvaluator(PolicyData data) {
        OpaPolicy instance;
        Map<String, Integer> entrypoints;
        try {
            instance = OpaPolicy.builder()
                    .withPolicy(policy.module())
                    .withInitialMemory(Math.min(INITIAL_MEMORY_PAGES, maxMemoryPages))
                    .withMaxMemory(maxMemoryPages)
                    .build();
            entrypoints = Map.copyOf(instance.entrypoints());
        } catch (RuntimeException | LinkageError e) {
            throw WasmPolicy.loadFailure(policy.source(), "not a usable OPA Wasm module (" + e + ")", e);
        }
        for (String required : requiredEntrypoints) {
            if (!entrypoints.containsKey(required)) {
                throw WasmPolicy.loadFailure(policy.source(), "it has no entrypoint " + required + " (it has " + entrypoints.keySet() + ")", null);
            }
        }
        try {
            instance.data(DecisionResults.toJson(data.dataRoot()));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot load policy data revision " + data.revision() + " into the Wasm module", e);
        }
        return new WasmEvaluator(instance, entrypoints);
    }

    private static final class WasmEvaluator implements Evaluator {
        private final OpaPolicy instance;
        private final Map<String, Integer> entrypoints;

        WasmEvaluator(OpaPolicy instance, Map<String, Integer> entrypoints) {
            this.instance = instance;
            this.entrypoints = entrypoints;
        }

        @Override
        public String evaluate(String entrypoint, String input) {
            Integer id = entrypoints.get(entrypoint);
            if (id == null) {
                throw new MissingEntrypointException(entrypoint);
            }
            return instance.entrypoint(id).evaluate(input);
        }

        @Override
        public boolean reload(PolicyData data) {
            // frees the old data and resets the heap before loading: no compilation, no leak
            instance.data(DecisionResults.toJson(data.dataRoot()));
            return true;
        }
    }

    /** The module lacks an entrypoint; the instance itself is unharmed. */
    static final class MissingEntrypointException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MissingEntrypointException(String entrypoint) {
            super("the policy module has no entrypoint " + entrypoint);
        }
    }
}

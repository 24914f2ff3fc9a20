package io.lakeward.policy.client;

/**
 * Makes evaluators of the compiled policies, each holding one revision of the policy data. The
 * Wasm implementation is {@link WasmEngine}; tests wrap it to hold an evaluation or make it fail.
 */
interface PolicyEngine {

    /**
     * A new evaluator with {@code data} loaded. Throws if the policies cannot be instantiated or
     * the data cannot be loaded.
     */
    Evaluator newEvaluator(PolicyData data);

    /** One instance of the policies. Not thread-safe: used by one thread at a time. */
    interface Evaluator {

        /**
         * Evaluates an entrypoint for an input (JSON text) against the data loaded in this
         * evaluator, and returns the result set as JSON text ({@code []} if undefined,
         * {@code [{"result": ...}]} otherwise). Any exception leaves the evaluator unusable.
         */
        String evaluate(String entrypoint, String input);

        /**
         * Replaces this evaluator's data in place, if it can: true when {@code data} is loaded,
         * false when this evaluator cannot reload (build a fresh one instead). Throws if loading
         * failed; the evaluator is then unusable.
         */
        default boolean reload(PolicyData data) {
            return false;
        }
    }
}

package io.lakeward.policy.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of an {@link EmbeddedPolicyClient}.
 *
 * @param poolSize          policy instances per data revision (an instance serves one evaluation at a time)
 * @param evaluationThreads threads of the dedicated evaluation executor
 * @param queueCapacity     evaluations that may wait for a thread; beyond it decisions are
 *                          {@link Decision.Failure#OVERLOADED}
 * @param timeout           the whole budget of one decision: queueing, waiting for an instance, evaluating
 * @param borrowTimeout     how long a decision waits for a free instance before it is
 *                          {@link Decision.Failure#POOL_EXHAUSTED}; at most {@code timeout}
 * @param maxMemoryPages    Wasm memory limit of each instance, in 64 KiB pages (input plus data must fit)
 * @param decisionCacheSize answers kept per data revision, by input ({@link DecisionCache}); 0 evaluates every decision
 */
public record EmbeddedPolicyConfig(
        int poolSize, int evaluationThreads, int queueCapacity, Duration timeout, Duration borrowTimeout, int maxMemoryPages,
        int decisionCacheSize) {

    public EmbeddedPolicyConfig {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(borrowTimeout, "borrowTimeout");
        List<String> problems = new ArrayList<>();
        if (poolSize < 1) {
            problems.add("poolSize must be at least 1");
        }
        if (evaluationThreads < 1) {
            problems.add("evaluationThreads must be at least 1");
        }
        if (queueCapacity < 1) {
            problems.add("queueCapacity must be at least 1");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            problems.add("timeout must be positive");
        }
        if (borrowTimeout.isNegative() || borrowTimeout.isZero() || borrowTimeout.compareTo(timeout) > 0) {
            problems.add("borrowTimeout must be positive and at most timeout");
        }
        if (maxMemoryPages < 2 || maxMemoryPages > 65_536) {
            problems.add("maxMemoryPages must be between 2 and 65536");
        }
        if (decisionCacheSize < 0) {
            problems.add("decisionCacheSize must not be negative");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid embedded policy settings: " + String.join("; ", problems));
        }
    }

    /**
     * One instance and one thread per processor, 1024 queued evaluations, 500 ms per decision of
     * which at most 250 ms waiting for an instance, 64 MiB of Wasm memory per instance, 16,384
     * cached answers per data revision.
     */
    public static EmbeddedPolicyConfig defaults() {
        int processors = Runtime.getRuntime().availableProcessors();
        return new EmbeddedPolicyConfig(processors, processors, 1024, Duration.ofMillis(500), Duration.ofMillis(250), 1024, 16_384);
    }

    public EmbeddedPolicyConfig withPoolSize(int poolSize) {
        return new EmbeddedPolicyConfig(poolSize, evaluationThreads, queueCapacity, timeout, borrowTimeout, maxMemoryPages, decisionCacheSize);
    }

    public EmbeddedPolicyConfig withEvaluationThreads(int evaluationThreads) {
        return new EmbeddedPolicyConfig(poolSize, evaluationThreads, queueCapacity, timeout, borrowTimeout, maxMemoryPages, decisionCacheSize);
    }

    public EmbeddedPolicyConfig withQueueCapacity(int queueCapacity) {
        return new EmbeddedPolicyConfig(poolSize, evaluationThreads, queueCapacity, timeout, borrowTimeout, maxMemoryPages, decisionCacheSize);
    }

    /** Sets the decision timeout; the borrow timeout is shortened to it if longer. */
    public EmbeddedPolicyConfig withTimeout(Duration timeout) {
        Duration borrow = borrowTimeout.compareTo(timeout) > 0 ? timeout : borrowTimeout;
        return new EmbeddedPolicyConfig(poolSize, evaluationThreads, queueCapacity, timeout, borrow, maxMemoryPages, decisionCacheSize);
    }

    public EmbeddedPolicyConfig withBorrowTimeout(Duration borrowTimeout) {
        return new EmbeddedPolicyConfig(poolSize, evaluationThreads, queueCapacity, timeout, borrowTimeout, maxMemoryPages, decisionCacheSize);
    }

    public EmbeddedPolicyConfig withMaxMemoryPages(int maxMemoryPages) {
        return new EmbeddedPolicyConfig(poolSize, evaluationThreads, queueCapacity, timeout, borrowTimeout, maxMemoryPages, decisionCacheSize);
    }

    public EmbeddedPolicyConfig withDecisionCacheSize(int decisionCacheSize) {
        return new EmbeddedPolicyConfig(poolSize, evaluationThreads, queueCapacity, timeout, borrowTimeout, maxMemoryPages, decisionCacheSize);
    }
}

package io.lakeward.policy.client;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the policies in-process from their Wasm build.
 *
 * <p><b>Pooling.</b> A Wasm policy instance is not thread-safe, so each data revision has a
 * bounded pool of {@code poolSize} instances. A decision runs on the dedicated, bounded
 * evaluation executor, borrows an instance (waiting at most until its deadline), evaluates and
 * returns it. An instance that failed is dropped and replaced in the background.
 *
 * <p><b>Data swaps.</b> {@link #updateData} loads the new revision into fresh instances on a
 * loader thread, off the decision path, then swaps the whole pool in one atomic step. An
 * evaluation uses one instance, whose data never changes, and reports that instance's revision:
 * no decision sees a half-applied data set, and decisions started after the update completes use
 * the new revision. Instances of the old revision finish their evaluations and are discarded.
 *
 * <p><b>Failures</b> become {@link Decision.Outcome#UNAVAILABLE} decisions, never exceptions:
 * timeout, exhausted pool, full queue, Wasm trap or abort, undefined or malformed result. A
 * policy that cannot be loaded at all is a start failure ({@link #start} throws).
 */
public final class EmbeddedPolicyClient implements PolicyClient {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPolicyClient.class);

    /** Evaluated once on every new instance: proves the module evaluates, and warms it up. */
    private static final String PROBE_INPUT = "{}";
    /** How long a decision waits on one revision's pool before looking for a newer revision. */
    private static final long BORROW_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final PolicyEngine engine;
    private final EmbeddedPolicyConfig config;
    private final ThreadPoolExecutor evaluations;
    private final ThreadPoolExecutor loader;
    private final AtomicReference<Generation> current = new AtomicReference<>();
    private volatile boolean closed;

    EmbeddedPolicyClient(PolicyEngine engine, PolicyData initialData, EmbeddedPolicyConfig config) {
        this.engine = engine;
        this.config = config;
        current.set(newGeneration(initialData));
        this.evaluations = new ThreadPoolExecutor(config.evaluationThreads(), config.evaluationThreads(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.queueCapacity()), daemonThreads("policy-evaluation-"), new ThreadPoolExecutor.AbortPolicy());
        // Data updates and instance replacements, one at a time and in order; few are ever pending.
        this.loader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(64), daemonThreads("policy-data-loader-"), new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Instantiates {@code policy} with {@code initialData} into a pool and returns the ready
     * client. Throws a {@link LakewardException} if the module is missing, corrupt, lacks the
     * {@value PolicyClient#AUTHORIZATION_ENTRYPOINT} entrypoint or cannot evaluate.
     */
    public static EmbeddedPolicyClient start(WasmPolicy policy, PolicyData initialData, EmbeddedPolicyConfig config) {
        PolicyEngine engine = new WasmEngine(policy, config.maxMemoryPages(), Set.of(AUTHORIZATION_ENTRYPOINT));
        EmbeddedPolicyClient client = new EmbeddedPolicyClient(engine, initialData, config);
        LOG.info("embedded policy engine started from {}: {} instances, data revision {}", policy.source(), config.poolSize(), initialData.revision());
        return client;
    }

    @Override
    public CompletableFuture<Decision> decide(AuthorizationInput input) {
        Objects.requireNonNull(input, "input");
        return decide(AUTHORIZATION_ENTRYPOINT, DecisionResults.AUTHORIZATION, input, DecisionCache.key(input), input.context());
    }

    @Override
    public CompletableFuture<DataAccessDecision> decideDataAccess(DataAccessInput input) {
        Objects.requireNonNull(input, "input");
        return decide(DATA_ACCESS_ENTRYPOINT, DecisionResults.DATA_ACCESS, input, DecisionCache.key(input), input.context());
    }

    /**
     * The answer kept for the same question in the current revision, under a fresh decision id and
     * without leaving the caller's thread; otherwise an evaluation on the evaluation executor.
     */
    private <T> CompletableFuture<T> decide(String entrypoint, DecisionResults.Reader<T> reader, Object input, Object cacheKey,
                                            AuthorizationInput.Context context) {
        String requestId = context == null ? null : context.requestId();
        Generation generation = current.get();
        @SuppressWarnings("unchecked")
        T cached = closed ? null : (T) generation.answers.get(cacheKey);
        if (cached != null) {
            return CompletableFuture.completedFuture(reader.withDecisionId(cached, Decision.newDecisionId()));
        }
        String json;
        try {
            json = DecisionResults.toJson(input);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(reader.unavailable(Decision.unavailable(Decision.Failure.ENGINE_ERROR,
                    "the policy input cannot be written as JSON", Decision.newDecisionId(), null)));
        }
        return submit(entrypoint, reader, json, requestId, cacheKey);
    }

    @Override
    public Optional<String> revision() {
        return Optional.of(current.get().data.revision());
    }

    @Override
    public CompletableFuture<Void> updateData(PolicyData data) {
        Objects.requireNonNull(data, "data");
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(closedFailure());
            return done;
        }
        try {
            loader.execute(new DataUpdate(data, done));
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(closed ? closedFailure()
                    : new LakewardException(ErrorCode.RESOURCE_EXHAUSTED, "too many policy data updates are pending", e));
        }
        return done;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Runnable pending : evaluations.shutdownNow()) {
            if (pending instanceof Evaluation<?> evaluation) {
                evaluation.abandon();
            }
        }
        for (Runnable pending : loader.shutdownNow()) {
            if (pending instanceof DataUpdate update) {
                update.done.completeExceptionally(closedFailure());
            }
        }
        LOG.info("embedded policy engine stopped");
    }

    private <T> CompletableFuture<T> submit(String entrypoint, DecisionResults.Reader<T> reader, String input, String requestId, Object cacheKey) {
        String decisionId = Decision.newDecisionId();
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed) {
            result.complete(reader.unavailable(closedDecision(decisionId)));
            return result;
        }
        long deadline = System.nanoTime() + config.timeout().toNanos();
        Evaluation<T> evaluation = new Evaluation<>(entrypoint, reader, input, cacheKey, decisionId, deadline, result);
        try {
            evaluations.execute(evaluation);
        } catch (RejectedExecutionException e) {
            result.complete(reader.unavailable(closed ? closedDecision(decisionId)
                    : Decision.unavailable(Decision.Failure.OVERLOADED, "the policy evaluation queue is full", decisionId, null)));
        }
        result.completeOnTimeout(reader.unavailable(Decision.unavailable(Decision.Failure.TIMEOUT,
                "no policy decision within " + config.timeout().toMillis() + " ms", decisionId, null)), config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        result.thenAccept(answer -> logUnavailable(reader.decisionOf(answer), requestId));
        return result;
    }

    private void swapIn(PolicyData data, CompletableFuture<Void> done) {
        Generation next;
        try {
            next = nextGeneration(data, current.get());
        } catch (RuntimeException e) {
            LOG.error("policy data revision {} not applied, decisions keep revision {}: {}", data.revision(), current.get().data.revision(), e.toString());
            done.completeExceptionally(new LakewardException(ErrorCode.INTERNAL_ERROR,
                    "cannot load policy data revision " + data.revision(), e));
            return;
        }
        if (closed) {
            done.completeExceptionally(closedFailure());
            return;
        }
        Generation previous = current.getAndSet(next);
        LOG.info("policy data revision {} replaces revision {}", data.revision(), previous.data.revision());
        done.complete(null);
    }

    /**
     * A full pool holding {@code data}: the previous revision's idle instances reloaded in place
     * (taken out of its pool first, so no decision uses one while it changes), fresh instances for
     * the rest. Reloading costs the data's size, compiling costs the module's: this keeps a data
     * swap in milliseconds. If anything fails, the instances taken are replaced for the previous
     * revision and this throws.
     */
    private Generation nextGeneration(PolicyData data, Generation previous) {
        Generation generation = new Generation(data, config.poolSize());
        int taken = 0;
        try {
            for (int i = 0; i < config.poolSize(); i++) {
                PolicyEngine.Evaluator reused = previous == null ? null : previous.idle.poll();
                if (reused != null) {
                    taken++;
                    if (reused.reload(data)) {
                        probe(reused);
                        generation.idle.add(reused);
                        continue;
                    }
                    previous.idle.add(reused);
                    taken--;
                }
                generation.idle.add(newProbedEvaluator(data));
            }
        } catch (RuntimeException | StackOverflowError e) {
            for (int i = 0; i < taken; i++) {
                replace(previous);
            }
            throw e instanceof RuntimeException runtime ? runtime : new LakewardException(ErrorCode.INTERNAL_ERROR, "policy data load failed", e);
        }
        generation.live.set(config.poolSize());
        return generation;
    }

    private static void probe(PolicyEngine.Evaluator evaluator) {
        try {
            evaluator.evaluate(AUTHORIZATION_ENTRYPOINT, PROBE_INPUT);
        } catch (RuntimeException | StackOverflowError e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the policy module fails to evaluate " + AUTHORIZATION_ENTRYPOINT, e);
        }
    }

    /** A full pool of fresh instances holding {@code data}, each probed once. Throws if any cannot be made. */
    private Generation newGeneration(PolicyData data) {
        Generation generation = new Generation(data, config.poolSize());
        for (int i = 0; i < config.poolSize(); i++) {
            generation.idle.add(newProbedEvaluator(data));
        }
        generation.live.set(config.poolSize());
        return generation;
    }

    private PolicyEngine.Evaluator newProbedEvaluator(PolicyData data) {
        PolicyEngine.Evaluator evaluator = engine.newEvaluator(data);
        try {
            evaluator.evaluate(AUTHORIZATION_ENTRYPOINT, PROBE_INPUT);
        } catch (RuntimeException | StackOverflowError e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the policy module fails to evaluate " + AUTHORIZATION_ENTRYPOINT, e);
        }
        return evaluator;
    }

    /** Replaces an instance that failed, if its revision is still the current one. */
    private void replace(Generation generation) {
        generation.live.decrementAndGet();
        if (closed || current.get() != generation) {
            return;
        }
        try {
            loader.execute(() -> {
                if (closed || current.get() != generation) {
                    return;
                }
                try {
                    generation.idle.add(newProbedEvaluator(generation.data));
                    generation.live.incrementAndGet();
                } catch (RuntimeException e) {
                    LOG.error("cannot replace a failed policy instance of revision {}; {} of {} instances remain: {}",
                            generation.data.revision(), generation.live.get(), config.poolSize(), e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.error("cannot schedule the replacement of a failed policy instance; {} of {} instances remain", generation.live.get(), config.poolSize());
        }
    }

    private static void logUnavailable(Decision decision, String requestId) {
        if (decision.outcome() == Decision.Outcome.UNAVAILABLE && decision.failure() != Decision.Failure.CLOSED) {
            LOG.warn("policy decision {} unavailable ({}): {} [request {}]", decision.decisionId(), decision.failure(), decision.reason(), requestId);
        }
    }

    private static Decision closedDecision(String decisionId) {
        return Decision.unavailable(Decision.Failure.CLOSED, "the policy client is closed", decisionId, null);
    }

    private static LakewardException closedFailure() {
        return new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE, "the policy client is closed");
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The instances of one data revision. */
    private final class Generation {
        final PolicyData data;
        final BlockingQueue<PolicyEngine.Evaluator> idle;
        final AtomicInteger live = new AtomicInteger();
        /** The policy's answers under this revision only: dropped with it, so a swap never serves a stale one. */
        final DecisionCache answers = new DecisionCache(config.decisionCacheSize());

        Generation(PolicyData data, int capacity) {
            this.data = data;
            this.idle = new ArrayBlockingQueue<>(capacity);
        }
    }

    /** One data update on the loader thread. */
    private final class DataUpdate implements Runnable {
        private final PolicyData data;
        private final CompletableFuture<Void> done;

        DataUpdate(PolicyData data, CompletableFuture<Void> done) {
            this.data = data;
            this.done = done;
        }

        @Override
        public void run() {
            swapIn(data, done);
        }
    }

    /** One decision on the evaluation executor. */
    private final class Evaluation<T> implements Runnable {
        private final String entrypoint;
        private final DecisionResults.Reader<T> reader;
        private final String input;
        private final Object cacheKey;
        private final String decisionId;
        private final long deadline;
        private final CompletableFuture<T> result;

        Evaluation(String entrypoint, DecisionResults.Reader<T> reader, String input, Object cacheKey, String decisionId, long deadline,
                   CompletableFuture<T> result) {
            this.entrypoint = entrypoint;
            this.reader = reader;
            this.input = input;
            this.cacheKey = cacheKey;
            this.decisionId = decisionId;
            this.deadline = deadline;
            this.result = result;
        }

        @Override
        public void run() {
            if (result.isDone()) {
                return; // timed out while queued
            }
            // Waits in short slices and follows the current revision: a data swap takes the previous
            // revision's idle instances, so a wait on its pool could otherwise outlast the swap.
            long borrowDeadline = System.nanoTime() + Math.min(config.borrowTimeout().toNanos(), deadline - System.nanoTime());
            Generation generation;
            PolicyEngine.Evaluator evaluator = null;
            do {
                generation = current.get();
                try {
                    long slice = Math.min(BORROW_SLICE_NANOS, borrowDeadline - System.nanoTime());
                    evaluator = slice > 0 ? generation.idle.poll(slice, TimeUnit.NANOSECONDS) : generation.idle.poll();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    abandon();
                    return;
                }
            } while (evaluator == null && System.nanoTime() < borrowDeadline);
            String revision = generation.data.revision();
            if (evaluator == null) {
                result.complete(reader.unavailable(Decision.unavailable(Decision.Failure.POOL_EXHAUSTED,
                        "no policy instance became free within " + config.borrowTimeout().toMillis() + " ms", decisionId, revision)));
                return;
            }
            boolean healthy = false;
            try {
                String output = evaluator.evaluate(entrypoint, input);
                healthy = true;
                T answer = DecisionResults.fromWasm(reader, output, decisionId, revision);
                if (reader.decisionOf(answer).outcome() != Decision.Outcome.UNAVAILABLE) {
                    generation.answers.put(cacheKey, answer);
                }
                result.complete(answer);
            } catch (WasmEngine.MissingEntrypointException e) {
                healthy = true;
                result.complete(reader.unavailable(Decision.unavailable(Decision.Failure.ENGINE_ERROR, e.getMessage(), decisionId, revision)));
            } catch (RuntimeException | StackOverflowError e) {
                LOG.warn("policy evaluation {} failed; the instance is replaced", decisionId, e);
                result.complete(reader.unavailable(Decision.unavailable(Decision.Failure.ENGINE_ERROR,
                        "the Wasm policy evaluation failed: " + e.getClass().getSimpleName(), decisionId, revision)));
            } finally {
                if (healthy) {
                    generation.idle.add(evaluator);
                } else {
                    replace(generation);
                }
            }
        }

        void abandon() {
            result.complete(reader.unavailable(closedDecision(decisionId)));
        }
    }
}

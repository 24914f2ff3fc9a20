package io.lakeward.policy.client;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written fake around a real engine: an evaluation whose action is {@value #HOLD} waits
 * until {@link #release()} (or a 30 s safety deadline), one whose action is {@value #FAIL}
 * throws as a Wasm trap would. Everything else is evaluated by the real engine.
 */
final class HoldingEngine implements PolicyEngine {
    static final String HOLD = "test.hold";
    static final String FAIL = "test.fail";

    private final PolicyEngine delegate;
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger evaluatorsMade = new AtomicInteger();
    private final AtomicInteger holding = new AtomicInteger();
    private volatile CountDownLatch entered = new CountDownLatch(1);

    HoldingEngine(PolicyEngine delegate) {
        this.delegate = delegate;
    }

    @Override
    public Evaluator newEvaluator(PolicyData data) {
        Evaluator real = delegate.newEvaluator(data);
        evaluatorsMade.incrementAndGet();
        return (entrypoint, input) -> {
            if (input.contains("\"action\":\"" + HOLD + "\"")) {
                holding.incrementAndGet();
                entered.countDown();
                try {
                    if (!released.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never released the held evaluation");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while held", e);
                } finally {
                    holding.decrementAndGet();
                }
            }
            if (input.contains("\"action\":\"" + FAIL + "\"")) {
                throw new IllegalStateException("simulated Wasm trap");
            }
            return real.evaluate(entrypoint, input);
        };
    }

    /** Waits until a held evaluation has started. */
    boolean awaitHeld() throws InterruptedException {
        boolean held = entered.await(30, TimeUnit.SECONDS);
        entered = new CountDownLatch(1);
        return held;
    }

    void release() {
        released.countDown();
    }

    int evaluatorsMade() {
        return evaluatorsMade.get();
    }
}

package io.lakeward.launcher;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** Numbered progress lines with durations, so a first run that downloads and builds is never silent. */
final class Progress {
    private final PrintStream out;
    private final int steps;
    private int current;

    Progress(PrintStream out, int steps) {
        this.out = out;
        this.steps = steps;
    }

    <T> T step(String what, Callable<T> work) throws Exception {
        current++;
        out.printf("lakeward: [%d/%d] %s ...%n", current, steps, what);
        long started = System.nanoTime();
        T result = work.call();
        out.printf("lakeward: [%d/%d] %s done (%.1f s)%n", current, steps, what, (System.nanoTime() - started) / 1e9);
        return result;
    }
}

package io.lakeward.common.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every configuration problem found while a config record is built, so that start-up
 * reports all of them at once instead of one per attempt.
 */
public final class ConfigProblems {
    private final List<String> problems = new ArrayList<>();

    public void add(String key, String problem) {
        problems.add(key + ": " + problem);
    }

    public List<String> all() {
        return List.copyOf(problems);
    }

    /** Throws if anything was reported; the message lists every problem on its own line. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
    }

    /** Thrown at start-up when the configuration is invalid. */
    public static final class InvalidConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidConfigException(List<String> problems) {
            super("invalid configuration:\n  " + String.join("\n  ", problems));
        }
    }
}

package io.lakeward.metastore.workspace;

import java.security.SecureRandom;

/**
 * Identifies a workspace: a positive number, as Databricks workspace ids are (it travels in
 * {@code X-Databricks-Org-Id}). New ids are random below 2^53 so that JSON clients keep them exact.
 */
public record WorkspaceId(long value) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long LIMIT = 1L << 53;

    public WorkspaceId {
        if (value <= 0 || value >= LIMIT) {
            throw new IllegalArgumentException("a workspace id is a positive number below 2^53");
        }
    }

    public static WorkspaceId random() {
        long value;
        do {
            value = RANDOM.nextLong(LIMIT);
        } while (value < 1_000_000_000L);
        return new WorkspaceId(value);
    }

    /** Parses the decimal form. */
    public static WorkspaceId parse(String text) {
        try {
            return new WorkspaceId(Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a workspace id is a positive number below 2^53");
        }
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}

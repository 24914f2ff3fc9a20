package io.lakeward.audit.verify;

import java.util.List;

/**
 * The verdict on an export: {@link #valid()} only when every check passed. Otherwise
 * {@link #firstBadSequence()} names the first record that is missing, altered, out of place or not
 * covered by a valid signed checkpoint (when the damage concerns records), and
 * {@link #problems()} says what is wrong, first problem first.
 */
public record VerificationResult(boolean valid, Long firstBadSequence, List<String> problems, String tenant, long firstSequence,
                                 long lastSequence, long records, long viewRecords, String keyFingerprint) {
    public VerificationResult {
        problems = List.copyOf(problems);
    }

    /** One line for people: what was verified, or the first problem. */
    public String summary() {
        if (valid) {
            return "export verified: tenant " + tenant + ", records " + (records == 0 ? "none" : firstSequence + "-" + lastSequence)
                    + " (" + records + "), view " + viewRecords + " records, signed by " + keyFingerprint;
        }
        return "export FAILED verification"
                + (firstBadSequence == null ? "" : ": first bad record is sequence " + firstBadSequence)
                + ": " + problems.get(0);
    }
}

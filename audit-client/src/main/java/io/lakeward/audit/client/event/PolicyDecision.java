package io.lakeward.audit.client.event;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.regex.Pattern;

/**
 * The policy decision an audited action was checked against, so an auditor can tie the outcome
 * to the exact policy revision that produced it.
 *
 * @param decisionId     the decision engine's id for this decision (OPA's {@code decision_id})
 * @param policyRevision the revision of the policy data and bundle that decided
 * @param reason         a short, non-secret reason (e.g. the rule that denied), optional
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PolicyDecision(String decisionId, String policyRevision, String reason) {
    private static final Pattern DECISION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    public static final int MAX_REASON_LENGTH = 512;

    public PolicyDecision {
        if (decisionId == null || !DECISION_ID.matcher(decisionId).matches()) {
            throw new IllegalArgumentException("policy decision id is 1 to 128 letters, digits or . _ : -");
        }
        Checks.requireText(policyRevision, "policy revision", 128);
        Checks.optionalText(reason, "policy decision reason", MAX_REASON_LENGTH);
    }
}

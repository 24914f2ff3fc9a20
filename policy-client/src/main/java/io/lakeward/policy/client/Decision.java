package io.lakeward.policy.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The answer of one policy evaluation, as recorded in the audit trail.
 *
 * <p>Three outcomes that callers must tell apart: {@link Outcome#ALLOWED} and
 * {@link Outcome#DENIED} are the policy's own answers; {@link Outcome#UNAVAILABLE} means no
 * answer was obtained (engine error, timeout, exhausted pool, undefined or malformed result) and
 * {@link #failure()} says why. Only {@code ALLOWED} has {@code allow == true}: every failure is a
 * denial (fail closed), yet it is not the policy's denial, so callers answer it with 503
 * {@code TEMPORARILY_UNAVAILABLE}, not 403 (see {@link #enforce()}).
 *
 * @param outcome    allowed, denied by the policy, or unavailable
 * @param allow      {@code true} exactly when the outcome is {@code ALLOWED}
 * @param reason     the policy's reason, or what went wrong; for logs and audit, never for the caller
 * @param decisionId fresh random id of this evaluation (128 bits, hexadecimal)
 * @param revision   revision of the policy data the evaluation used; {@code null} when no data
 *                   was used (some {@code UNAVAILABLE} decisions)
 * @param failure    why no answer was obtained; {@code null} unless the outcome is {@code UNAVAILABLE}
 * @param visible    for a denial: whether the caller may know the resource exists ({@code false}
 *                   for another tenant's resource or one it holds no level on: answered 404, not
 *                   403); {@code null} when the policy did not say
 * @param tenantRevision revision of the tenant's own policy data inside {@code revision} (0: none
 *                   stored yet); {@code null} when the policy did not say
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Decision(
        @JsonProperty("outcome") Outcome outcome,
        @JsonProperty("allow") boolean allow,
        @JsonProperty("reason") String reason,
        @JsonProperty("decision_id") String decisionId,
        @JsonProperty("revision") String revision,
        @JsonProperty("failure") Failure failure,
        @JsonProperty("visible") Boolean visible,
        @JsonProperty("tenant_revision") Long tenantRevision) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The three outcomes of a decision. */
    public enum Outcome {
        ALLOWED,
        DENIED,
        UNAVAILABLE
    }

    /** Why a decision is {@link Outcome#UNAVAILABLE}. */
    public enum Failure {
        /** The evaluation did not finish within the configured timeout. */
        TIMEOUT,
        /** No policy instance became free within the timeout (embedded). */
        POOL_EXHAUSTED,
        /** The evaluation queue is full (embedded). */
        OVERLOADED,
        /** The OPA server could not be reached (remote). */
        UNREACHABLE,
        /** The engine failed: a Wasm trap or abort, an HTTP error status, an unreadable answer. */
        ENGINE_ERROR,
        /** The policy produced no result (undefined decision). */
        UNDEFINED_RESULT,
        /** The result is not {@code {"allow": boolean, "reason": string}}. */
        MALFORMED_RESULT,
        /** No policy data revision is known to be loaded (remote: nothing pushed yet, or a push failed midway). */
        NO_DATA,
        /** The client is closed. */
        CLOSED
    }

    public Decision {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(decisionId, "decisionId");
        if (allow != (outcome == Outcome.ALLOWED)) {
            throw new IllegalArgumentException("allow must be true exactly when the outcome is ALLOWED");
        }
        if ((failure != null) != (outcome == Outcome.UNAVAILABLE)) {
            throw new IllegalArgumentException("a failure is given exactly when the outcome is UNAVAILABLE");
        }
        if (outcome != Outcome.UNAVAILABLE) {
            Objects.requireNonNull(revision, "revision");
        }
    }

    /** The six-field form, for answers that say nothing of visibility or tenant revision. */
    public Decision(Outcome outcome, boolean allow, String reason, String decisionId, String revision, Failure failure) {
        this(outcome, allow, reason, decisionId, revision, failure, null, null);
    }

    /** The policy allowed. */
    public static Decision allowed(String reason, String decisionId, String revision) {
        return new Decision(Outcome.ALLOWED, true, reason, decisionId, revision, null);
    }

    /** The policy denied. */
    public static Decision denied(String reason, String decisionId, String revision) {
        return new Decision(Outcome.DENIED, false, reason, decisionId, revision, null);
    }

    /** No answer was obtained; {@code revision} may be {@code null}. */
    public static Decision unavailable(Failure failure, String reason, String decisionId, String revision) {
        return new Decision(Outcome.UNAVAILABLE, false, reason, decisionId, revision, Objects.requireNonNull(failure, "failure"));
    }

    /** This decision with what the policy said of visibility and of the tenant's revision. */
    public Decision withPolicyDetails(Boolean visible, Long tenantRevision) {
        return new Decision(outcome, allow, reason, decisionId, revision, failure, visible, tenantRevision);
    }

    /** This decision under another decision id: the same answer given again, audited as its own decision. */
    public Decision withDecisionId(String newDecisionId) {
        return new Decision(outcome, allow, reason, newDecisionId, revision, failure, visible, tenantRevision);
    }

    /** The policy denied and the caller may not even know the resource exists. */
    public boolean hidden() {
        return outcome == Outcome.DENIED && Boolean.FALSE.equals(visible);
    }

    /**
     * The revision to record in the audit trail: the tenant's revision within the data revision,
     * e.g. {@code 7@3f2a...}; the data revision alone when the policy did not name the tenant's.
     */
    public String auditRevision() {
        String data = revision == null ? "none" : revision;
        return tenantRevision == null ? data : tenantRevision + "@" + data;
    }

    /** A fresh random decision id: 32 lowercase hexadecimal digits. */
    public static String newDecisionId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Returns this decision if it allows, and otherwise throws what the caller answers with:
     * {@code PERMISSION_DENIED} when the policy denied ({@code RESOURCE_DOES_NOT_EXIST} when the
     * resource is not {@link #visible() visible} to the caller), {@code TEMPORARILY_UNAVAILABLE} when no
     * answer was obtained. The messages say nothing of the policy's reasoning; the reason belongs
     * in the audit event and the log.
     */
    public Decision enforce() {
        return switch (outcome) {
            case ALLOWED -> this;
            case DENIED -> throw hidden()
                    ? new LakewardException(ErrorCode.RESOURCE_DOES_NOT_EXIST, "the resource does not exist")
                    : new LakewardException(ErrorCode.PERMISSION_DENIED, "permission denied");
            case UNAVAILABLE -> throw new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                    "the authorization service is temporarily unavailable; try again later");
        };
    }
}

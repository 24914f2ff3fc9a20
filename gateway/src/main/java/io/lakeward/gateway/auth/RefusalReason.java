package io.lakeward.gateway.auth;

/**
 * Why a credential was refused. The caller never sees it (every refusal answers the same generic
 * 401, or the 404 of a missing resource for another tenant's credential); the audit event of the
 * request records it as {@code authentication_failure}.
 */
public enum RefusalReason {
    MISSING_CREDENTIAL("missing_credential"),
    OVERSIZED("oversized_token"),
    MALFORMED("malformed_token"),
    DUPLICATE_MEMBER("duplicate_member"),
    ALGORITHM_NOT_ALLOWED("algorithm_not_allowed"),
    HEADER_NOT_ALLOWED("header_not_allowed"),
    CRITICAL_HEADER("critical_header"),
    BAD_KEY_ID("bad_key_id"),
    UNKNOWN_KEY("unknown_key"),
    BAD_SIGNATURE("bad_signature"),
    UNKNOWN_ISSUER("unknown_issuer"),
    WRONG_TOKEN_TYPE("wrong_token_type"),
    WRONG_AUDIENCE("wrong_audience"),
    MISSING_CLAIM("missing_claim"),
    EXPIRED("expired"),
    NOT_YET_VALID("not_yet_valid"),
    ISSUED_IN_FUTURE("issued_in_future"),
    UNKNOWN_TOKEN("unknown_token"),
    OTHER_TENANT("other_tenant"),
    /** A personal access token whose owner the identity directory now holds disabled or no longer holds. */
    OWNER_DISABLED("owner_disabled"),
    /** A browser session cookie that names no live session (unknown, ended, timed out or malformed). */
    NO_SESSION("no_session"),
    /** A state-changing request with a session cookie but without a valid CSRF token or from another site. */
    CROSS_SITE_REQUEST("cross_site_request"),
    /** A back-channel logout whose logout token failed validation. */
    INVALID_LOGOUT_TOKEN("invalid_logout_token");

    private final String auditValue;

    RefusalReason(String auditValue) {
        this.auditValue = auditValue;
    }

    /** The value recorded in the audit event. */
    public String auditValue() {
        return auditValue;
    }
}

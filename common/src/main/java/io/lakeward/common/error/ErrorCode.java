package io.lakeward.common.error;

/**
 * The one set of error codes the platform answers with. Names and statuses follow the
 * Databricks REST API so that its clients understand them.
 */
public enum ErrorCode {
    INVALID_PARAMETER_VALUE(400),
    MALFORMED_REQUEST(400),
    UNAUTHENTICATED(401),
    PERMISSION_DENIED(403),
    RESOURCE_DOES_NOT_EXIST(404),
    ENDPOINT_NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    RESOURCE_ALREADY_EXISTS(409),
    RESOURCE_CONFLICT(409),
    REQUEST_LIMIT_EXCEEDED(429),
    RESOURCE_EXHAUSTED(429),
    /** The tenant has as many secret scopes as it may (Databricks secrets API). */
    MAX_SECRET_SCOPES_EXCEEDED(400),
    /** The scope holds as many secrets as it may (Databricks secrets API). */
    MAX_SECRETS_PER_SCOPE_EXCEEDED(400),
    REQUEST_ENTITY_TOO_LARGE(413),
    REQUEST_HEADER_FIELDS_TOO_LARGE(431),
    INTERNAL_ERROR(500),
    TEMPORARILY_UNAVAILABLE(503),
    DEADLINE_EXCEEDED(504);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}

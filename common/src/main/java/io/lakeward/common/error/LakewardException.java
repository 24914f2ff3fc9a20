package io.lakeward.common.error;

import java.util.Objects;

/**
 * The one exception type that carries an {@link ErrorCode}. Its message is shown to the caller,
 * so it must never contain secrets, tokens, stack traces or another tenant's identifiers; details
 * for operators belong in the cause and the server log.
 */
public final class LakewardException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public LakewardException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public LakewardException(ErrorCode code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    public static LakewardException invalidParameter(String message) {
        return new LakewardException(ErrorCode.INVALID_PARAMETER_VALUE, message);
    }

    public static LakewardException notFound(String message) {
        return new LakewardException(ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
    }

    public static LakewardException unauthenticated() {
        return new LakewardException(ErrorCode.UNAUTHENTICATED, "credentials are missing, invalid or expired");
    }

    public static LakewardException permissionDenied(String message) {
        return new LakewardException(ErrorCode.PERMISSION_DENIED, message);
    }

    public static LakewardException unavailable(String message, Throwable cause) {
        return new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE, message, cause);
    }
}

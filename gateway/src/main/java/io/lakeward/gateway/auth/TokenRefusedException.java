package io.lakeward.gateway.auth;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;

/**
 * A credential the gateway does not accept, with the reason for the audit trail. Its
 * {@link #answer()} is what the caller gets: 401 with the generic message, or, for a valid
 * credential of another tenant, exactly the 404 a host without a tenant gets.
 */
public final class TokenRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The message of a host that names no tenant; another tenant's credential gets the same. */
    public static final String NO_WORKSPACE = "no workspace at this address";

    private final RefusalReason reason;

    public TokenRefusedException(RefusalReason reason) {
        super(reason.auditValue(), null, false, false);
        this.reason = reason;
    }

    public RefusalReason reason() {
        return reason;
    }

    public LakewardException answer() {
        return reason == RefusalReason.OTHER_TENANT
                ? new LakewardException(ErrorCode.RESOURCE_DOES_NOT_EXIST, NO_WORKSPACE)
                : LakewardException.unauthenticated();
    }
}

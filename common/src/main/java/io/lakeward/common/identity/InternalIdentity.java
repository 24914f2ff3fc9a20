package io.lakeward.common.identity;

import io.lakeward.common.id.RequestId;
import java.time.Instant;
import java.util.Objects;

/**
 * What the gateway vouches to one internal service for one request: the principal (with its
 * tenant, roles and groups), the request id, and the assertion's audience and lifetime. Carried as
 * a short-lived HMAC-signed assertion (see {@link InternalIdentitySigner}); services take the
 * tenant from here and nowhere else.
 */
public record InternalIdentity(Principal principal, RequestId requestId, String audience, Instant issuedAt, Instant expiresAt) {
    public InternalIdentity {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}

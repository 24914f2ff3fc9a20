package io.lakeward.common.identity;

import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Who a proxied request speaks for, as the gateway vouches to one internal service: the tenant,
 * the principal, its roles and groups, how it authenticated, and the request id. Carried as a
 * short-lived HMAC-signed assertion (see {@link InternalIdentitySigner}); services take the tenant
 * from here and nowhere else.
 */
public record InternalIdentity(
        TenantId tenant,
        String principalId,
        PrincipalType principalType,
        List<String> roles,
        List<String> groups,
        String authenticationMethod,
        RequestId requestId,
        String audience,
        Instant issuedAt,
        Instant expiresAt) {

    public InternalIdentity {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(principalId, "principalId");
        Objects.requireNonNull(principalType, "principalType");
        Objects.requireNonNull(authenticationMethod, "authenticationMethod");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(audience, "audience");
        roles = List.copyOf(roles);
        groups = List.copyOf(groups);
    }

    /** Kinds of principal. */
    public enum PrincipalType {
        USER,
        SERVICE
    }
}

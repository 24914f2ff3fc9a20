package io.lakeward.common.tenant;

import java.util.List;
import java.util.Optional;

/** Looks tenants up by the host a request came to and by the issuer of a token. */
public interface TenantDirectory {
    /** The active tenant served at {@code hostName} (case-insensitive, without port). */
    Optional<Tenant> byHost(String hostName);

    /** The active tenant whose issuer is exactly {@code issuer}. */
    Optional<Tenant> byIssuer(String issuer);

    List<Tenant> all();
}

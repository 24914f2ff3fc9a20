package io.lakeward.gateway.login;

import io.lakeward.common.config.Secret;
import io.lakeward.common.id.TenantId;
import java.util.Optional;

/**
 * The secret of the gateway's confidential login client in each tenant's realm. Supplied by the
 * composition root, which owns the generated secrets; looked up at every login, so tenants added
 * while the gateway runs can sign in at once. Blocking (may read a file).
 */
@FunctionalInterface
public interface LoginClients {
    /** The client secret for {@code tenant}, or empty when the tenant has no gateway client (no browser login). */
    Optional<Secret> clientSecret(TenantId tenant);
}

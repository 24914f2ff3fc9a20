package io.lakeward.workspace.identity;

import io.lakeward.common.id.TenantId;
import java.net.URI;
import java.util.Objects;

/**
 * A tenant's identity directory as it exists after provisioning.
 *
 * @param realm the identity provider's name of the directory (for Keycloak, the realm: the tenant id)
 * @param issuer the {@code iss} of the tokens the directory issues, the base of its OIDC discovery
 */
public record ProvisionedIdentity(TenantId tenantId, String realm, URI issuer) {
    public ProvisionedIdentity {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(issuer, "issuer");
    }

    /** The issuer's OIDC discovery document. */
    public URI discoveryDocument() {
        return URI.create(issuer + "/.well-known/openid-configuration");
    }
}

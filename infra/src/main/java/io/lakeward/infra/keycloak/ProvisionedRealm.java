package io.lakeward.infra.keycloak;

import io.lakeward.common.config.Secret;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A realm that exists in Keycloak, with the credentials generated for it.
 *
 * @param issuer the {@code iss} of the realm's tokens
 * @param gatewayClient the gateway's login client (tenant realms; the platform realm has none)
 * @param automationClient the service-account client for the client-credentials grant
 * @param userPasswords the users created with generated passwords: a tenant's demo users
 *        (empty without them), the platform realm's operator
 * @param firstProvisioning true when this call generated the credentials, false when they were read
 *        from the secrets file of an earlier provisioning
 */
public record ProvisionedRealm(
        String realm,
        URI issuer,
        Optional<ClientCredentials> gatewayClient,
        ClientCredentials automationClient,
        Map<String, Secret> userPasswords,
        boolean firstProvisioning) {

    public ProvisionedRealm {
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(gatewayClient, "gatewayClient");
        Objects.requireNonNull(automationClient, "automationClient");
        // keeps the template's order (admin first) for whoever prints them
        userPasswords = Collections.unmodifiableMap(new LinkedHashMap<>(userPasswords));
    }

    /** The OIDC token endpoint of the realm. */
    public URI tokenEndpoint() {
        return URI.create(issuer + "/protocol/openid-connect/token");
    }

    /** The OIDC discovery document of the realm. */
    public URI discoveryDocument() {
        return URI.create(issuer + "/.well-known/openid-configuration");
    }

    /** The realm's signing keys (JWKS). */
    public URI jwksUri() {
        return URI.create(issuer + "/protocol/openid-connect/certs");
    }
}

package io.lakeward.gateway.login;

import java.net.URI;

/**
 * Where a tenant's issuer serves the OIDC protocol. Keycloak publishes every endpoint at a fixed
 * place under the issuer (its discovery document says the same), so no discovery round trip is
 * needed before a login.
 */
public record OidcEndpoints(URI issuer) {
    public URI authorization() {
        return URI.create(issuer + "/protocol/openid-connect/auth");
    }

    public URI token() {
        return URI.create(issuer + "/protocol/openid-connect/token");
    }

    public URI endSession() {
        return URI.create(issuer + "/protocol/openid-connect/logout");
    }

    public URI keys() {
        return URI.create(issuer + "/protocol/openid-connect/certs");
    }

    public URI discovery() {
        return URI.create(issuer + "/.well-known/openid-configuration");
    }

    /** {@code scheme://host[:port]} of the issuer, for the page policy of a redirect to it. */
    public String origin() {
        return issuer.getScheme() + "://" + issuer.getRawAuthority();
    }
}

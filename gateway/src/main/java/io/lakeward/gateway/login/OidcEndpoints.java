package io.lakeward.gateway.login;

import java.net.URI;
import java.util.Objects;

/**
 * Where a tenant's issuer serves the OIDC protocol, as its discovery document says
 * ({@link OidcDiscovery}): nothing is assumed from the identity provider's make, so any issuer
 * that publishes {@code /.well-known/openid-configuration} (Keycloak, Entra ID, ...) works.
 *
 * @param endSession RP-initiated logout; {@code null} when the issuer offers none
 */
public record OidcEndpoints(URI issuer, URI authorization, URI token, URI endSession, URI keys) {
    public OidcEndpoints {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(keys, "keys");
    }

    /** Where an issuer publishes its discovery document (OpenID Connect Discovery 1.0, section 4). */
    public static URI discoveryDocument(URI issuer) {
        String base = issuer.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/.well-known/openid-configuration");
    }

    /** {@code scheme://host[:port]} of the issuer, for the page policy of a redirect to it. */
    public static String origin(URI issuer) {
        return issuer.getScheme() + "://" + issuer.getRawAuthority();
    }
}

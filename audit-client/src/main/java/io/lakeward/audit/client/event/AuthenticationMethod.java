package io.lakeward.audit.client.event;

/** How the actor authenticated, or tried to (for a rejected attempt the actor is {@link ActorType#ANONYMOUS}). */
public enum AuthenticationMethod {
    NONE,
    /** A browser session established by OIDC login (code flow with PKCE). */
    SESSION_COOKIE,
    /** An OIDC access token (JWT) presented as a bearer token. */
    BEARER_TOKEN,
    PERSONAL_ACCESS_TOKEN,
    /** The short-lived HMAC identity the gateway and services give each other. */
    INTERNAL_IDENTITY,
    /** The per-driver secret on the loopback channel between compute and a cluster driver. */
    DRIVER_SECRET,
    /** A short-lived token scoped to a tenant and cluster, e.g. for the keyvault's wrap/unwrap API. */
    SCOPED_TOKEN,
    /** Sign-in at the identity provider itself (its login form, a client's credentials), as its own events report it. */
    IDENTITY_PROVIDER
}

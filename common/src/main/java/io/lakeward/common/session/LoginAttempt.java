package io.lakeward.common.session;

import io.lakeward.common.id.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * A login the gateway started and the identity provider has not yet answered: found once by the
 * hash of its {@code state}, and only by the browser holding the binding secret whose hash it keeps.
 *
 * @param sealed the nonce and PKCE code verifier, encrypted under the tenant's key
 * @param returnTo the local path to go back to after the login (always starts with one {@code /})
 */
public record LoginAttempt(TenantId tenant, String stateHash, String bindingHash, byte[] sealed, String returnTo, Instant expiresAt) {
    public LoginAttempt {
        Objects.requireNonNull(tenant, "tenant");
        BrowserSession.checkHash(stateHash);
        BrowserSession.checkHash(bindingHash);
        sealed = sealed.clone();
        Objects.requireNonNull(returnTo, "returnTo");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public byte[] sealed() {
        return sealed.clone();
    }

    @Override
    public String toString() {
        return "LoginAttempt[tenant=" + tenant + ", expiresAt=" + expiresAt + "]";
    }
}

package io.lakeward.common.session;

import io.lakeward.common.id.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A browser session as stored: who signed in, their roles and groups as the identity provider
 * stated them at the last token refresh, the identity provider's session id (for back-channel
 * logout), the CSRF token of the session's pages, the tokens as an encrypted envelope, and the
 * times that bound its life.
 *
 * @param sessionHash SHA-256 (hex) of the secret in the browser's cookie; the secret itself is never stored
 * @param providerSessionId the {@code sid} of the identity provider's session, if it named one
 * @param tokens the access, refresh and ID tokens, encrypted under the tenant's key with the session as object
 * @param tokenGeneration increases with every token refresh, so that two refreshes never both win
 * @param expiresAt the absolute end of the session, whatever its activity
 */
public record BrowserSession(
        TenantId tenant,
        String sessionHash,
        String subject,
        String userName,
        List<String> roles,
        List<String> groups,
        String providerSessionId,
        String csrfToken,
        byte[] tokens,
        int tokenGeneration,
        Instant accessExpiresAt,
        Instant createdAt,
        Instant lastSeenAt,
        Instant expiresAt) {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    public BrowserSession {
        Objects.requireNonNull(tenant, "tenant");
        checkHash(sessionHash);
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(userName, "userName");
        roles = List.copyOf(roles);
        groups = List.copyOf(groups);
        Objects.requireNonNull(csrfToken, "csrfToken");
        tokens = tokens.clone();
        Objects.requireNonNull(accessExpiresAt, "accessExpiresAt");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public byte[] tokens() {
        return tokens.clone();
    }

    /** The same session with refreshed tokens and principal attributes. */
    public BrowserSession withTokens(byte[] newTokens, Instant newAccessExpiresAt, List<String> newRoles, List<String> newGroups) {
        return new BrowserSession(tenant, sessionHash, subject, userName, newRoles, newGroups, providerSessionId, csrfToken, newTokens,
                tokenGeneration + 1, newAccessExpiresAt, createdAt, lastSeenAt, expiresAt);
    }

    /** Checks that {@code hash} is 64 lowercase hex digits (a SHA-256). */
    public static String checkHash(String hash) {
        if (hash == null || !HASH.matcher(hash).matches()) {
            throw new IllegalArgumentException("a session or attempt hash is 64 lowercase hex digits");
        }
        return hash;
    }

    @Override
    public String toString() {
        return "BrowserSession[tenant=" + tenant + ", subject=" + subject + ", generation=" + tokenGeneration + "]";
    }
}

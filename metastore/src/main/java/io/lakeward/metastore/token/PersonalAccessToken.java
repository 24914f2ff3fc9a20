package io.lakeward.metastore.token;

import io.lakeward.common.id.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A stored personal access token: everything but the token itself, of which only the SHA-256 is
 * kept. The owner's identity (id, name, kind, roles and groups) is recorded as it was when the
 * token was made: a request with the token acts as that principal.
 *
 * @param tokenId     32 lowercase hex digits, random, unrelated to the token value
 * @param tokenHash   the SHA-256 of the token (32 bytes)
 * @param ownerType   {@code USER} or {@code SERVICE}
 * @param lastUsedAt  approximate (writes are coalesced), empty until first use
 */
public record PersonalAccessToken(
        TenantId tenant,
        String tokenId,
        byte[] tokenHash,
        String ownerId,
        String ownerName,
        String ownerType,
        List<String> ownerRoles,
        List<String> ownerGroups,
        String comment,
        Instant createdAt,
        Instant expiresAt,
        Optional<Instant> lastUsedAt) {
    private static final Pattern TOKEN_ID = Pattern.compile("[0-9a-f]{32}");
    public static final int MAX_COMMENT_LENGTH = 1000;
    public static final int MAX_NAME_LENGTH = 256;

    public PersonalAccessToken {
        Objects.requireNonNull(tenant, "tenant");
        if (tokenId == null || !TOKEN_ID.matcher(tokenId).matches()) {
            throw new IllegalArgumentException("a token id is 32 lowercase hex digits");
        }
        if (tokenHash == null || tokenHash.length != 32) {
            throw new IllegalArgumentException("a token hash is the 32 bytes of a SHA-256");
        }
        tokenHash = tokenHash.clone();
        requireText(ownerId, "owner id");
        requireText(ownerName, "owner name");
        if (!"USER".equals(ownerType) && !"SERVICE".equals(ownerType)) {
            throw new IllegalArgumentException("owner type is USER or SERVICE");
        }
        ownerRoles = List.copyOf(ownerRoles);
        ownerGroups = List.copyOf(ownerGroups);
        Objects.requireNonNull(comment, "comment");
        if (comment.length() > MAX_COMMENT_LENGTH) {
            throw new IllegalArgumentException("a comment is at most " + MAX_COMMENT_LENGTH + " characters");
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (!expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("a token expires after it is made");
        }
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
    }

    public static boolean isTokenId(String value) {
        return value != null && TOKEN_ID.matcher(value).matches();
    }

    @Override
    public byte[] tokenHash() {
        return tokenHash.clone();
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isEmpty() || value.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(what + " is 1 to " + MAX_NAME_LENGTH + " characters");
        }
    }

    @Override
    public String toString() {
        // never the hash: it is all a verifier needs to recognise the token
        return "PersonalAccessToken[" + tenant + "/" + tokenId + " of " + ownerId + ", expires " + expiresAt + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PersonalAccessToken that && tenant.equals(that.tenant) && tokenId.equals(that.tokenId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, tokenId);
    }
}

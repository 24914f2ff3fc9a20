package io.lakeward.audit.client.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.lakeward.common.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Links the audit events of one browser or API session without recording the session token:
 * SHA-256 over a domain-separation prefix and the token, as 64 lowercase hexadecimal digits.
 * The prefix keeps this value different from any hash a session store may use as its key.
 */
public record SessionIdHash(@JsonValue String value) {
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{64}");
    private static final byte[] DOMAIN = "lakeward-audit-session-v1:".getBytes(StandardCharsets.UTF_8);

    public SessionIdHash {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("a session id hash is 64 lowercase hexadecimal digits");
        }
    }

    @JsonCreator
    public static SessionIdHash of(String value) {
        return new SessionIdHash(value);
    }

    /** The hash of a raw session token (cookie value, bearer token); the token itself is not kept. */
    public static SessionIdHash fromSessionToken(Secret sessionToken) {
        return fromSessionToken(sessionToken.reveal());
    }

    /** The hash of a raw session token (cookie value, bearer token); the token itself is not kept. */
    public static SessionIdHash fromSessionToken(String sessionToken) {
        if (sessionToken == null || sessionToken.isEmpty()) {
            throw new IllegalArgumentException("a session token is required");
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(DOMAIN);
            digest.update(sessionToken.getBytes(StandardCharsets.UTF_8));
            return new SessionIdHash(HexFormat.of().formatHex(digest.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}

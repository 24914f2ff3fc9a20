package io.lakeward.audit.client.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Identifies one audit event: 128 random bits as 32 lowercase hexadecimal digits. The audit
 * service deduplicates on it, which makes the outbox's at-least-once delivery safe.
 */
public record AuditEventId(@JsonValue String value) {
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public AuditEventId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("an audit event id is 32 lowercase hexadecimal digits");
        }
    }

    @JsonCreator
    public static AuditEventId of(String value) {
        return new AuditEventId(value);
    }

    /** A fresh random event id. */
    public static AuditEventId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new AuditEventId(HexFormat.of().formatHex(bytes));
    }

    @Override
    public String toString() {
        return value;
    }
}

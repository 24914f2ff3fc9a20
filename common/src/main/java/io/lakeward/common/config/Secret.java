package io.lakeward.common.config;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A secret value (password, client secret, key material in text form). Its {@code toString()}
 * is redacted so that it cannot leak into logs, error messages or debug output by accident.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The secret itself; call only where it is handed to the component that needs it. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        // constant-time comparison: equality checks on secrets must not leak a prefix length
        return other instanceof Secret that
                && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), that.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}

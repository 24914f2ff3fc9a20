package io.lakeward.common.id;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Identifies one request across the gateway, the services and the audit trail. */
public record RequestId(String value) {
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public RequestId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("a request id is 32 lowercase hexadecimal digits");
        }
    }

    /** A fresh random request id (128 bits). */
    public static RequestId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new RequestId(HexFormat.of().formatHex(bytes));
    }

    @Override
    public String toString() {
        return value;
    }
}

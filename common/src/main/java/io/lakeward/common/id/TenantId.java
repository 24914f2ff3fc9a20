package io.lakeward.common.id;

import java.util.regex.Pattern;

/**
 * Identifies a tenant. A tenant id is also the first label of the tenant's host name and the
 * name of its identity realm, so it is restricted to what all three accept: 2 to 40 lowercase
 * letters, digits and hyphens, starting with a letter and not ending with a hyphen.
 */
public record TenantId(String value) {
    private static final Pattern FORMAT = Pattern.compile("[a-z](?:[a-z0-9-]{0,38}[a-z0-9])");

    public TenantId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("a tenant id is 2 to 40 lowercase letters, digits or hyphens, starting with a letter");
        }
    }

    public static TenantId of(String value) {
        return new TenantId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}

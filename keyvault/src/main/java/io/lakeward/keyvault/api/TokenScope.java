package io.lakeward.keyvault.api;

import io.lakeward.common.id.TenantId;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a scoped token lets its holder do: use the key-encryption key of one tenant, as one caller
 * (for example {@code cluster:0412-abc}). The caller is recorded in every audit event and is what
 * revocation targets when that caller stops.
 */
public record TokenScope(TenantId tenant, String caller) {
    private static final Pattern CALLER = Pattern.compile("[a-z][a-z0-9-]{0,31}:[A-Za-z0-9._-]{1,96}");

    public TokenScope {
        Objects.requireNonNull(tenant, "tenant");
        if (caller == null || !CALLER.matcher(caller).matches()) {
            throw new IllegalArgumentException("a caller is <kind>:<id>, e.g. cluster:0412-abc");
        }
    }
}

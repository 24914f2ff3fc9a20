package io.lakeward.keyvault.keys;

import java.util.Objects;
import javax.crypto.SecretKey;

/**
 * One version of a tenant's key-encryption key. It stays inside this package: callers see only
 * version numbers, never the key.
 */
final class TenantKey {
    private final int version;
    private final SecretKey key;

    TenantKey(int version, SecretKey key) {
        this.version = version;
        this.key = Objects.requireNonNull(key, "key");
    }

    int version() {
        return version;
    }

    SecretKey key() {
        return key;
    }

    @Override
    public String toString() {
        return "TenantKey[version=" + version + ", key=redacted]";
    }
}

package io.lakeward.keyvault;

import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.config.ConfigSource;
import io.lakeward.common.config.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of the keyvault ({@code keyvault.*} keys).
 *
 * @param masterKey the platform master key (base64 of 32 bytes) from {@code keyvault.master-key} in
 *     the environment or the file named by {@code keyvault.master-key.file}; empty in the embedded
 *     default, where {@code masterKeyFile} holds a generated one
 * @param masterKeyFile where the embedded default keeps its generated master key (owner-only)
 * @param keystoreFile the BCFKS keystore of the tenants' key-encryption keys
 * @param port the loopback port of the wrap/unwrap API (0 picks a free one)
 * @param tokenLifetime how long a scoped token lives before it must be refreshed
 */
public record KeyvaultConfig(Optional<Secret> masterKey, Path masterKeyFile, Path keystoreFile, int port, Duration tokenLifetime) {
    /** Longest lifetime a scoped token may be configured with. */
    public static final Duration MAX_TOKEN_LIFETIME = Duration.ofHours(1);

    public KeyvaultConfig {
        Objects.requireNonNull(masterKey, "masterKey");
        Objects.requireNonNull(masterKeyFile, "masterKeyFile");
        Objects.requireNonNull(keystoreFile, "keystoreFile");
        Objects.requireNonNull(tokenLifetime, "tokenLifetime");
    }

    public static KeyvaultConfig from(ConfigSource source, ConfigProblems problems, Path stateDirectory) {
        Optional<Secret> masterKey = source.secret("keyvault.master-key", problems);
        // without a configured key the embedded default generates one here at first start
        Path masterKeyFile = stateDirectory.resolve("secrets").resolve("master.key");
        Path keystore = source.path("keyvault.keystore", stateDirectory.resolve("keyvault").resolve("tenant-keys.bcfks"));
        int port = source.port("keyvault.port", 9454, problems);
        Duration lifetime = source.duration("keyvault.token.lifetime", Duration.ofMinutes(15), problems);
        if (lifetime.compareTo(Duration.ofSeconds(10)) < 0 || lifetime.compareTo(MAX_TOKEN_LIFETIME) > 0) {
            problems.add("keyvault.token.lifetime", "must be from 10s to 1h");
            lifetime = Duration.ofMinutes(15);
        }
        return new KeyvaultConfig(masterKey, masterKeyFile.toAbsolutePath(), keystore.toAbsolutePath(), port, lifetime);
    }
}

package io.lakeward.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.config.ConfigSource;
import io.lakeward.common.id.TenantId;
import io.lakeward.keyvault.Keyvault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The platform refuses to start, with a message an operator can act on, when its keystore cannot be
 * opened: never does it run without encryption or with fresh keys in place of lost ones. The
 * keyvault opens before Keycloak and the database, so nothing else has started when it refuses.
 */
class KeyvaultStartTest {
    private static final String CANNOT_OPEN = "cannot be opened: the master key is wrong or the file is corrupted";

    @Test
    void aCorruptedKeystoreStopsTheStart() throws Exception {
        PlatformConfig config = config(Map.of());
        Keyvault first = Keyvault.open(config.keyvault(), Clock.systemUTC());
        first.ensureTenantKey(TenantId.of("acme"));
        byte[] file = Files.readAllBytes(config.keyvault().keystoreFile());
        file[file.length / 2] ^= 0x01;
        Files.write(config.keyvault().keystoreFile(), file);

        String message = refusedStart(config);
        assertTrue(message.contains(CANNOT_OPEN), message);
    }

    @Test
    void aTruncatedKeystoreStopsTheStart() throws Exception {
        PlatformConfig config = config(Map.of());
        Keyvault.open(config.keyvault(), Clock.systemUTC()).ensureTenantKey(TenantId.of("acme"));
        Files.write(config.keyvault().keystoreFile(), new byte[0]);
        assertTrue(refusedStart(config).contains(CANNOT_OPEN));
    }

    @Test
    void aWrongMasterKeyStopsTheStart() throws Exception {
        PlatformConfig generated = config(Map.of());
        Keyvault.open(generated.keyvault(), Clock.systemUTC()).ensureTenantKey(TenantId.of("acme"));
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        String otherKey = Base64.getEncoder().encodeToString(other);
        PlatformConfig wrong = config(generated.stateDirectory(), Map.of("keyvault.master-key", otherKey));

        String message = refusedStart(wrong);
        assertTrue(message.contains(CANNOT_OPEN), message);
        assertFalse(message.contains(otherKey), "the key is never repeated");
    }

    @Test
    void aLostMasterKeyFileIsNotReplacedByANewKey() throws Exception {
        PlatformConfig config = config(Map.of());
        Keyvault.open(config.keyvault(), Clock.systemUTC()).ensureTenantKey(TenantId.of("acme"));
        Files.delete(config.keyvault().masterKeyFile());

        String message = refusedStart(config);
        assertTrue(message.contains("restore the master key"), message);
        assertFalse(Files.exists(config.keyvault().masterKeyFile()), "no new master key was generated");
    }

    @Test
    void aMalformedConfiguredMasterKeyStopsTheStart() throws Exception {
        PlatformConfig config = config(Map.of("keyvault.master-key", "not-base64-of-32-bytes"));
        String message = refusedStart(config);
        assertTrue(message.contains("keyvault.master-key"), message);
        assertFalse(message.contains("not-base64-of-32-bytes"));
        assertFalse(Files.exists(config.keyvault().keystoreFile()), "nothing was created under a key that was refused");
    }

    @Test
    void theRightMasterKeyOpensTheSameKeysAgain() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        PlatformConfig config = config(Map.of("keyvault.master-key", Base64.getEncoder().encodeToString(key)));
        Keyvault first = Keyvault.open(config.keyvault(), Clock.systemUTC());
        first.ensureTenantKey(TenantId.of("acme"));
        byte[] envelope = first.cipher().encrypt(TenantId.of("acme"), "object-1", "hello".getBytes(StandardCharsets.UTF_8));
        assertFalse(Files.exists(config.keyvault().masterKeyFile()), "a configured key is never written to the state directory");

        Keyvault again = Keyvault.open(config.keyvault(), Clock.systemUTC());
        assertEquals("hello", new String(again.cipher().decrypt(TenantId.of("acme"), "object-1", envelope), StandardCharsets.UTF_8));
    }

    /** Starts the platform, expects it to fail, and checks that it left nothing running. */
    private static String refusedStart(PlatformConfig config) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Exception failure = assertThrows(Exception.class,
                () -> EmbeddedPlatform.start(config, new PrintStream(output, true, StandardCharsets.UTF_8)).close());
        String progress = output.toString(StandardCharsets.UTF_8);
        assertFalse(progress.contains("Keycloak"), "the start stopped before Keycloak: " + progress);
        assertFalse(Files.exists(config.state().run().resolve("platform.pid")), "no process is recorded as running");
        return failure.getMessage();
    }

    private static PlatformConfig config(Map<String, String> extra) {
        Path state = Path.of("target", "keyvault-start-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        return config(state, extra);
    }

    private static PlatformConfig config(Path state, Map<String, String> extra) {
        Map<String, String> settings = RunningPlatform.settings(state);
        settings.putAll(extra);
        return PlatformConfig.load(ConfigSource.ofMap(settings));
    }
}

package io.lakeward.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.config.ConfigSource;
import io.lakeward.infra.keycloak.RealmProvisioner;
import io.lakeward.infra.keycloak.RealmSecrets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A second {@code up} on the same state directory reuses everything the first one made. */
class PlatformRestartTest {
    @Test
    void aSecondStartReusesTheCaTheRealmsAndTheirSecrets() throws Exception {
        Path state = Path.of("target", "restart-state-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        PlatformConfig config = PlatformConfig.load(ConfigSource.ofMap(RunningPlatform.settings(state)));

        String firstCa;
        String firstSecrets;
        String firstAuditKey;
        try (EmbeddedPlatform first = EmbeddedPlatform.start(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            firstCa = Files.readString(config.state().caCertificate());
            firstSecrets = Files.readString(RealmProvisioner.secretsFile(config.state().secrets(), "acme"));
            firstAuditKey = first.auditPublicKey().fingerprint();
        }

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        long started = System.nanoTime();
        try (EmbeddedPlatform second = EmbeddedPlatform.start(config, new PrintStream(output, true, StandardCharsets.UTF_8))) {
            System.out.printf("second start on the same state directory: %.1f s%n", (System.nanoTime() - started) / 1e9);
            assertEquals(firstCa, Files.readString(config.state().caCertificate()), "the CA is made once");
            assertEquals(firstSecrets, Files.readString(RealmProvisioner.secretsFile(config.state().secrets(), "acme")), "secrets are generated once");
            assertEquals(firstAuditKey, second.auditPublicKey().fingerprint(), "the audit-signing key is generated once");
            String banner = output.toString(StandardCharsets.UTF_8);
            assertTrue(banner.contains("printed at first start"), banner);
            RealmSecrets secrets = RealmSecrets.read(RealmProvisioner.secretsFile(config.state().secrets(), "acme"));
            assertFalse(secrets.userPasswords().isEmpty());
            secrets.userPasswords().values().forEach(password ->
                    assertFalse(banner.contains(password.reveal()), "passwords are printed only once"));
        }
    }
}

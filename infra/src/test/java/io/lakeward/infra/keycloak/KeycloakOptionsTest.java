package io.lakeward.infra.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeycloakOptionsTest {
    @TempDir
    Path directory;
    Path home;
    Path file;

    @BeforeEach
    void fakeDistribution() throws Exception {
        home = directory.resolve("keycloak-26.4.5");
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin/kc.sh"), "#!/bin/sh\n");
        file = Files.writeString(directory.resolve("some.pem"), "x");
    }

    @Test
    void validOptionsGetDefaultsAndAbsolutePaths() {
        KeycloakOptions options = new KeycloakOptions(home, "auth.lakeward.localhost", 9543, 9544, file, file, file, file,
                "lakeward-admin", Secret.of("a-long-enough-password"), Path.of("keycloak.log"), null, Duration.ofMinutes(3));
        assertEquals(home.resolveSibling("keycloak.pid"), options.pidFile());
        assertTrue(options.logFile().isAbsolute());
        assertFalse(options.toString().contains("a-long-enough-password"), "the password is redacted");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> new KeycloakOptions(
                directory, "Auth_Host", 70000, 70000, directory.resolve("missing.pem"), file, file, file,
                "Admin User", Secret.of("short"), null, null, Duration.ZERO));
        List<String> expected = List.of("home:", "hostname:", "httpsPort:", "managementPort:", "certificatePem:", "adminUsername:",
                "adminPassword:", "logFile:", "startTimeout:");
        for (String problem : expected) {
            assertTrue(failure.getMessage().contains(problem), problem + " in " + failure.getMessage());
        }
    }

    @Test
    void hostsFilePathMustSurviveJavaOptsSplitting() throws Exception {
        Path spaced = Files.writeString(directory.resolve("my hosts"), "127.0.0.1 localhost\n");
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> new KeycloakOptions(
                home, "auth.lakeward.localhost", 0, 0, file, file, file, spaced,
                "lakeward-admin", Secret.of("a-long-enough-password"), directory.resolve("k.log"), null, Duration.ofMinutes(1)));
        assertTrue(failure.getMessage().contains("hostsFile"));
    }

    @Test
    void commandRunsThePreBuiltServerOnLoopbackWithHttpsOnly() {
        KeycloakOptions options = new KeycloakOptions(home, "auth.lakeward.localhost", 9543, 9544, file, file, file, file,
                "lakeward-admin", Secret.of("a-long-enough-password"), directory.resolve("k.log"), null, Duration.ofMinutes(3));
        List<String> command = KeycloakServer.command(options, 9543, 9544);
        assertEquals(home.resolve("bin/kc.sh").toString(), command.get(0));
        assertTrue(command.containsAll(List.of("start", "--optimized", "--http-enabled=false", "--http-host=127.0.0.1", "--cache=local",
                "--https-port=9543", "--http-management-port=9544", "--hostname=https://auth.lakeward.localhost:9543",
                "--truststore-paths=" + file)), command.toString());
        assertFalse(String.join(" ", command).contains("a-long-enough-password"), "the password travels in the environment only");
    }
}

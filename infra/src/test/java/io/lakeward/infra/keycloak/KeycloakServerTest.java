package io.lakeward.infra.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.keyvault.tls.ServerCertificate;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Starting and stopping the real server. */
class KeycloakServerTest {
    @Test
    void runningServerIsRecordedInItsPidFileAndNamesItsIssuers() throws Exception {
        KeycloakServer server = TestKeycloak.server();
        Path pidFile = server.options().pidFile();
        assertEquals(server.options().home().resolveSibling("keycloak.pid"), pidFile);
        assertEquals(Long.toString(server.pid()), Files.readString(pidFile).trim());
        assertTrue(ProcessHandle.of(server.pid()).orElseThrow().isAlive());
        assertEquals(URI.create("https://auth.lakeward.localhost:" + server.httpsPort() + "/realms/acme"), server.issuer("acme"));
        assertThrows(IllegalArgumentException.class, () -> server.issuer("../admin"));
    }

    @Test
    void aTakenPortFailsTheStartBeforeAnythingRuns() throws Exception {
        KeycloakServer running = TestKeycloak.server();
        ServerCertificate certificate = TestKeycloak.certificateAuthority().issueServerCertificate("keycloak", List.of(TestKeycloak.HOSTNAME));
        KeycloakOptions options = TestKeycloak.options(running.options().home(), certificate, running.httpsPort(), 0,
                TestKeycloak.stateDirectory().resolve("second.log"));

        IOException failure = assertThrows(IOException.class, () -> KeycloakServer.start(options));
        assertTrue(failure.getMessage().contains("port " + running.httpsPort() + " on 127.0.0.1 is in use"), failure.getMessage());
    }

    @Test
    void aServerThatCannotStartFailsWithTheEndOfItsLog() throws Exception {
        ServerCertificate keycloak = TestKeycloak.certificateAuthority().issueServerCertificate("keycloak", List.of(TestKeycloak.HOSTNAME));
        Path home = TestKeycloak.freshHome();
        Path notAKey = Files.writeString(home.resolveSibling("not-a-key.pem"), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        Path log = home.resolveSibling("failing.log");
        KeycloakOptions options = TestKeycloak.options(home, new ServerCertificate(keycloak.certificatePem(), notAKey, keycloak.certificate()),
                0, 0, log);

        IOException failure = assertThrows(IOException.class, () -> KeycloakServer.start(options));

        assertTrue(failure.getMessage().contains("Keycloak exited with code"), failure.getMessage());
        assertTrue(failure.getMessage().contains("last lines of " + log), failure.getMessage());
        assertTrue(failure.getMessage().contains("ERROR"), failure.getMessage());
        assertFalse(Files.exists(options.pidFile()), "the pid file of a failed start is removed");
    }

    @Test
    void aServerThatIsNotReadyInTimeIsStopped() throws Exception {
        ServerCertificate keycloak = TestKeycloak.certificateAuthority().issueServerCertificate("keycloak", List.of(TestKeycloak.HOSTNAME));
        Path home = TestKeycloak.freshHome();
        // a Keycloak start takes over ten seconds here: five is too short
        KeycloakOptions options = TestKeycloak.options(home, keycloak, 0, 0, home.resolveSibling("slow.log"), Duration.ofSeconds(5));

        IOException failure = assertThrows(IOException.class, () -> KeycloakServer.start(options));

        assertTrue(failure.getMessage().startsWith("Keycloak was not ready within 5 s"), failure.getMessage());
        assertTrue(failure.getMessage().contains("=== lakeward: starting Keycloak"), failure.getMessage());
        assertFalse(Files.exists(options.pidFile()));
        assertTrue(ProcessHandle.allProcesses().noneMatch(process -> process.info().commandLine()
                .map(line -> line.contains(home.toString())).orElse(false)), "nothing of that server is left running");
    }

    @Test
    void stoppingFromAPidFileLeavesOtherProcessesAlone() throws Exception {
        Process unrelated = new ProcessBuilder("sleep", "120").start();
        try {
            Path pidFile = Files.createTempFile(TestKeycloak.stateDirectory(), "unrelated", ".pid");
            Files.writeString(pidFile, unrelated.pid() + "\n");

            assertFalse(KeycloakServer.stop(pidFile), "a pid that is not Keycloak's is not stopped");
            assertTrue(unrelated.isAlive());
            assertFalse(Files.exists(pidFile), "the stale pid file is removed");
            assertFalse(KeycloakServer.stop(pidFile), "no pid file, nothing to stop");
        } finally {
            unrelated.destroyForcibly();
        }
    }
}

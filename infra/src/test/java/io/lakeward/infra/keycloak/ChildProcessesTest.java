package io.lakeward.infra.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessesTest {
    @TempDir
    Path directory;

    @Test
    void stopTreeStopsEveryDescendant() throws Exception {
        // a shell that ignores SIGTERM, with two children: the kill escalates for the shell only
        Process shell = new ProcessBuilder("sh", "-c", "trap '' TERM; sleep 300 & sleep 300 & wait").start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (shell.toHandle().descendants().count() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        List<ProcessHandle> tree = shell.toHandle().descendants().toList();
        assertEquals(2, tree.size());

        assertTrue(ChildProcesses.stopTree(shell.toHandle(), Duration.ofSeconds(2)));

        assertFalse(shell.isAlive());
        tree.forEach(child -> assertFalse(child.isAlive()));
    }

    @Test
    void aTiedCommandEndsWhenItsOwnerIsKilled() throws Exception {
        Process owner = new ProcessBuilder("sleep", "300").start();
        ProcessBuilder builder = ChildProcesses.builder(ChildProcesses.tiedTo(List.of("sleep", "300")), directory);
        builder.environment().put(ChildProcesses.OWNER_PID_VARIABLE, Long.toString(owner.pid()));
        Process wrapper = builder.start();
        try {
            ProcessHandle command = awaitChild(wrapper, "sleep 300");
            assertTrue(command.isAlive());

            owner.destroyForcibly().waitFor();

            assertTrue(wrapper.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the wrapper ends with its owner");
            assertEquals(143, wrapper.exitValue());
            command.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertFalse(command.isAlive());
        } finally {
            ChildProcesses.stopTree(wrapper.toHandle(), Duration.ofSeconds(1));
            owner.destroyForcibly();
        }
    }

    @Test
    void aTiedCommandPassesItsExitCodeOn() throws Exception {
        ProcessBuilder builder = ChildProcesses.builder(ChildProcesses.tiedTo(List.of("sh", "-c", "exit 7")), directory);
        builder.environment().put(ChildProcesses.OWNER_PID_VARIABLE, Long.toString(ProcessHandle.current().pid()));
        Process wrapper = builder.start();
        assertTrue(wrapper.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(7, wrapper.exitValue());
    }

    private static ProcessHandle awaitChild(Process parent, String commandLine) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (ProcessHandle child : parent.toHandle().children().toList()) {
                if (child.info().commandLine().map(line -> line.endsWith(commandLine)).orElse(false)) {
                    return child;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no child '" + commandLine + "' of " + parent.pid());
    }

    @Test
    void aFailedRunReportsTheEndOfItsOutput() {
        Path log = directory.resolve("run.log");
        IOException failure = assertThrows(IOException.class, () -> ChildProcesses.run(
                List.of("sh", "-c", "for i in $(seq 1 100); do echo line $i; done; exit 3"), directory, log, Duration.ofSeconds(30), "counting"));
        assertTrue(failure.getMessage().startsWith("counting failed with exit code 3"), failure.getMessage());
        assertTrue(failure.getMessage().contains("line 100"));
        assertTrue(failure.getMessage().contains("line 61"));
        assertFalse(failure.getMessage().contains("line 60\n"));
    }

    @Test
    void aRunThatTakesTooLongIsStopped() {
        IOException failure = assertThrows(IOException.class, () -> ChildProcesses.run(
                List.of("sleep", "60"), directory, directory.resolve("slow.log"), Duration.ofMillis(300), "sleeping"));
        assertTrue(failure.getMessage().contains("did not finish within"), failure.getMessage());
    }

    @Test
    void childrenDoNotInheritKeycloakSettings() throws Exception {
        // the build sets KC_DB=postgres for the test JVM (infra/pom.xml): a leak would also break the test Keycloak
        assertEquals("postgres", System.getenv("KC_DB"), "precondition: surefire sets KC_DB");
        Path log = directory.resolve("env.log");
        ChildProcesses.run(List.of("env"), directory, log, Duration.ofSeconds(10), "env");
        String environment = Files.readString(log);
        assertFalse(environment.contains("KC_DB="), environment);
        assertTrue(environment.contains("JAVA_HOME=" + System.getProperty("java.home")));
    }
}

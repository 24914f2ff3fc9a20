package io.lakeward.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code lakeward up} and {@code lakeward down} as the script runs them: the packaged launcher jar
 * with its runtime classpath ({@code target/lib}), in a JVM of its own. Catches what in-process tests
 * cannot, such as a class missing from the runtime classpath.
 */
class LakewardCommandIT {
    @Test
    void upServesAndDownStopsEverything() throws Exception {
        Path state = Path.of("target", "command-state-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        Files.createDirectories(state);
        Map<String, String> settings = RunningPlatform.settings(state);
        List<String> up = command(state, "up", settings);
        Process platform = new ProcessBuilder(up).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(platform.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    if (line.startsWith("Lakeward is up")) {
                        // keep draining so the platform never blocks on a full pipe
                        CompletableFuture.runAsync(() -> reader.lines().forEach(rest -> { }));
                        return true;
                    }
                }
                return false;
            } catch (Exception e) {
                return false;
            }
        });
        try {
            boolean started;
            try {
                started = ready.get(5, TimeUnit.MINUTES);
            } catch (java.util.concurrent.TimeoutException e) {
                started = false;
            }
            synchronized (lines) {
                assertTrue(started, "lakeward up did not come up:\n" + String.join("\n", lines));
            }
            Process down = new ProcessBuilder(command(state, "down", settings)).redirectErrorStream(true).start();
            String downOutput = new String(down.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(down.waitFor(2, TimeUnit.MINUTES));
            assertEquals(0, down.exitValue(), downOutput);
            assertTrue(downOutput.contains("stopped platform"), downOutput);
            assertTrue(platform.waitFor(1, TimeUnit.MINUTES), "the platform stops on down");
            for (ProcessHandle keycloak : keycloakProcesses(state)) {
                keycloak.onExit().get(60, TimeUnit.SECONDS);
            }
            assertTrue(keycloakProcesses(state).isEmpty(), "Keycloak stops with the platform");
        } finally {
            platform.descendants().forEach(ProcessHandle::destroyForcibly);
            platform.destroyForcibly();
        }
    }

    private static List<ProcessHandle> keycloakProcesses(Path state) {
        return ProcessHandle.allProcesses().filter(process -> process.info().commandLine()
                .map(line -> line.contains(state.toString()) && line.contains("keycloak")).orElse(false)).toList();
    }

    private static List<String> command(Path state, String verb, Map<String, String> settings) {
        Path target = Path.of("target").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx1g",
                "-Djdk.net.hosts.file=" + state.resolve("hosts"),
                "-cp", target.resolve("lakeward-launcher.jar") + ":" + target.resolve("lib") + "/*",
                "io.lakeward.launcher.Main", verb));
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        return command;
    }
}

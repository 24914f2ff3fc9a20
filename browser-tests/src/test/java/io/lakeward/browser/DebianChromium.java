package io.lakeward.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium and ChromeDriver, found (and installed when missing) by {@code infra/bin/chromium}.
 * A machine where they cannot be had fails the tests; they are never skipped.
 */
record DebianChromium(Path browser, Path driver) {
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

    static DebianChromium provide() throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("lakeward.chromium.script", "../infra/bin/chromium")).toAbsolutePath().normalize();
        Process process = new ProcessBuilder(script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(script + " did not finish within " + INSTALL_TIMEOUT);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(script + " failed (exit " + process.exitValue() + "); see its messages above");
        }
        Map<String, String> paths = new HashMap<>();
        for (String line : output.split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                paths.put(line.substring(0, equals), line.substring(equals + 1).trim());
            }
        }
        Path browser = Path.of(paths.getOrDefault("chromium", ""));
        Path driver = Path.of(paths.getOrDefault("chromedriver", ""));
        if (!Files.isExecutable(browser) || !Files.isExecutable(driver)) {
            throw new IllegalStateException(script + " printed no usable paths: " + output);
        }
        return new DebianChromium(browser, driver);
    }
}

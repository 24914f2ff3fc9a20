package io.lakeward.testing.opa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real OPA server for tests, run as a child process on a free loopback port.
 *
 * <p>{@link #shared()} starts one server per test JVM with the production policies
 * ({@code policies/src/main/rego}, test files and the capabilities file left out) and stops it
 * when the JVM exits; {@link #start(List)} starts a private one with other policies, which the
 * caller closes. The {@code opa} binary is the one {@code infra/bin/opa} builds and caches. A
 * server that cannot start is an exception, never a skipped test.
 */
public final class TestingOpa implements AutoCloseable {
    private static final Duration BINARY_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;

    private static TestingOpa shared; // guarded by TestingOpa.class
    private static RuntimeException sharedFailure; // guarded by TestingOpa.class
    private static Path opaBinary; // guarded by TestingOpa.class

    private final Process process;
    private final URI baseUri;
    private final Path log;

    private TestingOpa(Process process, URI baseUri, Path log) {
        this.process = process;
        this.baseUri = baseUri;
        this.log = log;
    }

    /** The server with the production policies, started on first use and stopped when the JVM exits. */
    public static synchronized TestingOpa shared() {
        if (sharedFailure != null) {
            throw new IllegalStateException("the shared OPA server failed to start earlier in this JVM", sharedFailure);
        }
        if (shared == null) {
            try {
                shared = start(List.of(productionPolicies()));
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
            TestingOpa server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "testing-opa-stop"));
        }
        return shared;
    }

    /** A new server loading the given policy files or directories (test files and capabilities.json left out). */
    public static TestingOpa start(List<Path> policyPaths) {
        Path opa = opaBinary();
        List<String> problems = new ArrayList<>();
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            Path log = createTempFile("testing-opa-", ".log");
            List<String> command = new ArrayList<>(List.of(opa.toString(), "run", "--server",
                    "--addr", "127.0.0.1:" + port,
                    "--log-level", "error",
                    "--disable-telemetry",
                    "--shutdown-grace-period", "1",
                    "--ignore", "*_test.rego",
                    "--ignore", "capabilities.json"));
            policyPaths.forEach(path -> command.add(path.toString()));
            Process process;
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + opa, e);
            }
            TestingOpa server = new TestingOpa(process, URI.create("http://127.0.0.1:" + port), log);
            String problem = server.awaitHealthy();
            if (problem == null) {
                return server;
            }
            server.close();
            problems.add("attempt " + attempt + " on port " + port + ": " + problem);
            if (!problem.contains("address already in use")) {
                break; // only a lost race for the port is worth another attempt
            }
        }
        throw new IllegalStateException("the OPA server did not start with " + policyPaths + ":\n" + String.join("\n", problems));
    }

    /** Where the server listens, e.g. {@code http://127.0.0.1:41234}. */
    public URI baseUri() {
        return baseUri;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Compiles the policies in {@code policyDirectory} (test files left out) into a Wasm bundle
     * with the given entrypoint, checked against the production capabilities file so that only
     * Wasm-native builtins are accepted. Returns the {@code bundle.tar.gz}.
     */
    public static Path buildWasmBundle(Path policyDirectory, String entrypoint, Path outputDirectory) {
        Path bundle = outputDirectory.resolve("bundle.tar.gz");
        Path capabilities = productionPolicies().resolve("capabilities.json");
        run(List.of(opaBinary().toString(), "build", "--target", "wasm", "--entrypoint", entrypoint,
                "--capabilities", capabilities.toString(), "--ignore", "*_test.rego",
                "--output", bundle.toString(), policyDirectory.toString()), Duration.ofMinutes(1), "opa build");
        return bundle;
    }

    /** {@code policies/src/main/rego} of this repository. */
    public static Path productionPolicies() {
        return repositoryRoot().resolve("policies/src/main/rego");
    }

    /** The path of the {@code opa} binary, built by {@code infra/bin/opa} on first use (minutes) and cached. */
    public static synchronized Path opaBinary() {
        if (opaBinary == null) {
            Path script = repositoryRoot().resolve("infra/bin/opa");
            String output = run(List.of(script.toString()), BINARY_TIMEOUT, "infra/bin/opa").strip();
            Path binary = Path.of(output);
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException("infra/bin/opa printed '" + output + "', which is not an executable file");
            }
            opaBinary = binary;
        }
        return opaBinary;
    }

    /**
     * The repository root: the {@code maven.multiModuleProjectDirectory} system property when it
     * holds {@code infra/bin/opa}, otherwise the nearest directory above the working directory
     * that does.
     */
    public static Path repositoryRoot() {
        String property = System.getProperty("maven.multiModuleProjectDirectory");
        if (property != null && !property.isBlank() && Files.isRegularFile(Path.of(property, "infra/bin/opa"))) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
            if (Files.isRegularFile(directory.resolve("infra/bin/opa"))) {
                return directory;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a directory holding infra/bin/opa) above "
                + Path.of("").toAbsolutePath() + "; run the tests through Maven from the repository");
    }

    /** Polls {@code GET /health} until it answers 200; returns null when healthy, or what went wrong. */
    private String awaitHealthy() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(baseUri.resolve("/health")).timeout(Duration.ofSeconds(1)).GET().build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return "opa exited with status " + process.exitValue() + ":\n" + logTail();
            }
            try {
                if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return null;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while waiting for the server";
            }
            // Between polls, wait for the one event that makes polling pointless: the process exiting.
            try {
                process.onExit().get(25, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still running: poll again
            } catch (ExecutionException e) {
                return "cannot watch the opa process: " + e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while waiting for the server";
            }
        }
        return "GET /health did not answer 200 within " + START_TIMEOUT.toSeconds() + " s:\n" + logTail();
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Runs a command to completion within {@code timeout} and returns its standard output; stderr goes to ours. */
    private static String run(List<String> command, Duration timeout, String what) {
        Path output = createTempFile("testing-opa-command-", ".out");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(output.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(what + " did not finish within " + timeout.toSeconds() + " s");
            }
            String stdout = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(what + " failed with status " + process.exitValue() + ": " + stdout);
            }
            return stdout;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + what, e);
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException e) {
                // a leftover temporary file is harmless
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    private static Path createTempFile(String prefix, String suffix) {
        try {
            Path file = Files.createTempFile(prefix, suffix);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file", e);
        }
    }
}

package io.lakeward.infra.keycloak;

import io.lakeward.common.tls.PemTrust;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Keycloak server, a child process of this JVM, started by {@link #start} and stopped
 * (with all its descendants) by {@link #close}.
 *
 * <p>It runs {@code kc.sh start --optimized} on the pre-built copy in {@link KeycloakOptions#home()}:
 * production mode with the embedded file database ({@code dev-file}) and a local cache, HTTPS only,
 * listening on 127.0.0.1 alone, every URL under {@code https://<hostname>:<httpsPort>}.
 * {@code start-dev} is not used because development mode always opens the plain-HTTP listener
 * (port 8080), whatever {@code --http-enabled} says.
 *
 * <p>The process id is written to {@link KeycloakOptions#pidFile()} so that another process
 * ({@code lakeward down}) can stop the server with {@link #stop(Path)}. The server also stops by
 * itself when the JVM that started it is gone, even one killed without running its shutdown hooks.
 */
public final class KeycloakServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeycloakServer.class);
    private static final String MAX_HEAP = "-Xmx768m";
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration ADMIN_CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_LINES_ON_FAILURE = 40;
    private static final String START_HEADER = "=== lakeward: starting Keycloak ";

    private final KeycloakOptions options;
    private final int httpsPort;
    private final int managementPort;
    private final Process process;
    private final Duration startupTime;
    private boolean closed;

    private KeycloakServer(KeycloakOptions options, int httpsPort, int managementPort, Process process, Duration startupTime) {
        this.options = options;
        this.httpsPort = httpsPort;
        this.managementPort = managementPort;
        this.process = process;
        this.startupTime = startupTime;
    }

    /**
     * Starts the server and returns once its readiness check ({@code /health/ready} on the
     * management interface) answers 200. Fails with the last lines of the server's log when the
     * process exits or is not ready within {@link KeycloakOptions#startTimeout()}; the process is
     * stopped then.
     */
    public static KeycloakServer start(KeycloakOptions options) throws IOException {
        requireLoopback(options.hostname());
        int httpsPort = options.httpsPort() == 0 ? freePort() : options.httpsPort();
        int managementPort = options.managementPort() == 0 ? freePort(httpsPort) : options.managementPort();
        requireFree(httpsPort, "HTTPS");
        requireFree(managementPort, "management");
        SSLContext trust = trustContext(options.caCertificatePem());

        Files.createDirectories(options.logFile().getParent());
        Files.writeString(options.logFile(), START_HEADER + Instant.now() + " ===\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = ChildProcesses.builder(ChildProcesses.tiedTo(command(options, httpsPort, managementPort)), options.home())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(options.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        // a JVM killed outright runs no shutdown hook: Keycloak then stops by itself within a second
        builder.environment().put(ChildProcesses.OWNER_PID_VARIABLE, Long.toString(ProcessHandle.current().pid()));
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", options.adminUsername());
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", options.adminPassword().reveal());
        builder.environment().put("JAVA_OPTS_APPEND", MAX_HEAP + " -Djdk.net.hosts.file=" + options.hostsFile());

        long started = System.nanoTime();
        LOG.info("Starting Keycloak at https://{}:{} (management port {}), log {}", options.hostname(), httpsPort, managementPort, options.logFile());
        Process process = builder.start();
        try {
            writePidFile(options.pidFile(), process.pid());
            awaitReady(options, process, managementPort, trust, started);
        } catch (IOException | RuntimeException e) {
            ChildProcesses.stopTree(process.toHandle(), Duration.ofSeconds(10));
            Files.deleteIfExists(options.pidFile());
            throw e;
        }
        Duration startupTime = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("Keycloak is ready at https://{}:{} after {} ms (pid {})", options.hostname(), httpsPort, startupTime.toMillis(), process.pid());
        return new KeycloakServer(options, httpsPort, managementPort, process, startupTime);
    }

    static List<String> command(KeycloakOptions options, int httpsPort, int managementPort) {
        List<String> command = new ArrayList<>();
        command.add(options.home().resolve("bin/kc.sh").toString());
        command.add("start");
        command.add("--optimized");
        command.add("--cache=local");
        command.add("--http-enabled=false");
        command.add("--http-host=127.0.0.1");
        command.add("--https-port=" + httpsPort);
        command.add("--https-certificate-file=" + options.certificatePem());
        command.add("--https-certificate-key-file=" + options.privateKeyPem());
        command.add("--hostname=https://" + options.hostname() + ":" + httpsPort);
        command.add("--http-management-port=" + managementPort);
        command.add("--truststore-paths=" + options.caCertificatePem());
        return command;
    }

    /** The options this server was started with (ports as configured; see {@link #httpsPort()}). */
    public KeycloakOptions options() {
        return options;
    }

    public int httpsPort() {
        return httpsPort;
    }

    public int managementPort() {
        return managementPort;
    }

    public long pid() {
        return process.pid();
    }

    /** How long the last start took until the server was ready. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The base URL of every endpoint: {@code https://<hostname>:<httpsPort>}. */
    public URI serverUrl() {
        return URI.create("https://" + options.hostname() + ":" + httpsPort);
    }

    /** The issuer of a realm's tokens: {@code https://<hostname>:<httpsPort>/realms/<realm>}. */
    public URI issuer(String realm) {
        return issuer(serverUrl(), realm);
    }

    static URI issuer(URI serverUrl, String realm) {
        return URI.create(serverUrl + "/realms/" + KeycloakAdminClient.checkName("realm", realm));
    }

    /** A new admin client signed in as the bootstrap administrator. */
    public KeycloakAdminClient adminClient() throws IOException {
        return new KeycloakAdminClient(serverUrl(), options.caCertificatePem(), options.adminUsername(), options.adminPassword(), ADMIN_CALL_TIMEOUT);
    }

    /** Realm provisioning against this server. */
    public RealmProvisioner provisioner() throws IOException {
        return new RealmProvisioner(adminClient(), serverUrl());
    }

    /** Stops the server and every process it started; waits up to 30 s before killing them. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Stopping Keycloak (pid {})", process.pid());
        if (!ChildProcesses.stopTree(process.toHandle(), STOP_GRACE)) {
            LOG.warn("Keycloak (pid {}) or one of its children did not exit even after SIGKILL", process.pid());
        }
        try {
            Files.deleteIfExists(options.pidFile());
        } catch (IOException e) {
            LOG.warn("Cannot remove the pid file {}: {}", options.pidFile(), e.getMessage());
        }
    }

    /**
     * Stops the Keycloak server recorded in {@code pidFile} by an earlier start, possibly from
     * another JVM, and removes the file. A process id that now belongs to something other than
     * Keycloak is left alone. Returns true if a server was running.
     */
    public static boolean stop(Path pidFile) throws IOException {
        Optional<ProcessHandle> recorded = readPidFile(pidFile).flatMap(ProcessHandle::of);
        boolean running = recorded.isPresent() && recorded.get().isAlive() && isKeycloak(recorded.get());
        if (running) {
            LOG.info("Stopping Keycloak (pid {}) recorded in {}", recorded.get().pid(), pidFile);
            if (!ChildProcesses.stopTree(recorded.get(), STOP_GRACE)) {
                throw new IOException("Keycloak (pid " + recorded.get().pid() + ") did not exit even after SIGKILL");
            }
        }
        Files.deleteIfExists(pidFile);
        return running;
    }

    private static boolean isKeycloak(ProcessHandle process) {
        // a stale file may name a process id the system has since given to something else
        return process.info().commandLine().map(line -> line.contains("kc.sh") || line.contains("io.quarkus.bootstrap.runner.QuarkusEntryPoint"))
                .orElse(false);
    }

    private static Optional<Long> readPidFile(Path pidFile) throws IOException {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring {}: it holds no process id", pidFile);
            return Optional.empty();
        }
    }

    private static void writePidFile(Path pidFile, long pid) throws IOException {
        Files.createDirectories(pidFile.getParent());
        Path temporary = Files.createTempFile(pidFile.getParent(), ".keycloak-pid-", ".tmp");
        Files.writeString(temporary, pid + "\n", StandardCharsets.US_ASCII);
        Files.move(temporary, pidFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void awaitReady(KeycloakOptions options, Process process, int managementPort, SSLContext trust, long startedNanos)
            throws IOException {
        URI readiness = URI.create("https://" + options.hostname() + ":" + managementPort + "/health/ready");
        HttpClient client = HttpClient.newBuilder().sslContext(trust).connectTimeout(PROBE_TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(readiness).timeout(PROBE_TIMEOUT).GET().build();
        long deadline = startedNanos + options.startTimeout().toNanos();
        String lastProblem = "no answer yet";
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("Keycloak exited with code " + process.exitValue() + " before it was ready; last lines of "
                        + options.logFile() + ":\n" + logTail(options.logFile()));
            }
            try {
                HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
                lastProblem = readiness + " answered " + response.statusCode();
            } catch (IOException e) {
                lastProblem = readiness + ": " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for Keycloak to be ready");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("Keycloak was not ready within " + options.startTimeout().toSeconds() + " s (" + lastProblem
                        + "); last lines of " + options.logFile() + ":\n" + logTail(options.logFile()));
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for Keycloak to be ready");
            }
        }
    }

    /** The last lines this start wrote, not those of earlier runs appended to the same file. */
    private static String logTail(Path logFile) {
        String tail = ChildProcesses.tail(logFile, LOG_LINES_ON_FAILURE);
        int header = tail.lastIndexOf(START_HEADER);
        return header < 0 ? tail : tail.substring(header);
    }

    private static SSLContext trustContext(Path caCertificatePem) throws IOException {
        try {
            return PemTrust.sslContext(caCertificatePem);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the CA certificate " + caCertificatePem + ": " + e.getMessage(), e);
        }
    }

    /** The readiness probe and every client reach Keycloak by its host name: it must resolve to loopback here. */
    private static void requireLoopback(String hostname) throws IOException {
        try {
            InetAddress address = InetAddress.getByName(hostname);
            if (!address.isLoopbackAddress()) {
                throw new IOException(hostname + " resolves to " + address.getHostAddress() + " in this JVM, not to loopback");
            }
        } catch (UnknownHostException e) {
            throw new IOException("this JVM cannot resolve " + hostname + "; start it with -Djdk.net.hosts.file=<file> naming "
                    + hostname + " as 127.0.0.1", e);
        }
    }

    private static void requireFree(int port, String what) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IOException("the Keycloak " + what + " port " + port + " on 127.0.0.1 is in use (another Keycloak still running?"
                    + " try 'lakeward down', or choose other ports)", e);
        }
    }

    static int freePort(int... avoid) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (java.util.Arrays.stream(avoid).noneMatch(p -> p == port)) {
                    return port;
                }
            }
        }
        throw new IOException("cannot find a free port on 127.0.0.1");
    }
}

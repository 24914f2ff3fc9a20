package io.lakeward.metastore.embedded;

import io.lakeward.common.config.Secret;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by this process from the binaries on the class path (zonky), listening
 * on loopback only, its cluster under {@code <dataDirectory>/postgres} so that it survives restarts.
 *
 * <p>Every TCP connection authenticates with SCRAM-SHA-256, the superuser included: other
 * processes on this machine (a cluster driver running user code, say) must not reach the metadata
 * of every tenant through a trusting loopback. The superuser password is generated when the
 * cluster is created and kept owner-only in {@code <dataDirectory>/superuser.password}.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final String SUPERUSER = "postgres";
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private final EmbeddedPostgres server;
    private final Secret superuserPassword;
    private final Duration startTime;

    private EmbeddedPostgresServer(EmbeddedPostgres server, Secret superuserPassword, Duration startTime) {
        this.server = server;
        this.superuserPassword = superuserPassword;
        this.startTime = startTime;
    }

    /**
     * Starts the server on {@code port} (0 picks a free one), creating the cluster on first use.
     *
     * @throws IllegalStateException if the cluster exists but its password file is gone, or the server cannot start
     */
    public static EmbeddedPostgresServer start(Path dataDirectory, int port, Duration startTimeout) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        long started = System.nanoTime();
        Path cluster = dataDirectory.resolve("postgres");
        Path passwordFile = dataDirectory.resolve("superuser.password");
        try {
            createOwnerOnlyDirectory(dataDirectory);
            boolean firstStart = !Files.exists(cluster.resolve("postgresql.conf"));
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(cluster)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(startTimeout)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // zonky's test-oriented default is off; an acknowledged metadata write must survive a crash
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setServerConfig("max_connections", "100");
            Secret password;
            if (firstStart) {
                password = generatePassword();
                writeOwnerOnly(passwordFile, password.reveal());
                // zonky passes its "locale" settings to initdb as --name=value and adds no others; these
                // three make initdb set the superuser password and require it on every connection
                builder.setLocaleConfig("pwfile", passwordFile.toString())
                        .setLocaleConfig("auth-host", "scram-sha-256")
                        .setLocaleConfig("auth-local", "scram-sha-256");
                LOG.info("creating the embedded metadata database cluster in {}", cluster);
            } else {
                if (!Files.isRegularFile(passwordFile)) {
                    throw new IllegalStateException("the embedded metadata database in " + cluster + " has no " + passwordFile.getFileName()
                            + " beside it: restore that file, or remove " + dataDirectory + " to start with an empty database");
                }
                password = Secret.of(Files.readString(passwordFile).strip());
            }
            // zonky's readiness check logs in over JDBC, so it needs the password too
            builder.setConnectConfig("password", password.reveal());
            EmbeddedPostgres server = builder.start();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            LOG.info("embedded metadata database listening on 127.0.0.1:{} ({} ms{})", server.getPort(), took.toMillis(),
                    firstStart ? ", new cluster" : "");
            return new EmbeddedPostgresServer(server, password, took);
        } catch (IOException e) {
            throw new IllegalStateException("the embedded metadata database in " + cluster + " did not start: " + e.getMessage(), e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return server.getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    public String superuser() {
        return SUPERUSER;
    }

    public Secret superuserPassword() {
        return superuserPassword;
    }

    /** How long the last start took, binaries unpacking and cluster creation included. */
    public Duration startTime() {
        return startTime;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded metadata database did not stop cleanly", e);
        }
    }

    private static Secret generatePassword() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    private static void createOwnerOnlyDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory.getParent());
            try {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            } catch (FileAlreadyExistsException e) {
                // created concurrently; the permissions are set below either way
            }
        }
        Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), ".superuser", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        Files.writeString(temporary, content + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

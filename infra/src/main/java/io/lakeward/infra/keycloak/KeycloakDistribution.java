package io.lakeward.infra.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Keycloak server distribution ({@code org.keycloak:keycloak-quarkus-dist}, tar.gz) of the
 * version this build pins, taken from the local Maven repository and fetched through Maven when it
 * is missing there.
 *
 * <p>{@code kc.sh} writes into its own folder (database, compiled configuration), so every state
 * directory gets its own copy. A copy is prepared completely before it appears under its final
 * name: unpacked into a temporary sibling, pre-built with {@link #BUILD_OPTIONS} (so that the server
 * starts with {@code --optimized} and skips Quarkus' build step at every start), marked with a file
 * naming the version and build options, then renamed. Preparing a directory that already holds a
 * matching copy does nothing.
 */
public final class KeycloakDistribution {
    /** Build-time options baked into every copy: the embedded file database, health and metrics endpoints. */
    public static final List<String> BUILD_OPTIONS = List.of("--db=dev-file", "--health-enabled=true", "--metrics-enabled=true");

    private static final Logger LOG = LoggerFactory.getLogger(KeycloakDistribution.class);
    private static final String VERSIONS_RESOURCE = "/io/lakeward/infra/versions.properties";
    private static final String ARTIFACT_DIRECTORY = "org/keycloak/keycloak-quarkus-dist";
    private static final String MARKER = ".lakeward-distribution";
    private static final Duration UNPACK_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration FETCH_TIMEOUT = Duration.ofMinutes(20);

    private KeycloakDistribution() {
    }

    /**
     * Where pristine pre-built copies are cached for {@link #copyInto}:
     * {@code $XDG_CACHE_HOME/lakeward/keycloak}, by default {@code ~/.cache/lakeward/keycloak}.
     */
    public static Path cacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("lakeward").resolve("keycloak");
    }

    /** The Keycloak version this build pins (the root POM's {@code keycloak.version}). */
    public static String version() {
        try (InputStream in = KeycloakDistribution.class.getResourceAsStream(VERSIONS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + VERSIONS_RESOURCE);
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("keycloak.version", "");
            if (!version.matches("[0-9]+\\.[0-9]+\\.[0-9]+(?:[.-][A-Za-z0-9.-]+)?")) {
                throw new IllegalStateException("the resource " + VERSIONS_RESOURCE + " was not filtered by the build: keycloak.version=" + version);
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The local Maven repository: system property {@code maven.repo.local}, else {@code ~/.m2/repository}. */
    public static Path localRepository() {
        String configured = System.getProperty("maven.repo.local", "").trim();
        if (!configured.isEmpty()) {
            return Path.of(configured).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Where the archive of {@code version} lives in the local repository (it may not be there yet). */
    public static Path archivePath(Path repository, String version) {
        return repository.resolve(ARTIFACT_DIRECTORY).resolve(version).resolve("keycloak-quarkus-dist-" + version + ".tar.gz");
    }

    /** The archive of the pinned version, fetched into the local repository through Maven when missing. */
    public static Path archive() throws IOException {
        String version = version();
        Path archive = archivePath(localRepository(), version);
        if (Files.isRegularFile(archive)) {
            return archive;
        }
        fetch(version);
        if (!Files.isRegularFile(archive)) {
            throw new IOException("Maven reported success but " + archive + " does not exist");
        }
        return archive;
    }

    /**
     * Makes sure {@code directory} holds a prepared copy of the distribution and returns its home
     * ({@code directory/keycloak-<version>}).
     */
    public static Path unpackInto(Path directory) throws IOException {
        String version = version();
        Path home = directory.resolve("keycloak-" + version);
        String marker = marker(version);
        if (hasMarker(home, marker)) {
            return home;
        }
        if (Files.exists(home)) {
            return rebuildInPlace(home, marker);
        }
        Path archive = archive();
        Files.createDirectories(directory);
        Path staging = Files.createTempDirectory(directory, ".keycloak-unpacking-");
        try {
            LOG.info("Unpacking Keycloak {} into {}", version, home);
            ChildProcesses.run(List.of("tar", "-xzf", archive.toString(), "-C", staging.toString(), "--strip-components=1"),
                    staging, directory.resolve("keycloak-unpack.log"), UNPACK_TIMEOUT, "unpacking the Keycloak distribution");
            build(staging, directory.resolve("keycloak-build.log"));
            Files.writeString(staging.resolve(MARKER), marker, StandardCharsets.UTF_8);
            return publish(staging, home, marker);
        } finally {
            ChildProcesses.deleteRecursively(staging);
        }
    }

    /**
     * Makes sure {@code directory} holds a prepared copy, copied from the pristine copy kept in
     * {@code templateDirectory} (prepared there first if needed). Copying a pre-built copy takes a
     * second where unpacking and building take most of a minute, so short-lived state directories
     * (one per test JVM) share one template. The template itself is never started.
     */
    public static Path copyInto(Path directory, Path templateDirectory) throws IOException {
        String version = version();
        Path home = directory.resolve("keycloak-" + version);
        String marker = marker(version);
        if (hasMarker(home, marker)) {
            return home;
        }
        if (Files.exists(home)) {
            return rebuildInPlace(home, marker);
        }
        Path template = unpackInto(templateDirectory);
        Files.createDirectories(directory);
        Path staging = Files.createTempDirectory(directory, ".keycloak-copying-");
        try {
            ChildProcesses.run(List.of("cp", "-a", template + "/.", staging.toString()),
                    staging, directory.resolve("keycloak-copy.log"), UNPACK_TIMEOUT, "copying the Keycloak distribution");
            return publish(staging, home, marker);
        } finally {
            ChildProcesses.deleteRecursively(staging);
        }
    }

    private static String marker(String version) {
        return "version=" + version + "\nbuild=" + String.join(" ", BUILD_OPTIONS) + "\n";
    }

    private static boolean hasMarker(Path home, String marker) throws IOException {
        try {
            return Files.readString(home.resolve(MARKER), StandardCharsets.UTF_8).equals(marker);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** A copy of this version built with other options (an older Lakeward): build it again, keeping its data. */
    private static Path rebuildInPlace(Path home, String marker) throws IOException {
        if (!Files.isRegularFile(home.resolve(MARKER)) || !Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            throw new IOException(home + " exists but was not prepared by Lakeward; remove it to let Lakeward unpack a fresh copy");
        }
        LOG.info("Rebuilding the Keycloak copy in {} with the current build options", home);
        build(home, home.resolveSibling("keycloak-build.log"));
        Path temporary = Files.createTempFile(home, ".marker-", ".tmp");
        Files.writeString(temporary, marker, StandardCharsets.UTF_8);
        Files.move(temporary, home.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return home;
    }

    private static void build(Path home, Path logFile) throws IOException {
        long started = System.nanoTime();
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/kc.sh").toString());
        command.add("build");
        command.addAll(BUILD_OPTIONS);
        ChildProcesses.run(command, home, logFile, BUILD_TIMEOUT, "building the Keycloak server (kc.sh build)");
        LOG.info("Built the Keycloak server in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Renames a complete staging copy to its final name; a concurrent preparer that won the race is
     * fine. The copy is owner-only: its database will hold client secrets and password hashes.
     */
    private static Path publish(Path staging, Path home, String marker) throws IOException {
        Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwx------"));
        try {
            Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            if (!hasMarker(home, marker)) {
                throw new IOException("another process left an incomplete Keycloak copy at " + home, e);
            }
        }
        return home;
    }

    private static void fetch(String version) throws IOException {
        String coordinates = "org.keycloak:keycloak-quarkus-dist:" + version + ":tar.gz";
        System.err.println("lakeward: the Keycloak " + version + " distribution is not in " + localRepository()
                + "; downloading it through Maven (about 160 MB) ...");
        System.err.flush();
        List<String> command = new ArrayList<>(List.of("mvn", "-q", "-B", "dependency:get", "-Dartifact=" + coordinates, "-Dtransitive=false"));
        String configured = System.getProperty("maven.repo.local", "").trim();
        if (!configured.isEmpty()) {
            command.add("-Dmaven.repo.local=" + configured);
        }
        Path logFile = Files.createTempFile("lakeward-keycloak-fetch-", ".log");
        try {
            ChildProcesses.run(command, Path.of(System.getProperty("user.home")), logFile, FETCH_TIMEOUT,
                    "fetching " + coordinates + " with 'mvn dependency:get' (is mvn on the PATH?)");
        } finally {
            Files.deleteIfExists(logFile);
        }
    }
}

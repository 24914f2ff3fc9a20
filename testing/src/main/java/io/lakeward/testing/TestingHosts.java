package io.lakeward.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Name resolution for test JVMs. The build starts every test JVM with
 * {@code -Djdk.net.hosts.file=<module>/target/test-hosts}; fixtures register the host names they
 * serve (tenant hosts, the identity provider) here, and the JVM resolves them to loopback. The
 * machine's {@code /etc/hosts} is never touched.
 */
public final class TestingHosts {
    private static final Set<String> NAMES = new LinkedHashSet<>(List.of("localhost"));

    private TestingHosts() {
    }

    public static synchronized void register(String... hostNames) {
        String property = System.getProperty("jdk.net.hosts.file");
        if (property == null) {
            throw new IllegalStateException("test JVMs must run with -Djdk.net.hosts.file (set by the build's surefire configuration)");
        }
        if (NAMES.addAll(List.of(hostNames)) || !Files.exists(Path.of(property))) {
            write(Path.of(property));
        }
    }

    private static void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".test-hosts", ".tmp");
            Files.writeString(temporary, "127.0.0.1 " + String.join(" ", NAMES) + "\n::1 localhost\n");
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test hosts file", e);
        }
    }
}

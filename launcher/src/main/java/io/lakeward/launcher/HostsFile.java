package io.lakeward.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the hosts file that JVMs started by the platform read through
 * {@code -Djdk.net.hosts.file}: the platform's host names resolve to loopback without touching the
 * machine's own {@code /etc/hosts}. Such a JVM resolves only the names in this file.
 */
public final class HostsFile {
    private HostsFile() {
    }

    /** Adds {@code hostNames} to the file (keeping the names already there) and writes it atomically. */
    public static void write(Path file, List<String> hostNames) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        names.add("localhost");
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 1 && fields[0].equals("127.0.0.1")) {
                    names.addAll(List.of(fields).subList(1, fields.length));
                }
            }
        }
        names.addAll(hostNames);
        String content = "# written by lakeward: the platform's host names on loopback\n"
                + "127.0.0.1 " + String.join(" ", names) + "\n"
                + "::1 localhost\n";
        Files.createDirectories(file.getParent());
        Path temporary = Files.createTempFile(file.getParent(), ".hosts", ".tmp");
        Files.writeString(temporary, content);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

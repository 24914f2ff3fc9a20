package io.lakeward.metastore.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Finds the migrations shipped with this module: the {@code .sql} files in {@value #LOCATION}. */
public final class Migrations {
    public static final String LOCATION = "io/lakeward/metastore/migrations";

    private Migrations() {
    }

    /**
     * Every migration on the class path, by version; versions are unique and increasing. Gaps are
     * allowed: version numbers are handed out to changes developed side by side, and a build may
     * hold a later number before the earlier ones have landed.
     *
     * @throws IllegalStateException if a version repeats or a file is misnamed
     */
    public static List<Migration> fromClasspath() {
        ClassLoader loader = Migrations.class.getClassLoader();
        URL directory = loader.getResource(LOCATION);
        if (directory == null) {
            throw new IllegalStateException("no migrations found at " + LOCATION + " on the class path");
        }
        List<Migration> migrations = new ArrayList<>();
        try {
            for (String fileName : listSqlFiles(directory)) {
                try (InputStream in = loader.getResourceAsStream(LOCATION + "/" + fileName)) {
                    if (in == null) {
                        throw new IllegalStateException("cannot read migration " + fileName);
                    }
                    migrations.add(Migration.of(fileName, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the migrations at " + LOCATION, e);
        }
        return ordered(migrations);
    }

    /** Sorts by version and checks that no version repeats and that the first one is 1. */
    public static List<Migration> ordered(List<Migration> migrations) {
        List<Migration> sorted = migrations.stream().sorted(Comparator.comparingInt(Migration::version)).toList();
        for (int i = 0; i < sorted.size(); i++) {
            if ((i == 0 && sorted.get(i).version() != 1) || (i > 0 && sorted.get(i).version() == sorted.get(i - 1).version())) {
                throw new IllegalStateException("migration versions must start at 1 and never repeat; found "
                        + sorted.stream().map(Migration::version).toList());
            }
        }
        return sorted;
    }

    private static List<String> listSqlFiles(URL directory) throws IOException {
        List<String> names = new ArrayList<>();
        switch (directory.getProtocol()) {
            case "file" -> {
                try (Stream<Path> files = Files.list(Path.of(directory.toURI()))) {
                    files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".sql")).forEach(names::add);
                } catch (URISyntaxException e) {
                    throw new IOException("unexpected migration location " + directory, e);
                }
            }
            case "jar" -> {
                JarURLConnection connection = (JarURLConnection) directory.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    String prefix = LOCATION + "/";
                    for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                        String name = entries.nextElement().getName();
                        if (name.startsWith(prefix) && name.endsWith(".sql") && name.indexOf('/', prefix.length()) < 0) {
                            names.add(name.substring(prefix.length()));
                        }
                    }
                }
            }
            default -> throw new IOException("cannot list migrations inside " + directory.getProtocol() + " resources");
        }
        return names;
    }
}

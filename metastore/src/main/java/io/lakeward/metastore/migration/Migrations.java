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
     * Every migration on the class path, by version; versions run 1, 2, 3 ... without gaps or repeats.
     *
     * @throws IllegalStateException if the set is not contiguous or a file is misnamed
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

    /** Sorts by version and checks that versions run from 1 without gaps or repeats. */
    public static List<Migration> ordered(List<Migration> migrations) {
        List<Migration> sorted = migrations.stream().sorted(Comparator.comparingInt(Migration::version)).toList();
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).version() != i + 1) {
                throw new IllegalStateException("migration versions must run 1, 2, 3 ... without gaps or repeats; found "
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

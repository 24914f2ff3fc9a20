package io.lakeward.infra.keycloak;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Child processes of the infra module: bounded runs, a clean environment, stopping whole process trees. */
final class ChildProcesses {
    /** Environment variables that would silently change how {@code kc.sh} or its JVM behave. */
    private static final List<String> INHERITED_PREFIXES_REMOVED = List.of("KC_", "KEYCLOAK_", "QUARKUS_", "JAVA_OPTS");
    private static final List<String> INHERITED_NAMES_REMOVED = List.of(
            "JAVA", "JAVA_ADD_OPENS", "JAVA_LOCALE", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "DEBUG", "DEBUG_PORT", "DEBUG_SUSPEND");

    /** Environment variable naming the process whose end ends the command wrapped by {@link #tiedTo}. */
    static final String OWNER_PID_VARIABLE = "LAKEWARD_OWNER_PID";

    /**
     * Runs the command in the background and checks every second that the owner still lives; when
     * the owner is gone (killed without running its shutdown hooks) the command gets SIGTERM. A
     * SIGTERM to the wrapper is passed on. The wrapper exits with the command's exit code.
     */
    private static final String WATCHDOG = String.join("\n",
            "\"$@\" &",
            "child=$!",
            "trap 'kill -TERM $child 2>/dev/null; wait $child; exit 143' TERM INT",
            "while kill -0 $child 2>/dev/null; do",
            "  if ! kill -0 \"$" + OWNER_PID_VARIABLE + "\" 2>/dev/null; then kill -TERM $child; wait $child; exit 143; fi",
            "  sleep 1 & wait $!",
            "done",
            "wait $child");

    private ChildProcesses() {
    }

    /**
     * The command wrapped so that it ends when the process {@code ownerPid} ends, even if that
     * process is killed outright; start it with {@link #OWNER_PID_VARIABLE} set to {@code ownerPid}.
     */
    static List<String> tiedTo(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", WATCHDOG, "lakeward-watchdog"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** A process builder whose environment lacks inherited Keycloak/JVM settings and runs this JVM's Java. */
    static ProcessBuilder builder(List<String> command, Path workingDirectory) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> INHERITED_NAMES_REMOVED.contains(name)
                || INHERITED_PREFIXES_REMOVED.stream().anyMatch(name::startsWith));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        return builder;
    }

    /** Runs a command to completion within {@code timeout}, output to {@code logFile}; fails with the log's tail. */
    static void run(List<String> command, Path workingDirectory, Path logFile, Duration timeout, String what) throws IOException {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        Process process = builder(command, workingDirectory)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                stopTree(process.toHandle(), Duration.ofSeconds(10));
                throw new IOException(what + " did not finish within " + timeout.toSeconds() + " s; last output:\n" + tail(logFile, 40));
            }
        } catch (InterruptedException e) {
            stopTree(process.toHandle(), Duration.ofSeconds(10));
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while " + what);
        }
        if (process.exitValue() != 0) {
            throw new IOException(what + " failed with exit code " + process.exitValue() + "; last output:\n" + tail(logFile, 40));
        }
    }

    /**
     * Stops a process and all its descendants: SIGTERM to every one, up to {@code grace} for them to
     * exit, then SIGKILL to what is left. Returns true if everything is gone.
     */
    static boolean stopTree(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle process : tree) {
            awaitExit(process, deadline);
        }
        List<ProcessHandle> remaining = tree.stream().filter(ProcessHandle::isAlive).toList();
        if (remaining.isEmpty()) {
            return true;
        }
        remaining.forEach(ProcessHandle::destroyForcibly);
        long killDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        remaining.forEach(process -> awaitExit(process, killDeadline));
        return remaining.stream().noneMatch(ProcessHandle::isAlive);
    }

    private static void awaitExit(ProcessHandle process, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0 || !process.isAlive()) {
            return;
        }
        try {
            process.onExit().get(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // still alive at the deadline: the caller escalates
        }
    }

    /** The last {@code lines} lines of a text file, or a note that it cannot be read. */
    static String tail(Path file, int lines) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int window = (int) Math.min(length, 256 * 1024);
            byte[] bytes = new byte[window];
            in.seek(length - window);
            in.readFully(bytes);
            List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\r?\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

package io.lakeward.audit.client.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.lakeward.audit.client.SampleEvents;
import io.lakeward.audit.client.event.AuditEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a process with SIGKILL while it floods an outbox, several times over the same directory,
 * and checks after each kill that every event the process had been told was durable is there.
 */
class OutboxKillTest {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxKillTest.class);
    private static final Pattern EVENT_ID = Pattern.compile("[0-9a-f]{32}");
    private static final String END_OF_OUTPUT = "";
    private static final int ROUNDS = 5;
    private static final long WAIT_SECONDS = 60;

    @TempDir
    Path work;

    @Test
    void everyAcknowledgedEventSurvivesRepeatedSigkills() throws Exception {
        Path directory = work.resolve("outbox");
        Set<String> acknowledged = new LinkedHashSet<>();
        int tornTails = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            int killAfter = 200 + ThreadLocalRandom.current().nextInt(600);
            Set<String> acknowledgedThisRound = floodAndKill(directory, round, killAfter);
            assertTrue(acknowledgedThisRound.size() >= killAfter, "round " + round + ": too few acknowledgments");
            acknowledged.addAll(acknowledgedThisRound);

            try (FileAuditOutbox reopened = FileAuditOutbox.open(FileAuditOutboxConfig.defaults(directory))) {
                RecoveryReport report = reopened.recoveryReport();
                tornTails += (int) report.damages().stream().filter(damage -> damage.kind() == RecoveryReport.Kind.TORN_TAIL).count();
                assertTrue(report.damages().stream().allMatch(damage -> damage.kind() == RecoveryReport.Kind.TORN_TAIL),
                        "a kill can only tear the tail: " + report);

                List<OutboxEntry> entries = reopened.readAll();
                Set<String> stored = new HashSet<>();
                long previous = -1;
                for (OutboxEntry entry : entries) {
                    assertTrue(entry.sequence() > previous, "sequences must increase");
                    previous = entry.sequence();
                    assertTrue(stored.add(entry.event().eventId().value()), "event stored twice: " + entry.event().eventId());
                }
                Set<String> missing = new LinkedHashSet<>(acknowledged);
                missing.removeAll(stored);
                assertEquals(Set.of(), missing, "round " + round + ": acknowledged events lost (" + missing.size() + " of "
                        + acknowledged.size() + ")");

                // the outbox keeps working after recovery
                AuditEvent afterKill = SampleEvents.tagged(1000 + round, 0);
                reopened.append(afterKill).get(WAIT_SECONDS, TimeUnit.SECONDS);
                acknowledged.add(afterKill.eventId().value());
                LOG.info("round {}: killed after {} acknowledgments; {} events stored, recovery {}", round,
                        acknowledgedThisRound.size(), entries.size(), report.damages());
            }
        }
        LOG.info("{} kills, {} torn tails repaired, {} acknowledged events all present", ROUNDS, tornTails, acknowledged.size());
    }

    /** Starts a flooding child, kills it with SIGKILL after {@code killAfter} acknowledgments, returns every id it acknowledged. */
    private Set<String> floodAndKill(Path directory, int round, int killAfter) throws Exception {
        Path stderr = work.resolve("child-" + round + ".stderr");
        Process child = new ProcessBuilder(javaCommand(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                OutboxFloodMain.class.getName(), directory.toString(), "8", "8")
                .redirectError(stderr.toFile())
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> readLines(child, lines), "child-stdout-" + round);
        reader.setDaemon(true);
        reader.start();
        Set<String> acknowledged = new LinkedHashSet<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (acknowledged.size() < killAfter) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line.equals(END_OF_OUTPUT)) {
                    fail("round " + round + ": the child acknowledged only " + acknowledged.size() + " events before "
                            + (line == null ? "the deadline" : "it ended") + "; its stderr:\n" + tail(stderr));
                }
                collect(line, acknowledged);
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "the child did not die");
        }
        // ids printed before the kill are still in the pipe: each was acknowledged
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                fail("round " + round + ": the child's output did not end after the kill");
            }
            if (line.equals(END_OF_OUTPUT)) {
                break;
            }
            collect(line, acknowledged);
        }
        assertEquals(137, child.exitValue(), "the child must have died of SIGKILL");
        return acknowledged;
    }

    private static void collect(String line, Set<String> acknowledged) {
        // a line cut by the kill is shorter than an id and is ignored
        if (EVENT_ID.matcher(line).matches()) {
            acknowledged.add(line);
        }
    }

    private static void readLines(Process child, BlockingQueue<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            LOG.debug("child output ended", e);
        } finally {
            lines.add(END_OF_OUTPUT);
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "(none)";
        }
        List<String> lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}

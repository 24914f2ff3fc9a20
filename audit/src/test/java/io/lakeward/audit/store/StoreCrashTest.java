package io.lakeward.audit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.keyvault.signing.AuditSigningKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL while events flood in, 20 times on the same directory: after each kill the store opens
 * (which checks every record, link and checkpoint of every log), every event the child saw
 * acknowledged is there exactly once, and the chains link from the first record to the last.
 */
class StoreCrashTest {
    private static final int KILLS = 20;

    @Test
    void everyAcknowledgedEventSurvivesSigkillAndTheChainsVerify(@TempDir Path directory) throws Exception {
        Path store = directory.resolve("store");
        Path keys = directory.resolve("keys");
        AuditSigningKey key = AuditSigningKey.loadOrCreate(keys);
        Set<String> acknowledged = new HashSet<>();
        Random random = new Random(7);
        int tornTails = 0;
        for (int round = 0; round < KILLS; round++) {
            int wanted = 100 + random.nextInt(600);
            Process child = new ProcessBuilder(javaBinary(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    StoreFloodMain.class.getName(), store.toString(), keys.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            int seen = 0;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (seen < wanted && (line = lines.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        acknowledged.add(line.substring(4));
                        seen++;
                    }
                    if (System.nanoTime() > deadline) {
                        break;
                    }
                }
                // SIGKILL in the middle of the flood (acknowledgments not read by now are simply not checked)
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
            }
            assertTrue(seen >= wanted, "round " + round + ": the child acknowledged only " + seen + " events");
            try (AuditStore reopened = AuditStore.open(AuditStoreConfig.defaults(store), key, Clock.systemUTC())) {
                tornTails += reopened.recoveredTornTails().size();
                Set<String> stored = new HashSet<>();
                for (AuditLogId log : List.of(AuditLogId.parse("acme"), AuditLogId.parse("globex"))) {
                    String[] previous = {null};
                    long[] expected = {reopened.state(log).orElseThrow().firstSequence()};
                    reopened.read(log, 1, Long.MAX_VALUE, record -> {
                        assertEquals(expected[0]++, record.sequence());
                        assertTrue(record.hashMatches());
                        if (previous[0] != null) {
                            assertEquals(previous[0], record.previousHash());
                        }
                        previous[0] = record.hash();
                        if (record.eventJsonText().contains("\"notebook.read\"")) {
                            assertTrue(stored.add(record.eventId()), "event " + record.eventId() + " stored twice");
                        }
                    });
                }
                Set<String> missing = new HashSet<>(acknowledged);
                missing.removeAll(stored);
                assertEquals(Set.of(), missing, "round " + round + ": acknowledged events missing after SIGKILL");
            }
        }
        System.out.println("store crash test: " + KILLS + " kills, " + acknowledged.size() + " acknowledged events, " + tornTails
                + " torn tails cut and recorded");
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}

package io.lakeward.policy.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.testing.opa.TestingOpa;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Decisions made while the policy data is replaced, again and again, never see a mixed data set,
 * and each reports the revision of the data it actually read. The test policy
 * ({@code rego/echo-data}) echoes the data's revision and markers into the reason, and allows only
 * when every marker equals the revision.
 */
class DataSwapTest {
    private static final int DECIDERS = 4;
    private static final int REVISIONS = 8;
    private static final int MARKERS = 50;
    private static final int SIGHTINGS = 10;

    @Test
    void embeddedDecisionsNeverMixRevisions() throws Exception {
        EmbeddedPolicyConfig config = new EmbeddedPolicyConfig(2, 2, 256, Duration.ofSeconds(20), Duration.ofSeconds(20), 1024, 0);
        try (EmbeddedPolicyClient client = EmbeddedPolicyClient.start(TestPolicies.wasm("echo-data"), data("r0"), config)) {
            decisionsNeverMixRevisions(client);
        }
    }

    /** The same with the decision cache on: a kept answer is never served under another revision. */
    @Test
    void embeddedDecisionsNeverMixRevisionsWithTheDecisionCache() throws Exception {
        EmbeddedPolicyConfig config = new EmbeddedPolicyConfig(2, 2, 256, Duration.ofSeconds(20), Duration.ofSeconds(20), 1024, 1024);
        try (EmbeddedPolicyClient client = EmbeddedPolicyClient.start(TestPolicies.wasm("echo-data"), data("r0"), config)) {
            decisionsNeverMixRevisions(client);
        }
    }

    @Test
    void remoteDecisionsNeverMixRevisions() throws Exception {
        try (TestingOpa opa = TestingOpa.start(List.of(TestPolicies.directory("echo-data")));
                RemotePolicyClient client = new RemotePolicyClient(RemotePolicyConfig.of(opa.baseUri()).withRequestTimeout(Duration.ofSeconds(20)))) {
            client.updateData(data("r0")).get(30, TimeUnit.SECONDS);
            decisionsNeverMixRevisions(client);
        }
    }

    private static void decisionsNeverMixRevisions(PolicyClient client) throws Exception {
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Map<String, CountDownLatch> sightings = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService deciders = Executors.newFixedThreadPool(DECIDERS);
        try {
            List<Future<Integer>> counts = new ArrayList<>();
            for (int i = 0; i < DECIDERS; i++) {
                counts.add(deciders.submit(() -> {
                    int decisions = 0;
                    while (!stop.get()) {
                        Decision decision = client.decide(Inputs.allowed()).get(60, TimeUnit.SECONDS);
                        check(decision, problems);
                        if (decision.revision() != null) {
                            sightings.computeIfAbsent(decision.revision(), revision -> new CountDownLatch(SIGHTINGS)).countDown();
                        }
                        decisions++;
                    }
                    return decisions;
                }));
            }
            for (int i = 1; i <= REVISIONS; i++) {
                String revision = "r" + i;
                client.updateData(data(revision)).get(60, TimeUnit.SECONDS);
                assertEquals(revision, client.revision().orElseThrow());

                Decision after = client.decide(Inputs.allowed()).get(60, TimeUnit.SECONDS);
                check(after, problems);
                assertEquals(revision, after.revision(), "a decision started after the update completed");

                // Concurrency, not luck: the deciders run on through this revision before the next swap.
                assertTrue(sightings.computeIfAbsent(revision, key -> new CountDownLatch(SIGHTINGS)).await(60, TimeUnit.SECONDS),
                        "the deciders never decided with revision " + revision);
            }
            stop.set(true);
            int total = 0;
            for (Future<Integer> count : counts) {
                total += count.get(60, TimeUnit.SECONDS);
            }
            assertTrue(total >= REVISIONS * SIGHTINGS, total + " decisions");
        } finally {
            stop.set(true);
            deciders.shutdownNow();
        }
        assertEquals(List.of(), problems);
    }

    private static void check(Decision decision, List<String> problems) {
        if (decision.outcome() != Decision.Outcome.ALLOWED) {
            problems.add("not allowed: " + decision);
            return;
        }
        String expected = "revision " + decision.revision() + " markers " + String.join(",", Collections.nCopies(MARKERS, decision.revision()));
        if (!expected.equals(decision.reason())) {
            problems.add("revision " + decision.revision() + " reported, but the policy read: " + decision.reason());
        }
    }

    /** Revision {@code revision} whose markers all equal it, with some bulk to load. */
    private static PolicyData data(String revision) {
        ObjectNode document = DecisionResults.MAPPER.createObjectNode();
        document.put("revision", revision);
        ArrayNode markers = document.putArray("markers");
        for (int i = 0; i < MARKERS; i++) {
            markers.add(revision);
        }
        ArrayNode grants = document.putArray("grants");
        for (int i = 0; i < 2_000; i++) {
            grants.addObject().put("principal", "user-" + i).put("table", "main.sales.orders_" + i).put("privilege", "SELECT");
        }
        return PolicyData.of(revision, document);
    }
}

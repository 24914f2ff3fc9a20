package io.lakeward.policy.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.policy.client.AuthorizationInput.Context;
import io.lakeward.policy.client.AuthorizationInput.Principal;
import io.lakeward.policy.client.AuthorizationInput.PrincipalType;
import io.lakeward.policy.client.AuthorizationInput.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The embedded client's answers by input: the same question is evaluated once per data revision,
 * a different one never gets another's answer, a data swap drops every kept answer, and a failure
 * is never kept. Evaluations are counted on the real Wasm engine.
 */
class DecisionCacheTest {
    private static final Duration GENEROUS = Duration.ofSeconds(20);

    @Test
    void theSameQuestionIsEvaluatedOnceAndAnsweredUnderFreshDecisionIds() throws Exception {
        CountingEngine engine = new CountingEngine();
        try (EmbeddedPolicyClient client = client(engine, PolicyData.empty("1"), 1024)) {
            Decision first = decide(client, Inputs.allowed());
            Decision second = decide(client, Inputs.allowed());

            assertEquals(1, engine.evaluations.get());
            assertEquals(Decision.Outcome.ALLOWED, second.outcome());
            assertEquals(first.reason(), second.reason());
            assertEquals(first.revision(), second.revision());
            assertEquals(first.tenantRevision(), second.tenantRevision());
            assertNotEquals(first.decisionId(), second.decisionId(), "each decision is audited under its own id");
        }
    }

    @Test
    void onlyTheContextIsLeftOutOfTheKey() throws Exception {
        CountingEngine engine = new CountingEngine();
        try (EmbeddedPolicyClient client = client(engine, PolicyData.empty("1"), 1024)) {
            AuthorizationInput base = Inputs.allowed();
            assertEquals(Decision.Outcome.ALLOWED, decide(client, base).outcome());
            AuthorizationInput laterFromElsewhere = new AuthorizationInput(base.principal(), base.action(), base.resource(),
                    new Context(Instant.parse("2026-01-01T00:00:00Z"), "10.0.0.9", "ffffffffffffffffffffffffffffffff"));
            assertEquals(Decision.Outcome.ALLOWED, decide(client, laterFromElsewhere).outcome());
            assertEquals(1, engine.evaluations.get());

            // every other part of the question is asked anew, and gets the answer an uncached client gives
            Principal viewer = base.principal();
            List<AuthorizationInput> others = List.of(
                    new AuthorizationInput(viewer, "notebook.run", base.resource(), base.context()),
                    new AuthorizationInput(new Principal(viewer.id(), viewer.type(), viewer.tenant(), List.of("auditor"), viewer.groups()),
                            base.action(), base.resource(), base.context()),
                    new AuthorizationInput(new Principal(viewer.id(), viewer.type(), "globex", viewer.roles(), viewer.groups()),
                            base.action(), base.resource(), base.context()),
                    new AuthorizationInput(new Principal(viewer.id(), viewer.type(), viewer.tenant(), List.of("workspace-user"), viewer.groups()),
                            "notebook.run", base.resource(), base.context()),
                    new AuthorizationInput(new Principal("user-2", viewer.type(), viewer.tenant(), viewer.roles(), viewer.groups()),
                            "audit.read_own", new Resource("acme", "audit_log", "acme", "user-2"), base.context()),
                    new AuthorizationInput(new Principal("user-3", viewer.type(), viewer.tenant(), viewer.roles(), viewer.groups()),
                            "audit.read_own", new Resource("acme", "audit_log", "acme", "user-2"), base.context()),
                    new AuthorizationInput(viewer, base.action(), new Resource("globex", "notebook", "notebook-1", "user-2"), base.context()));
            Set<Decision.Outcome> outcomes = new java.util.HashSet<>();
            try (EmbeddedPolicyClient reference = client(new CountingEngine(), PolicyData.empty("1"), 0)) {
                for (AuthorizationInput other : others) {
                    Decision expected = decide(reference, other);
                    Decision actual = decide(client, other);
                    assertEquals(expected.outcome(), actual.outcome(), other.toString());
                    assertEquals(expected.reason(), actual.reason(), other.toString());
                    outcomes.add(actual.outcome());
                }
            }
            assertEquals(Set.of(Decision.Outcome.ALLOWED, Decision.Outcome.DENIED), outcomes, "the questions get both answers");
            assertEquals(1 + others.size(), engine.evaluations.get());
        }
    }

    @Test
    void aDataSwapDropsEveryKeptAnswer() throws Exception {
        CountingEngine engine = new CountingEngine();
        PolicyData granted = PolicyDataTable.data();
        try (EmbeddedPolicyClient client = client(engine, granted, 1024)) {
            DataAccessInput alice = PolicyDataTable.dataCases().stream().map(PolicyDataTable.DataCase::input)
                    .filter(input -> input.principal().id().equals("user-alice") && input.table().name().equals("orders")
                            && input.privilege().equals("SELECT") && input.principal().tenant().equals("acme"))
                    .findFirst().orElseThrow();
            assertTrue(client.decideDataAccess(alice).get(30, TimeUnit.SECONDS).decision().allow());
            assertTrue(client.decideDataAccess(alice).get(30, TimeUnit.SECONDS).decision().allow());
            int evaluated = engine.evaluations.get();

            ObjectNode revoked = granted.document();
            revoked.put("revision", "revoked");
            ((ObjectNode) revoked.path("tenants").path("acme").path("grants")).remove("table/main.sales.orders");
            client.updateData(PolicyData.of("revoked", revoked)).get(30, TimeUnit.SECONDS);

            DataAccessDecision after = client.decideDataAccess(alice).get(30, TimeUnit.SECONDS);
            assertEquals(Decision.Outcome.DENIED, after.decision().outcome(), after.toString());
            assertEquals("revoked", after.decision().revision());
            assertTrue(engine.evaluations.get() > evaluated, "the new revision evaluates again");
        }
    }

    @Test
    void aFailureIsNeverKept() throws Exception {
        CountingEngine engine = new CountingEngine();
        try (EmbeddedPolicyClient client = client(engine, PolicyData.empty("1"), 1024)) {
            engine.failNext.set(true);
            assertEquals(Decision.Outcome.UNAVAILABLE, decide(client, Inputs.allowed()).outcome());
            assertEquals(Decision.Outcome.ALLOWED, decide(client, Inputs.allowed()).outcome());
            assertEquals(Decision.Outcome.ALLOWED, decide(client, Inputs.allowed()).outcome());
            assertEquals(2, engine.evaluations.get(), "the failed evaluation, then one that was kept");
        }
    }

    @Test
    void sizeZeroEvaluatesEveryDecision() throws Exception {
        CountingEngine engine = new CountingEngine();
        try (EmbeddedPolicyClient client = client(engine, PolicyData.empty("1"), 0)) {
            for (int i = 0; i < 5; i++) {
                assertEquals(Decision.Outcome.ALLOWED, decide(client, Inputs.allowed()).outcome());
            }
            assertEquals(5, engine.evaluations.get());
        }
    }

    @Test
    void theCacheStaysWithinItsCapacity() {
        DecisionCache cache = new DecisionCache(100);
        for (int i = 0; i < 10_000; i++) {
            AuthorizationInput input = Inputs.withAction("action-" + i);
            cache.put(DecisionCache.key(input), i);
            assertTrue(cache.size() <= 100, "size " + cache.size());
        }
        // the most recent answers are kept, and are the right ones
        assertEquals(9_999, cache.get(DecisionCache.key(Inputs.withAction("action-9999"))));
        assertEquals(null, cache.get(DecisionCache.key(Inputs.withAction("action-0"))));
    }

    /**
     * The key leaves the input's context out, which is exact only while no policy reads it. This
     * fails the day one does: then the fields it reads must join the key in {@link DecisionCache}.
     */
    @Test
    void noPolicyReadsTheContextTheCacheKeyLeavesOut() throws IOException {
        Path rego = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "policies", "src", "main", "rego");
        assertTrue(Files.isDirectory(rego), "the policies' sources are at " + rego.toAbsolutePath());
        List<String> readers = new ArrayList<>();
        try (Stream<Path> files = Files.walk(rego)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".rego") && !p.toString().endsWith("_test.rego")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String code = lines.get(i).replaceAll("#.*$", "");
                    if (code.contains("input.context") || code.contains("input[\"context\"]") || code.matches(".*\\binput\\s*\\[.*")
                            || code.matches(".*:=\\s*input\\s*$") || code.matches(".*\\bsome\\b.*\\bin\\s+input\\s*$")) {
                        readers.add(file.getFileName() + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(List.of(), readers, "policy lines that may read input.context, which the decision cache key leaves out");
    }

    private static EmbeddedPolicyClient client(PolicyEngine engine, PolicyData data, int cacheSize) {
        EmbeddedPolicyConfig config = new EmbeddedPolicyConfig(1, 1, 64, GENEROUS, GENEROUS, 1024, cacheSize);
        return new EmbeddedPolicyClient(engine, data, config);
    }

    private static Decision decide(PolicyClient client, AuthorizationInput input) throws Exception {
        return client.decide(input).get(30, TimeUnit.SECONDS);
    }

    /** The real Wasm engine, counting the evaluations of decisions (not the start-up probes). */
    private static final class CountingEngine implements PolicyEngine {
        final AtomicInteger evaluations = new AtomicInteger();
        final AtomicReference<Boolean> failNext = new AtomicReference<>(false);
        private final PolicyEngine real = new WasmEngine(WasmPolicy.fromClasspath(), 1024,
                Set.of(PolicyClient.AUTHORIZATION_ENTRYPOINT, PolicyClient.DATA_ACCESS_ENTRYPOINT));

        @Override
        public Evaluator newEvaluator(PolicyData data) {
            Evaluator evaluator = real.newEvaluator(data);
            return new Evaluator() {
                @Override
                public String evaluate(String entrypoint, String input) {
                    if (!input.equals("{}")) {
                        evaluations.incrementAndGet();
                        if (failNext.getAndSet(false)) {
                            throw new IllegalStateException("simulated Wasm trap");
                        }
                    }
                    return evaluator.evaluate(entrypoint, input);
                }

                @Override
                public boolean reload(PolicyData next) {
                    return evaluator.reload(next);
                }
            };
        }
    }
}

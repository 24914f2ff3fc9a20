package io.lakeward.policy.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.testing.opa.TestingOpa;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded engine (the Wasm build of the policies, from the policies jar) and the remote one
 * (a real OPA server running the same Rego sources) must give the same answer to every case of
 * one decision table.
 */
class ConformanceTest {
    private static final String REVISION = "conformance-1";

    private static EmbeddedPolicyClient embedded;
    private static RemotePolicyClient remote;

    @BeforeAll
    static void startBothEngines() throws Exception {
        embedded = EmbeddedPolicyClient.start(WasmPolicy.fromClasspath(), PolicyData.empty(REVISION),
                EmbeddedPolicyConfig.defaults().withTimeout(java.time.Duration.ofSeconds(5)));
        remote = new RemotePolicyClient(RemotePolicyConfig.of(TestingOpa.shared().baseUri()).withRequestTimeout(java.time.Duration.ofSeconds(5)));
        remote.updateData(PolicyData.empty(REVISION)).get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (embedded != null) {
            embedded.close();
        }
        if (remote != null) {
            remote.close();
        }
    }

    @Test
    void embeddedAndRemoteGiveTheSameAnswers() throws Exception {
        List<DecisionTable.Case> cases = DecisionTable.cases();
        assertTrue(cases.size() >= 100, "the table has " + cases.size() + " cases");

        List<String> problems = new ArrayList<>();
        Set<String> reasonKinds = new TreeSet<>();
        int allowed = 0;
        for (DecisionTable.Case testCase : cases) {
            Decision local = embedded.decide(testCase.input()).get(10, TimeUnit.SECONDS);
            Decision server = remote.decide(testCase.input()).get(10, TimeUnit.SECONDS);
            if (local.outcome() == Decision.Outcome.UNAVAILABLE || server.outcome() == Decision.Outcome.UNAVAILABLE) {
                problems.add(testCase.name() + ": no answer: embedded " + local + ", remote " + server);
                continue;
            }
            if (local.allow() != server.allow() || !local.reason().equals(server.reason()) || local.outcome() != server.outcome()) {
                problems.add(testCase.name() + ": embedded " + local.outcome() + " '" + local.reason() + "', remote " + server.outcome() + " '" + server.reason() + "'");
            }
            if (!REVISION.equals(local.revision()) || !REVISION.equals(server.revision())) {
                problems.add(testCase.name() + ": revisions " + local.revision() + " / " + server.revision());
            }
            if (local.decisionId().equals(server.decisionId())) {
                problems.add(testCase.name() + ": the same decision id twice");
            }
            reasonKinds.add(kind(local.reason()));
            allowed += local.allow() ? 1 : 0;
        }
        assertEquals(List.of(), problems, problems.size() + " of " + cases.size() + " cases differ");

        // Not a vacuous agreement: the table reaches every branch of the policy.
        assertEquals(new TreeSet<>(List.of("granted to role", "invalid input", "no role grants the action", "not the resource owner",
                "tenant mismatch", "unknown action")), reasonKinds);
        assertTrue(allowed > 50 && allowed < cases.size() - 50, allowed + " of " + cases.size() + " allowed");
    }

    @Test
    void knownAnswersOfThePolicy() throws Exception {
        assertAnswer(Decision.Outcome.ALLOWED, "granted to role viewer", Inputs.withAction("notebook.read"));
        assertAnswer(Decision.Outcome.DENIED, "no role grants the action", Inputs.withAction("notebook.update"));
        assertAnswer(Decision.Outcome.DENIED, "unknown action", Inputs.withAction("notebook.explode"));
        AuthorizationInput otherTenant = Inputs.allowed();
        otherTenant = new AuthorizationInput(otherTenant.principal(), otherTenant.action(),
                new AuthorizationInput.Resource("globex", "notebook", "n", null), otherTenant.context());
        assertAnswer(Decision.Outcome.DENIED, "tenant mismatch", otherTenant);
    }

    private static void assertAnswer(Decision.Outcome outcome, String reason, AuthorizationInput input) throws Exception {
        for (PolicyClient client : List.of(embedded, remote)) {
            Decision decision = client.decide(input).get(10, TimeUnit.SECONDS);
            assertEquals(outcome, decision.outcome(), client.getClass().getSimpleName() + ": " + decision);
            assertEquals(reason, decision.reason(), client.getClass().getSimpleName());
        }
    }

    private static String kind(String reason) {
        for (String prefix : List.of("granted to role", "invalid input")) {
            if (reason.startsWith(prefix)) {
                return prefix;
            }
        }
        return reason;
    }
}

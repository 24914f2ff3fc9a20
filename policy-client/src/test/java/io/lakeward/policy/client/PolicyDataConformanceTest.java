package io.lakeward.policy.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.testing.opa.TestingOpa;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With admin-managed data loaded, the embedded engine and a real OPA server give identical answers:
 * resource decisions (ACL levels, folders, owners, stored membership, tenants) and data-access
 * decisions (grants, filters, masks, exemptions), field for field.
 */
class PolicyDataConformanceTest {
    private static EmbeddedPolicyClient embedded;
    private static RemotePolicyClient remote;

    @BeforeAll
    static void startBothEngines() throws Exception {
        embedded = EmbeddedPolicyClient.start(WasmPolicy.fromClasspath(), PolicyDataTable.data(),
                EmbeddedPolicyConfig.defaults().withTimeout(Duration.ofSeconds(5)));
        remote = new RemotePolicyClient(RemotePolicyConfig.of(TestingOpa.shared().baseUri()).withRequestTimeout(Duration.ofSeconds(5)));
        remote.updateData(PolicyDataTable.data()).get(10, TimeUnit.SECONDS);
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
    void resourceDecisionsAreTheSameInBothEngines() throws Exception {
        List<PolicyDataTable.AuthorizationCase> cases = PolicyDataTable.authorizationCases();
        assertTrue(cases.size() >= 100, cases.size() + " cases");
        List<String> problems = new ArrayList<>();
        Set<String> reasons = new TreeSet<>();
        int allowed = 0;
        int hidden = 0;
        for (PolicyDataTable.AuthorizationCase testCase : cases) {
            Decision local = embedded.decide(testCase.input()).get(10, TimeUnit.SECONDS);
            Decision server = remote.decide(testCase.input()).get(10, TimeUnit.SECONDS);
            if (local.outcome() == Decision.Outcome.UNAVAILABLE || server.outcome() == Decision.Outcome.UNAVAILABLE) {
                problems.add(testCase.name() + ": no answer: " + local + " / " + server);
                continue;
            }
            if (local.outcome() != server.outcome() || !local.reason().equals(server.reason()) || !Objects.equals(local.visible(), server.visible())
                    || !Objects.equals(local.tenantRevision(), server.tenantRevision())) {
                problems.add(testCase.name() + ": embedded " + local + ", remote " + server);
            }
            reasons.add(local.reason().startsWith("granted to role") ? "granted to role" : local.reason().startsWith("invalid input") ? "invalid input" : local.reason());
            allowed += local.allow() ? 1 : 0;
            hidden += local.hidden() ? 1 : 0;
        }
        assertEquals(List.of(), problems, problems.size() + " of " + cases.size() + " differ");
        // the table reaches every resource branch, with room on both sides
        assertTrue(reasons.containsAll(Set.of("granted to role", "no access to the resource", "the action needs CAN_EDIT", "the action needs CAN_MANAGE",
                "the action needs CAN_RUN", "no role grants the action", "tenant mismatch", "invalid input", "the action cannot be decided on a resource")), reasons.toString());
        assertTrue(allowed > 50 && hidden > 50 && cases.size() - allowed - hidden > 50, allowed + " allowed, " + hidden + " hidden of " + cases.size());
    }

    @Test
    void dataAccessDecisionsAreTheSameInBothEngines() throws Exception {
        List<PolicyDataTable.DataCase> cases = PolicyDataTable.dataCases();
        assertTrue(cases.size() >= 80, cases.size() + " cases");
        List<String> problems = new ArrayList<>();
        int allowed = 0;
        int filtered = 0;
        int masked = 0;
        for (PolicyDataTable.DataCase testCase : cases) {
            DataAccessDecision local = embedded.decideDataAccess(testCase.input()).get(10, TimeUnit.SECONDS);
            DataAccessDecision server = remote.decideDataAccess(testCase.input()).get(10, TimeUnit.SECONDS);
            if (local.decision().outcome() == Decision.Outcome.UNAVAILABLE || server.decision().outcome() == Decision.Outcome.UNAVAILABLE) {
                problems.add(testCase.name() + ": no answer: " + local + " / " + server);
                continue;
            }
            if (local.decision().outcome() != server.decision().outcome() || !local.decision().reason().equals(server.decision().reason())
                    || !Objects.equals(local.rowFilter(), server.rowFilter()) || !local.masks().equals(server.masks())
                    || !Objects.equals(local.decision().tenantRevision(), server.decision().tenantRevision())) {
                problems.add(testCase.name() + ": embedded " + local + ", remote " + server);
            }
            allowed += local.decision().allow() ? 1 : 0;
            filtered += local.rowFilter() != null ? 1 : 0;
            masked += local.masks().isEmpty() ? 0 : 1;
        }
        assertEquals(List.of(), problems, problems.size() + " of " + cases.size() + " differ");
        assertTrue(allowed > 10 && allowed < cases.size() - 10, allowed + " allowed of " + cases.size());
        assertTrue(filtered > 5 && masked > 5, filtered + " filtered, " + masked + " masked");
    }

    @Test
    void knownDataAnswers() throws Exception {
        DataAccessInput.Table orders = new DataAccessInput.Table("acme", "main", "sales", "orders");
        AuthorizationInput.Principal alice = new AuthorizationInput.Principal("user-alice", AuthorizationInput.PrincipalType.USER, "acme",
                List.of("workspace-user"), List.of());
        AuthorizationInput.Principal dave = new AuthorizationInput.Principal("user-dave", AuthorizationInput.PrincipalType.USER, "acme",
                List.of("workspace-user"), List.of());
        for (PolicyClient client : List.of(embedded, remote)) {
            DataAccessDecision forAlice = client.decideDataAccess(new DataAccessInput(alice, "SELECT", orders, null)).get(10, TimeUnit.SECONDS);
            assertEquals("granted SELECT on table/main.sales.orders", forAlice.decision().reason());
            assertEquals("region = user_attribute('region') OR is_member('admins')", forAlice.rowFilter());
            assertEquals(List.of(new DataAccessDecision.ColumnMask("amount", "null", "column mask"),
                    new DataAccessDecision.ColumnMask("card", "hash", "tag pii"),
                    new DataAccessDecision.ColumnMask("email", "hash", "tag pii")), forAlice.masks());
            assertEquals(12L, forAlice.decision().tenantRevision());
            // dave: no grant on the table; his stored groups give hr.*, and exempt him from pii and amount
            DataAccessDecision daveOrders = client.decideDataAccess(new DataAccessInput(dave, "SELECT", orders, null)).get(10, TimeUnit.SECONDS);
            assertEquals(Decision.Outcome.DENIED, daveOrders.decision().outcome());
            DataAccessDecision daveHr = client.decideDataAccess(new DataAccessInput(dave, "SELECT",
                    new DataAccessInput.Table("acme", "main", "hr", "salaries"), null)).get(10, TimeUnit.SECONDS);
            assertEquals("granted SELECT on schema/main.hr", daveHr.decision().reason());
            // globex's grant to the same user id is not acme's
            DataAccessDecision crossTenant = client.decideDataAccess(new DataAccessInput(alice, "SELECT",
                    new DataAccessInput.Table("acme", "main", "hr", "salaries"), null)).get(10, TimeUnit.SECONDS);
            assertEquals(Decision.Outcome.DENIED, crossTenant.decision().outcome());
        }
    }
}

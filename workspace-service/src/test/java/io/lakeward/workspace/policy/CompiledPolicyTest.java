package io.lakeward.workspace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.policy.client.AuthorizationInput;
import io.lakeward.policy.client.DataAccessDecision;
import io.lakeward.policy.client.DataAccessInput;
import io.lakeward.policy.client.Decision;
import io.lakeward.policy.client.EmbeddedPolicyClient;
import io.lakeward.policy.client.EmbeddedPolicyConfig;
import io.lakeward.policy.client.PolicyData;
import io.lakeward.policy.client.PolicyDataSync;
import io.lakeward.policy.client.TenantPolicySource;
import io.lakeward.policy.client.WasmPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the store compiles is what the real policies (Wasm build) decide with. */
class CompiledPolicyTest {
    private static EmbeddedPolicyClient client;

    @BeforeAll
    static void start() {
        client = EmbeddedPolicyClient.start(WasmPolicy.fromClasspath(), PolicyData.empty("0"), EmbeddedPolicyConfig.defaults().withPoolSize(1));
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    private static final PolicyDocument ACME = PolicyDocument.empty()
            .withGrants(List.of(
                    new PolicyDocument.Grant("user", "user-1", "SELECT", "table", "main.sales.orders"),
                    new PolicyDocument.Grant("group", "analysts", "SELECT", "schema", "main.hr")))
            .withRowFilters(List.of(new PolicyDocument.RowFilter("main.sales.orders", "region = user_attribute('region')")))
            .withColumnTags(List.of(new PolicyDocument.ColumnTag("main.sales.orders", "email", "pii"),
                    new PolicyDocument.ColumnTag("main.sales.orders", "email", "pci")))
            .withMasks(List.of(new PolicyDocument.Mask("tag", null, null, "pii", "hash", List.of("privacy")),
                    new PolicyDocument.Mask("tag", null, null, "pci", "redact", List.of()),
                    new PolicyDocument.Mask("column", "main.hr.salaries", "amount", null, "null", List.of())))
            .withMembers(Map.of("user-2", new PolicyDocument.Membership(List.of("viewer"), List.of())));

    private static void load(Map<String, PolicyDocument> tenants) {
        TenantPolicySource source = new TenantPolicySource() {
            @Override
            public Map<String, Long> revisions() {
                return Map.of("acme", 3L, "globex", 1L).entrySet().stream().filter(e -> tenants.containsKey(e.getKey()))
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            }

            @Override
            public ObjectNode document(String tenant) {
                return PolicyCompiler.compile(tenants.get(tenant), revisions().get(tenant));
            }
        };
        try (PolicyDataSync sync = new PolicyDataSync(source, List.of(client), Duration.ofSeconds(1))) {
            sync.syncOnce(Duration.ofSeconds(30));
        }
    }

    private static DataAccessDecision read(String tenant, String user, List<String> groups, String table) throws Exception {
        String[] parts = table.split("\\.");
        return client.decideDataAccess(new DataAccessInput(
                new AuthorizationInput.Principal(user, AuthorizationInput.PrincipalType.USER, tenant, List.of("workspace-user"), groups),
                "SELECT", new DataAccessInput.Table(tenant, parts[0], parts[1], parts[2]), null)).get(5, TimeUnit.SECONDS);
    }

    @Test
    void grantsFiltersTagsAndMasksAsStored() throws Exception {
        load(Map.of("acme", ACME, "globex", PolicyDocument.empty()));
        DataAccessDecision orders = read("acme", "user-1", List.of(), "main.sales.orders");
        assertTrue(orders.decision().allow(), orders.toString());
        assertEquals(3L, orders.decision().tenantRevision());
        assertEquals("region = user_attribute('region')", orders.rowFilter());
        assertEquals(List.of(new DataAccessDecision.ColumnMask("email", "redact", "tag pci")), orders.masks());

        DataAccessDecision salaries = read("acme", "user-9", List.of("analysts"), "main.hr.salaries");
        assertTrue(salaries.decision().allow());
        assertNull(salaries.rowFilter());
        assertEquals(List.of(new DataAccessDecision.ColumnMask("amount", "null", "column mask")), salaries.masks());

        assertFalse(read("acme", "user-9", List.of(), "main.hr.salaries").decision().allow());
        assertFalse(read("globex", "user-1", List.of(), "main.sales.orders").decision().allow(), "acme's grants are not globex's");
    }

    @Test
    void storedMembershipReplacesTheTokensRoles() throws Exception {
        load(Map.of("acme", ACME));
        Decision asToken = client.decide(new AuthorizationInput(
                new AuthorizationInput.Principal("user-2", AuthorizationInput.PrincipalType.USER, "acme", List.of("workspace-user"), List.of()),
                "notebook.update", new AuthorizationInput.Resource("acme", "notebook", null, null), null)).get(5, TimeUnit.SECONDS);
        assertFalse(asToken.allow(), "the store says viewer: " + asToken);
        assertEquals("no role grants the action", asToken.reason());
    }
}

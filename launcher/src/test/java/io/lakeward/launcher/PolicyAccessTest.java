package io.lakeward.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.nimbusds.jwt.SignedJWT;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.metastore.policy.JdbcPolicyStore;
import io.lakeward.policy.client.AuthorizationInput;
import io.lakeward.policy.client.DataAccessDecision;
import io.lakeward.policy.client.DataAccessInput;
import io.lakeward.policy.client.EmbeddedPolicyClient;
import io.lakeward.policy.client.EmbeddedPolicyConfig;
import io.lakeward.policy.client.PolicyClient;
import io.lakeward.policy.client.PolicyData;
import io.lakeward.policy.client.PolicyDataSync;
import io.lakeward.policy.client.WasmPolicy;
import io.lakeward.workspace.policy.StoreTenantPolicySource;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Access policies with real Keycloak users of acme and globex, through the gateway's routes and the
 * decision API (simulate), and through a second decision point that, like another platform
 * instance, only polls the policy store.
 */
class PolicyAccessTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String POLICIES = "/api/2.0/policies";
    private static final String SCIM = "/api/2.0/preview/scim/v2";
    private static final Duration PROPAGATION = Duration.ofSeconds(1);

    private static RunningPlatform platform;
    private static Map<String, String> acme;
    private static String globexAdmin;
    private static EmbeddedPolicyClient otherInstance;
    private static PolicyDataSync otherSync;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.get();
        UserTokens tokens = new UserTokens(platform);
        acme = Map.of(
                "admin", tokens.accessToken("acme", "admin"),
                "engineer", tokens.accessToken("acme", "engineer"),
                "auditor", tokens.accessToken("acme", "auditor"),
                "viewer", tokens.accessToken("acme", "viewer"));
        globexAdmin = tokens.accessToken("globex", "admin");
        // a decision point of its own, told of nothing: it learns changes only by polling the store
        otherInstance = EmbeddedPolicyClient.start(WasmPolicy.fromClasspath(), PolicyData.empty("other-0"),
                EmbeddedPolicyConfig.defaults().withPoolSize(1).withEvaluationThreads(1));
        otherSync = new PolicyDataSync(new StoreTenantPolicySource(new JdbcPolicyStore(platform.platform.database().transactions()),
                platform.platform.tenantRegistry().directory()), List.of(otherInstance), Duration.ofMillis(250)).start(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (otherSync != null) {
            otherSync.close();
        }
        if (otherInstance != null) {
            otherInstance.close();
        }
    }

    // --- roles -------------------------------------------------------------------------------

    @Test
    void aViewerIsRefusedRunAndEditActions() throws Exception {
        String viewer = subject(acme.get("viewer"));
        assertEquals("DENIED", simulateAction(viewer, "notebook.run").get("decision").asText());
        assertEquals("DENIED", simulateAction(viewer, "notebook.update").get("decision").asText());
        assertEquals("DENIED", simulateAction(viewer, "cluster.attach").get("decision").asText());
        assertEquals("ALLOWED", simulateAction(viewer, "notebook.read").get("decision").asText());

        // and through the routes: no admin action, 403 in the one error shape, audited with the decision
        HttpResponse<String> patch = send("PATCH", "acme", SCIM + "/Groups/analysts", acme.get("viewer"), null,
                "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"add\",\"value\":[{\"value\":\"" + viewer + "\"}]}]}");
        assertError(patch, 403, "PERMISSION_DENIED");
        AuditEvent event = single(platform.auditEventsOf(patch));
        assertEquals("group.update", event.action());
        assertEquals(Outcome.DENIED, event.outcome());
        assertNotNull(event.policyDecision(), "the denial is audited with its decision");
        assertTrue(event.policyDecision().decisionId().matches("[0-9a-f]{32}"), event.policyDecision().decisionId());
        assertTrue(event.policyDecision().policyRevision().matches("\\d+@d[0-9a-f]{16}"), event.policyDecision().policyRevision());
        assertEquals("no role grants the action", event.policyDecision().reason());
        assertError(send("GET", "acme", POLICIES, acme.get("viewer"), null, null), 403, "PERMISSION_DENIED");
        assertError(send("POST", "acme", POLICIES + "/grants", acme.get("engineer"), null, grantBody("user", viewer, "SELECT", "table", "main.a.b")),
                403, "PERMISSION_DENIED");
    }

    @Test
    void anAuditorMayReadAndExportAuditButNotNotebooks() throws Exception {
        String auditor = subject(acme.get("auditor"));
        assertEquals("ALLOWED", simulateAction(auditor, "audit.read").get("decision").asText());
        assertEquals("ALLOWED", simulateAction(auditor, "audit.export").get("decision").asText());
        assertEquals("DENIED", simulateAction(auditor, "notebook.read").get("decision").asText());
        assertEquals("DENIED", simulateAction(auditor, "policy.update").get("decision").asText());
        assertError(send("GET", "acme", POLICIES + "/grants", acme.get("auditor"), null, null), 403, "PERMISSION_DENIED");
        // allowed requests are audited with their decision too
        HttpResponse<String> me = send("GET", "acme", SCIM + "/Me", acme.get("auditor"), null, null);
        assertEquals(200, me.statusCode(), me.body());
        AuditEvent event = single(platform.auditEventsOf(me));
        assertEquals(Outcome.SUCCESS, event.outcome());
        assertEquals("granted to role auditor", event.policyDecision().reason());
    }

    @Test
    void anAcmeTenantAdminHasNoPowerInGlobex() throws Exception {
        HttpResponse<String> own = send("GET", "acme", POLICIES, acme.get("admin"), null, null);
        assertEquals(200, own.statusCode(), own.body());
        // the acme admin's token at the globex host: the same 404 an unknown host gets, nothing changes there
        long globexBefore = revision(send("GET", "globex", POLICIES, globexAdmin, null, null));
        assertError(send("GET", "globex", POLICIES, acme.get("admin"), null, null), 404, "RESOURCE_DOES_NOT_EXIST");
        assertError(send("POST", "globex", POLICIES + "/grants", acme.get("admin"), null,
                grantBody("group", "admins", "SELECT", "catalog", "main")), 404, "RESOURCE_DOES_NOT_EXIST");
        assertError(send("PATCH", "globex", SCIM + "/Groups/admins", acme.get("admin"), null,
                "{\"Operations\":[{\"op\":\"add\",\"value\":[{\"value\":\"" + subject(acme.get("admin")) + "\"}]}]}"), 404, "RESOURCE_DOES_NOT_EXIST");
        assertEquals(globexBefore, revision(send("GET", "globex", POLICIES, globexAdmin, null, null)));
        // an acme grant is no grant in globex, even to a user id that exists in both
        String acmeEngineer = subject(acme.get("engineer"));
        assertOk(send("POST", "acme", POLICIES + "/grants", acme.get("admin"), null, grantBody("user", acmeEngineer, "SELECT", "table", "main.sales.tenancy")));
        DataAccessDecision inGlobex = otherInstance.decideDataAccess(new DataAccessInput(
                new AuthorizationInput.Principal(acmeEngineer, AuthorizationInput.PrincipalType.USER, "globex", List.of("workspace-user"), List.of()),
                "SELECT", new DataAccessInput.Table("globex", "main", "sales", "tenancy"), null)).get(5, TimeUnit.SECONDS);
        assertFalse(inGlobex.decision().allow(), inGlobex.toString());
    }

    // --- propagation -------------------------------------------------------------------------

    @Test
    void aGrantChangedThroughTheAdminApiChangesTheNextDecisionWithinOneSecond() throws Exception {
        String engineer = subject(acme.get("engineer"));
        DataAccessInput read = tableRead(engineer, List.of("workspace-user"), List.of("data-engineers"), "main.finance.ledger");
        assertFalse(decide(otherInstance, read).decision().allow());

        HttpResponse<String> granted = send("POST", "acme", POLICIES + "/grants", acme.get("admin"), null,
                grantBody("user", engineer, "select", "table", "Main.Finance.Ledger"));
        assertOk(granted);
        Instant changed = Instant.now();
        awaitWithin(PROPAGATION, changed, () -> decide(otherInstance, read).decision().allow(), "the grant to reach another decision point");
        awaitWithin(PROPAGATION, changed, () -> decide(platform.platform.policyDecisions().client(), read).decision().allow(), "the grant to reach the platform");

        assertOk(send("POST", "acme", POLICIES + "/grants/delete", acme.get("admin"), null, grantBody("user", engineer, "SELECT", "table", "main.finance.ledger")));
        Instant revoked = Instant.now();
        awaitWithin(PROPAGATION, revoked, () -> !decide(otherInstance, read).decision().allow(), "the revocation to reach another decision point");
    }

    @Test
    void aUserRemovedFromAGroupLosesItsAccessWithinOneSecond() throws Exception {
        String engineer = subject(acme.get("engineer"));
        assertOk(send("POST", "acme", POLICIES + "/grants", acme.get("admin"), null, grantBody("group", "data-engineers", "SELECT", "schema", "main.hr")));
        // the engineer's token says data-engineers; so does the store until the change
        DataAccessInput read = tableRead(engineer, List.of("workspace-user"), tokenGroups(acme.get("engineer")), "main.hr.salaries");
        assertTrue(tokenGroups(acme.get("engineer")).contains("data-engineers"));
        awaitWithin(PROPAGATION, Instant.now(), () -> decide(otherInstance, read).decision().allow(), "the group grant");
        try {
            HttpResponse<String> removed = send("PATCH", "acme", SCIM + "/Groups/data-engineers", acme.get("admin"), null,
                    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"remove\",\"path\":\"members[value eq \\\"" + engineer + "\\\"]\"}]}");
            assertOk(removed);
            Instant changed = Instant.now();
            // whatever the token still claims, decisions use the membership the store holds
            awaitWithin(PROPAGATION, changed, () -> !decide(otherInstance, read).decision().allow(), "the removal to reach another decision point");
            JsonNode simulated = simulateTable(engineer, "main.hr.salaries");
            assertEquals("DENIED", simulated.get("decision").asText(), simulated.toString());
            assertFalse(simulated.get("groups_used").toString().contains("data-engineers"), simulated.toString());
        } finally {
            assertOk(send("PATCH", "acme", SCIM + "/Groups/data-engineers", acme.get("admin"), null,
                    "{\"Operations\":[{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"" + engineer + "\"}]}]}"));
        }
        awaitWithin(PROPAGATION, Instant.now(), () -> decide(otherInstance, read).decision().allow(), "the member added back");
    }

    @Test
    void aRoleGrantedThroughTheAdminApiWorksWithTheUsersCurrentTokenWithinOneSecond() throws Exception {
        String auditorToken = acme.get("auditor");
        String auditor = subject(auditorToken);
        assertError(send("GET", "acme", POLICIES, auditorToken, null, null), 403, "PERMISSION_DENIED");
        try {
            assertOk(send("PATCH", "acme", SCIM + "/Users/" + auditor, acme.get("admin"), null,
                    "{\"Operations\":[{\"op\":\"add\",\"path\":\"roles\",\"value\":[{\"value\":\"tenant-admin\"}]}]}"));
            Instant changed = Instant.now();
            // the same token, which does not claim tenant-admin, now passes the gateway's decision
            awaitWithin(PROPAGATION, changed, () -> status(send("GET", "acme", POLICIES, auditorToken, null, null)) == 200, "the role at the gateway");
        } finally {
            assertOk(send("PATCH", "acme", SCIM + "/Users/" + auditor, acme.get("admin"), null,
                    "{\"Operations\":[{\"op\":\"remove\",\"path\":\"roles[value eq \\\"tenant-admin\\\"]\"}]}"));
        }
        awaitWithin(PROPAGATION, Instant.now(), () -> status(send("GET", "acme", POLICIES, auditorToken, null, null)) == 403, "the revocation at the gateway");
    }

    // --- the admin API ---------------------------------------------------------------------

    @Test
    void badPolicyInputIsRefusedWithAClearErrorAndNothingChanges() throws Exception {
        String admin = acme.get("admin");
        HttpResponse<String> before = send("GET", "acme", POLICIES, admin, null, null);
        long revision = revision(before);
        Map<String, String[]> refused = new java.util.LinkedHashMap<>();
        refused.put("malformed predicate", new String[] {"PUT", "/row-filters", "{\"table\":\"main.sales.orders\",\"expression\":\"region = \"}",
                "invalid row filter: expected a column, a literal or a function but found end of the expression (position 10)"});
        refused.put("forbidden function", new String[] {"PUT", "/row-filters", "{\"table\":\"main.sales.orders\",\"expression\":\"region = reflect('java.lang.Runtime')\"}",
                "invalid row filter: function reflect() is not allowed"});
        refused.put("subquery", new String[] {"PUT", "/row-filters", "{\"table\":\"main.sales.orders\",\"expression\":\"id IN (SELECT id FROM other)\"}",
                "subqueries are not allowed in a row filter"});
        refused.put("statement separator", new String[] {"PUT", "/row-filters", "{\"table\":\"main.sales.orders\",\"expression\":\"1 = 1; DROP TABLE x\"}",
                "';' at position 6"});
        refused.put("comment", new String[] {"PUT", "/row-filters", "{\"table\":\"main.sales.orders\",\"expression\":\"region = 'eu' -- or everyone\"}",
                "comments are not allowed"});
        refused.put("unknown mask type", new String[] {"PUT", "/masks", "{\"target\":\"tag\",\"tag\":\"pii\",\"type\":\"scramble\"}",
                "unknown mask type 'scramble'; the mask types are null, redact, hash, last4"});
        refused.put("unknown privilege", new String[] {"POST", "/grants", grantBody("user", "u-1", "ALL PRIVILEGES", "table", "main.a.b"),
                "privilege must be one of MODIFY, SELECT"});
        refused.put("bad securable", new String[] {"POST", "/grants", grantBody("user", "u-1", "SELECT", "table", "main.orders"),
                "securable 'main.orders' must have 3 dot-separated parts (catalog.schema.table)"});
        refused.put("unknown field", new String[] {"POST", "/grants", "{\"principal_type\":\"user\",\"principal\":\"u\",\"privilege\":\"SELECT\",\"securable_type\":\"table\",\"securable\":\"a.b.c\",\"admin\":true}",
                "unknown field admin"});
        refused.put("not JSON", new String[] {"POST", "/grants", "{\"principal_type\":", "the request body is not the expected JSON"});
        for (var attempt : refused.entrySet()) {
            String[] request = attempt.getValue();
            HttpResponse<String> response = send(request[0], "acme", POLICIES + request[1], admin, null, request[2]);
            assertEquals(400, response.statusCode(), attempt.getKey() + ": " + response.body());
            JsonNode body = JSON.readTree(response.body());
            assertTrue(body.get("message").asText().contains(request[3]), attempt.getKey() + ": " + body.get("message").asText());
            assertTrue(body.has("request_id") && body.has("error_code"), response.body());
            assertFalse(response.body().contains("Exception"), response.body());
        }
        HttpResponse<String> after = send("GET", "acme", POLICIES, admin, null, null);
        assertEquals(revision, revision(after), "no refused change made a revision");
        assertEquals(JSON.readTree(before.body()).get("policy"), JSON.readTree(after.body()).get("policy"));
    }

    @Test
    void changesAreOptimisticVersionedAndCanBeRolledBack() throws Exception {
        String admin = acme.get("admin");
        long start = revision(send("GET", "acme", POLICIES, admin, null, null));
        HttpResponse<String> first = send("PUT", "acme", POLICIES + "/row-filters", admin, "\"" + start + "\"",
                "{\"table\":\"main.sales.orders\",\"expression\":\"region = user_attribute('region') OR is_member('admins')\"}");
        assertOk(first);
        long one = revision(first);
        assertEquals("\"" + one + "\"", first.headers().firstValue("ETag").orElseThrow());
        // a change made against the old revision is refused and stores nothing
        HttpResponse<String> stale = send("PUT", "acme", POLICIES + "/row-filters", admin, "\"" + start + "\"",
                "{\"table\":\"main.sales.orders\",\"expression\":\"TRUE\"}");
        assertError(stale, 409, "RESOURCE_CONFLICT");
        HttpResponse<String> second = send("PUT", "acme", POLICIES + "/row-filters", admin, "\"" + one + "\"",
                "{\"table\":\"main.sales.orders\",\"expression\":\"region IN ('eu', 'us') AND amount < 1000\"}");
        assertOk(second);
        long two = revision(second);

        JsonNode history = JSON.readTree(send("GET", "acme", POLICIES + "/history?limit=2", admin, null, null).body()).get("revisions");
        assertEquals(two, history.get(0).get("revision").asLong());
        JsonNode change = history.get(0).get("change");
        assertEquals("row_filter.put", change.get("kind").asText());
        assertEquals("region = user_attribute('region') OR is_member('admins')", change.get("before").get("expression").asText());
        assertEquals("region IN ('eu', 'us') AND amount < 1000", change.get("after").get("expression").asText());
        assertEquals(subject(admin), history.get(0).get("changed_by").asText());

        HttpResponse<String> rolledBack = send("POST", "acme", POLICIES + "/rollback", admin, "\"" + two + "\"", "{\"revision\":" + one + "}");
        assertOk(rolledBack);
        assertEquals(two + 1, revision(rolledBack));
        JsonNode filters = JSON.readTree(send("GET", "acme", POLICIES + "/row-filters", admin, null, null).body()).get("row_filters");
        assertEquals("region = user_attribute('region') OR is_member('admins')", filters.get(0).get("expression").asText());
        assertError(send("POST", "acme", POLICIES + "/rollback", admin, null, "{\"revision\": 999999}"), 404, "RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void simulateSaysWhatAPrincipalWouldSeeOfATableAndWhy() throws Exception {
        String admin = acme.get("admin");
        String engineer = subject(acme.get("engineer"));
        assertOk(send("POST", "acme", POLICIES + "/grants", admin, null, grantBody("group", "data-engineers", "SELECT", "catalog", "crm")));
        assertOk(send("PUT", "acme", POLICIES + "/row-filters", admin, null, "{\"table\":\"crm.core.customers\",\"expression\":\"country = user_attribute('country')\"}"));
        assertOk(send("POST", "acme", POLICIES + "/column-tags", admin, null, "{\"table\":\"crm.core.customers\",\"column\":\"email\",\"tag\":\"pii\"}"));
        assertOk(send("PUT", "acme", POLICIES + "/masks", admin, null, "{\"target\":\"tag\",\"tag\":\"pii\",\"type\":\"hash\",\"exempt_groups\":[\"admins\"]}"));
        assertOk(send("PUT", "acme", POLICIES + "/masks", admin, null, "{\"target\":\"column\",\"table\":\"crm.core.customers\",\"column\":\"card\",\"type\":\"last4\"}"));
        awaitWithin(PROPAGATION, Instant.now(), () -> simulateTable(engineer, "crm.core.customers").get("masks").size() == 2, "the masks");
        JsonNode simulated = simulateTable(engineer, "crm.core.customers");
        assertEquals("ALLOWED", simulated.get("decision").asText());
        assertEquals("granted SELECT on catalog/crm", simulated.get("reason").asText());
        assertEquals("country = user_attribute('country')", simulated.get("row_filter").asText());
        assertEquals("[{\"column\":\"card\",\"type\":\"last4\",\"reason\":\"column mask\"},{\"column\":\"email\",\"type\":\"hash\",\"reason\":\"tag pii\"}]",
                simulated.get("masks").toString());
        // the admin is exempt from the pii mask, and has no grant at all
        JsonNode forAdmin = simulateTable(subject(admin), "crm.core.customers");
        assertEquals("DENIED", forAdmin.get("decision").asText());
        assertEquals("null", forAdmin.get("row_filter").toString());
    }

    // --- helpers -----------------------------------------------------------------------------

    private static DataAccessInput tableRead(String user, List<String> roles, List<String> groups, String table) {
        String[] parts = table.split("\\.");
        return new DataAccessInput(new AuthorizationInput.Principal(user, AuthorizationInput.PrincipalType.USER, "acme", roles, groups),
                "SELECT", new DataAccessInput.Table("acme", parts[0], parts[1], parts[2]), null);
    }

    private static DataAccessDecision decide(PolicyClient client, DataAccessInput input) {
        try {
            return client.decideDataAccess(input).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode simulateAction(String user, String action) throws Exception {
        HttpResponse<String> response = send("POST", "acme", POLICIES + "/simulate", acme.get("admin"), null,
                "{\"user_id\":\"" + user + "\",\"action\":\"" + action + "\"}");
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static JsonNode simulateTable(String user, String table) {
        try {
            HttpResponse<String> response = send("POST", "acme", POLICIES + "/simulate", acme.get("admin"), null,
                    "{\"user_id\":\"" + user + "\",\"table\":\"" + table + "\"}");
            assertEquals(200, response.statusCode(), response.body());
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String grantBody(String type, String principal, String privilege, String securableType, String securable) {
        return "{\"principal_type\":\"" + type + "\",\"principal\":\"" + principal + "\",\"privilege\":\"" + privilege
                + "\",\"securable_type\":\"" + securableType + "\",\"securable\":\"" + securable + "\"}";
    }

    private static HttpResponse<String> send(String method, String tenant, String path, String token, String ifMatch, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(platform.tenantUrl(tenant, path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        try {
            return platform.https.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int status(HttpResponse<String> response) {
        return response.statusCode();
    }

    private static long revision(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).get("revision").asLong();
    }

    private static void assertOk(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(code, body.get("error_code").asText(), response.body());
        assertNotNull(body.get("request_id"));
    }

    private static AuditEvent single(List<AuditEvent> events) {
        assertEquals(1, events.size(), "audit events: " + events);
        return events.get(0);
    }

    private static String subject(String token) throws Exception {
        return SignedJWT.parse(token).getJWTClaimsSet().getSubject();
    }

    private static List<String> tokenGroups(String token) {
        try {
            List<String> groups = SignedJWT.parse(token).getJWTClaimsSet().getStringListClaim("groups");
            return groups == null ? List.of() : groups;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until {@code condition} holds, failing if it does not within {@code limit} of {@code from}. */
    private static void awaitWithin(Duration limit, Instant from, BooleanSupplier condition, String what) {
        Instant deadline = from.plus(limit);
        while (true) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + limit.toMillis() + " ms: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // the polling step of the wait
        }
    }
}

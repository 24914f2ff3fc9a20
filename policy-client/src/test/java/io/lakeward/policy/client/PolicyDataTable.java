package io.lakeward.policy.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.policy.client.AuthorizationInput.AclEntry;
import io.lakeward.policy.client.AuthorizationInput.Ancestor;
import io.lakeward.policy.client.AuthorizationInput.Context;
import io.lakeward.policy.client.AuthorizationInput.Principal;
import io.lakeward.policy.client.AuthorizationInput.PrincipalType;
import io.lakeward.policy.client.AuthorizationInput.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A decision table over admin-managed policy data: resource decisions with ACL levels, folders and
 * owners, and data-access decisions with grants, row filters, tags, masks and exemptions, for two
 * tenants whose stored membership overrides what credentials claim. Also the data sets of the
 * benchmark (a realistic size: 1,000 grants, 100 row filters, 100 masks).
 */
final class PolicyDataTable {
    static final String REVISION = "data-conformance-1";

    /** A named authorization input. */
    record AuthorizationCase(String name, AuthorizationInput input) {
    }

    /** A named data-access input. */
    record DataCase(String name, DataAccessInput input) {
    }

    private PolicyDataTable() {
    }

    /** Two tenants' policy data; globex holds a grant to acme's user id, which must never apply to acme. */
    static PolicyData data() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("revision", REVISION);
        ObjectNode tenants = root.putObject("tenants");
        ObjectNode acme = tenants.putObject("acme");
        acme.put("revision", 12);
        ObjectNode grants = acme.putObject("grants");
        grant(grants, "table/main.sales.orders", "SELECT", "users", "user-alice");
        grant(grants, "table/main.sales.orders", "MODIFY", "users", "user-bob");
        grant(grants, "schema/main.hr", "SELECT", "groups", "hr");
        grant(grants, "catalog/crm", "SELECT", "groups", "analysts");
        grant(grants, "catalog/crm", "MODIFY", "groups", "data-engineers");
        acme.putObject("row_filters").putObject("main.sales.orders").put("expression", "region = user_attribute('region') OR is_member('admins')");
        ((ObjectNode) acme.get("row_filters")).putObject("crm.core.customers").put("expression", "country = user_attribute('country')");
        ObjectNode tags = acme.putObject("column_tags");
        ObjectNode orders = tags.putObject("main.sales.orders");
        orders.putArray("email").add("pii");
        orders.putArray("card").add("pci").add("pii");
        tags.putObject("crm.core.customers").putArray("phone").add("pii");
        acme.putObject("column_masks").putObject("main.sales.orders").putObject("amount").put("type", "null").putArray("exempt_groups").add("finance");
        ObjectNode tagMasks = acme.putObject("tag_masks");
        tagMasks.putObject("pii").put("type", "hash").putArray("exempt_groups").add("privacy");
        tagMasks.putObject("pci").put("type", "last4").putArray("exempt_groups");
        ObjectNode members = acme.putObject("members");
        member(members, "user-carol", List.of("viewer"), List.of());
        member(members, "user-dave", List.of("workspace-user"), List.of("hr", "privacy", "finance"));
        ObjectNode globex = tenants.putObject("globex");
        globex.put("revision", 3);
        grant(globex.putObject("grants"), "catalog/main", "SELECT", "users", "user-alice");
        return PolicyData.of(REVISION, root);
    }

    static List<AuthorizationCase> authorizationCases() {
        List<AuthorizationCase> cases = new ArrayList<>();
        Map<String, List<AclEntry>> acls = Map.of(
                "none", List.of(),
                "user-read", List.of(AclEntry.user("user-alice", "CAN_READ")),
                "user-run", List.of(AclEntry.user("user-alice", "CAN_RUN")),
                "user-edit", List.of(AclEntry.user("user-alice", "CAN_EDIT")),
                "group-manage", List.of(AclEntry.group("analysts", "CAN_MANAGE")),
                "other-user", List.of(AclEntry.user("user-zed", "CAN_MANAGE")),
                "hr-edit", List.of(AclEntry.group("hr", "CAN_EDIT")));
        Map<String, List<Ancestor>> folders = Map.of(
                "no folders", List.of(),
                "folder acl", List.of(new Ancestor("folder-2", "user-zed", List.of()), new Ancestor("folder-1", "user-zed", List.of(AclEntry.group("analysts", "CAN_RUN")))),
                "folder owner", List.of(new Ancestor("folder-1", "user-alice", null)));
        List<String> actions = List.of("notebook.read", "notebook.run", "notebook.update", "notebook.manage", "notebook.delete", "cluster.attach", "policy.update");
        Map<String, Principal> principals = Map.of(
                "alice workspace-user", new Principal("user-alice", PrincipalType.USER, "acme", List.of("workspace-user"), List.of("analysts")),
                "alice viewer", new Principal("user-alice", PrincipalType.USER, "acme", List.of("viewer"), List.of("analysts")),
                "carol demoted in store", new Principal("user-carol", PrincipalType.USER, "acme", List.of("workspace-user"), List.of("analysts")),
                "dave hr in store", new Principal("user-dave", PrincipalType.USER, "acme", List.of("workspace-user"), List.of()),
                "admin", new Principal("user-root", PrincipalType.USER, "acme", List.of("tenant-admin"), List.of()),
                "globex alice", new Principal("user-alice", PrincipalType.USER, "globex", List.of("tenant-admin"), List.of("analysts")));
        for (var principal : principals.entrySet()) {
            for (var acl : acls.entrySet()) {
                for (var folder : folders.entrySet()) {
                    for (String action : actions) {
                        Resource resource = new Resource("acme", "notebook", "notebook-1", "user-owner", acl.getValue(), folder.getValue());
                        cases.add(new AuthorizationCase(principal.getKey() + " / " + acl.getKey() + " / " + folder.getKey() + " / " + action,
                                new AuthorizationInput(principal.getValue(), action, resource, context())));
                    }
                }
            }
        }
        Principal alice = principals.get("alice workspace-user");
        cases.add(new AuthorizationCase("malformed acl level", new AuthorizationInput(alice, "notebook.read",
                new Resource("acme", "notebook", "n", null, List.of(AclEntry.user("user-alice", "CAN_OWN")), null), context())));
        cases.add(new AuthorizationCase("acl entry without subject", new AuthorizationInput(alice, "notebook.read",
                new Resource("acme", "notebook", "n", null, List.of(new AclEntry(null, null, "CAN_READ")), null), context())));
        cases.add(new AuthorizationCase("owner on own audit", new AuthorizationInput(alice, "audit.read_own",
                new Resource("acme", "audit", "a", "user-alice"), context())));
        return cases;
    }

    static List<DataCase> dataCases() {
        List<DataCase> cases = new ArrayList<>();
        Map<String, Principal> principals = Map.of(
                "alice direct grant", new Principal("user-alice", PrincipalType.USER, "acme", List.of("workspace-user"), List.of("analysts")),
                "bob modify only", new Principal("user-bob", PrincipalType.USER, "acme", List.of("workspace-user"), List.of()),
                "dave hr privacy finance (store)", new Principal("user-dave", PrincipalType.USER, "acme", List.of("workspace-user"), List.of()),
                "carol removed from groups (store)", new Principal("user-carol", PrincipalType.USER, "acme", List.of("workspace-user"), List.of("analysts", "hr")),
                "erin data-engineers (token)", new Principal("user-erin", PrincipalType.USER, "acme", List.of("workspace-user"), List.of("data-engineers", "privacy")),
                "service in analysts", new Principal("svc-etl", PrincipalType.SERVICE, "acme", List.of("workspace-user"), List.of("analysts")),
                "globex alice", new Principal("user-alice", PrincipalType.USER, "globex", List.of("workspace-user"), List.of()));
        List<String> tables = List.of("main.sales.orders", "main.hr.salaries", "crm.core.customers", "crm.core.events", "main.sales.refunds", "MAIN.Sales.Orders");
        for (var principal : principals.entrySet()) {
            for (String table : tables) {
                for (String privilege : List.of("SELECT", "MODIFY")) {
                    String[] parts = table.split("\\.");
                    String tenant = principal.getValue().tenant();
                    cases.add(new DataCase(principal.getKey() + " / " + privilege + " " + table,
                            new DataAccessInput(principal.getValue(), privilege, new DataAccessInput.Table(tenant, parts[0], parts[1], parts[2]), context())));
                }
            }
        }
        Principal alice = principals.get("alice direct grant");
        cases.add(new DataCase("another tenant's table", new DataAccessInput(alice, "SELECT", new DataAccessInput.Table("globex", "main", "sales", "orders"), context())));
        cases.add(new DataCase("unknown privilege", new DataAccessInput(alice, "ALL PRIVILEGES", new DataAccessInput.Table("acme", "main", "sales", "orders"), context())));
        cases.add(new DataCase("dotted table name", new DataAccessInput(alice, "SELECT", new DataAccessInput.Table("acme", "main", "sales", "orders.x"), context())));
        cases.add(new DataCase("no table", new DataAccessInput(alice, "SELECT", null, context())));
        cases.add(new DataCase("no principal", new DataAccessInput(null, "SELECT", new DataAccessInput.Table("acme", "main", "sales", "orders"), context())));
        return cases;
    }

    /**
     * A realistic data set for one tenant: {@code grants} grants over 50 schemas of 20 tables to
     * users and groups, {@code filters} row filters, {@code masks} column masks plus tag masks,
     * 200 members; and the inputs that hit it (grants, filters and masks that apply, and misses).
     */
    static PolicyData largeData(int grants, int filters, int masks) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("revision", "large-" + grants);
        ObjectNode tenant = root.putObject("tenants").putObject("acme");
        tenant.put("revision", 1000);
        ObjectNode grantNode = tenant.putObject("grants");
        for (int i = 0; i < grants; i++) {
            String table = "table/main.schema_" + (i % 50) + ".table_" + (i / 50 % 20);
            if (i % 2 == 0) {
                grant(grantNode, table, i % 4 == 0 ? "SELECT" : "MODIFY", "users", "user-" + (i % 200));
            } else {
                grant(grantNode, table, "SELECT", "groups", "group-" + (i % 40));
            }
        }
        ObjectNode filterNode = tenant.putObject("row_filters");
        for (int i = 0; i < filters; i++) {
            filterNode.putObject("main.schema_" + (i % 50) + ".table_" + (i / 50 % 20)).put("expression", "region_" + i + " = user_attribute('region') OR is_member('admins')");
        }
        ObjectNode columnMasks = tenant.putObject("column_masks");
        ObjectNode tags = tenant.putObject("column_tags");
        for (int i = 0; i < masks; i++) {
            String table = "main.schema_" + (i % 50) + ".table_" + (i / 50 % 20);
            ObjectNode mask = (columnMasks.has(table) ? (ObjectNode) columnMasks.get(table) : columnMasks.putObject(table)).putObject("column_" + i);
            mask.put("type", List.of("null", "redact", "hash", "last4").get(i % 4));
            mask.putArray("exempt_groups").add("group-" + (i % 40));
            ObjectNode tableTags = tags.has(table) ? (ObjectNode) tags.get(table) : tags.putObject(table);
            tableTags.putArray("tagged_" + i).add(i % 2 == 0 ? "pii" : "pci");
        }
        ObjectNode tagMasks = tenant.putObject("tag_masks");
        tagMasks.putObject("pii").put("type", "hash").putArray("exempt_groups").add("privacy");
        tagMasks.putObject("pci").put("type", "last4").putArray("exempt_groups");
        ObjectNode members = tenant.putObject("members");
        for (int i = 0; i < 200; i++) {
            member(members, "user-" + i, List.of("workspace-user"), List.of("group-" + (i % 40), "group-" + ((i + 1) % 40)));
        }
        return PolicyData.of("large-" + grants, root);
    }

    /** Data-access inputs against {@link #largeData}: a mix of granted (with filters and masks) and refused. */
    static List<DataAccessInput> largeDataInputs() {
        List<DataAccessInput> inputs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Principal principal = new Principal("user-" + (i * 7 % 200), PrincipalType.USER, "acme", List.of("workspace-user"), List.of());
            inputs.add(new DataAccessInput(principal, "SELECT", new DataAccessInput.Table("acme", "main", "schema_" + (i % 50), "table_" + (i % 20)), context()));
        }
        return inputs;
    }

    private static void grant(ObjectNode grants, String securable, String privilege, String kind, String principal) {
        ObjectNode bySecurable = grants.has(securable) ? (ObjectNode) grants.get(securable) : grants.putObject(securable);
        ObjectNode byPrivilege = bySecurable.has(privilege) ? (ObjectNode) bySecurable.get(privilege) : bySecurable.putObject(privilege);
        if (!byPrivilege.has("users")) {
            byPrivilege.putObject("users");
            byPrivilege.putObject("groups");
        }
        ((ObjectNode) byPrivilege.get(kind)).put(principal, true);
    }

    private static void member(ObjectNode members, String id, List<String> roles, List<String> groups) {
        ObjectNode member = members.putObject(id);
        ArrayNode roleNode = member.putArray("roles");
        roles.forEach(roleNode::add);
        ArrayNode groupNode = member.putArray("groups");
        groups.forEach(groupNode::add);
    }

    private static Context context() {
        return new Context(Inputs.TIME, "192.0.2.10", "0123456789abcdef0123456789abcdef");
    }
}

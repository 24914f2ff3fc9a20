package io.lakeward.policy.client;

import io.lakeward.policy.client.AuthorizationInput.Context;
import io.lakeward.policy.client.AuthorizationInput.Principal;
import io.lakeward.policy.client.AuthorizationInput.PrincipalType;
import io.lakeward.policy.client.AuthorizationInput.Resource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One table of authorization inputs, generated over roles × actions × tenant match × principal
 * type × resource ownership, plus malformed inputs. Its cases are what both engines must agree on.
 */
final class DecisionTable {
    static final List<List<String>> ROLE_SETS = List.of(
            List.of(),
            List.of("tenant-admin"),
            List.of("workspace-user"),
            List.of("auditor"),
            List.of("viewer"),
            List.of("data-scientist"),
            List.of("viewer", "auditor"),
            List.of("workspace-user", "tenant-admin"));

    static final List<String> ACTIONS = List.of(
            "workspace.create", "workspace.read", "workspace.update", "workspace.delete",
            "notebook.create", "notebook.read", "notebook.update", "notebook.delete",
            "cluster.create", "cluster.read", "cluster.update", "cluster.delete",
            "policy.update", "audit.read", "audit.export", "audit.read_own", "health.read",
            "cluster.explode", "Notebook.Read");

    /** A named input. */
    record Case(String name, AuthorizationInput input) {
    }

    private DecisionTable() {
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (List<String> roles : ROLE_SETS) {
            for (String action : ACTIONS) {
                for (boolean sameTenant : new boolean[] {true, false}) {
                    for (PrincipalType type : PrincipalType.values()) {
                        for (boolean owner : new boolean[] {true, false}) {
                            String name = "roles=" + roles + " action=" + action + " sameTenant=" + sameTenant + " type=" + type + " owner=" + owner;
                            cases.add(new Case(name, input(
                                    new Principal("user-7", type, "acme", roles, List.of("analysts")),
                                    action,
                                    new Resource(sameTenant ? "acme" : "globex", "notebook", "notebook-3", owner ? "user-7" : "user-8"))));
                        }
                    }
                }
            }
        }
        cases.addAll(malformed());
        return cases;
    }

    private static List<Case> malformed() {
        Principal good = new Principal("user-7", PrincipalType.USER, "acme", List.of("tenant-admin"), List.of());
        Resource resource = new Resource("acme", "workspace", "workspace-1", "user-7");
        return List.of(
                new Case("no principal", input(null, "workspace.read", resource)),
                new Case("no principal id", input(new Principal(null, PrincipalType.USER, "acme", List.of("viewer"), List.of()), "workspace.read", resource)),
                new Case("empty principal id", input(new Principal("", PrincipalType.USER, "acme", List.of("viewer"), List.of()), "workspace.read", resource)),
                new Case("no principal type", input(new Principal("user-7", null, "acme", List.of("viewer"), List.of()), "workspace.read", resource)),
                new Case("no principal tenant", input(new Principal("user-7", PrincipalType.USER, null, List.of("viewer"), List.of()), "workspace.read", resource)),
                new Case("empty principal tenant", input(new Principal("user-7", PrincipalType.USER, "", List.of("tenant-admin"), List.of()), "workspace.read", new Resource("", "workspace", "w", null))),
                new Case("no roles", input(new Principal("user-7", PrincipalType.USER, "acme", null, List.of()), "workspace.read", resource)),
                new Case("no groups (optional)", input(new Principal("user-7", PrincipalType.USER, "acme", List.of("viewer"), null), "workspace.read", resource)),
                new Case("no action", input(good, null, resource)),
                new Case("empty action", input(good, "", resource)),
                new Case("no resource", input(good, "workspace.read", null)),
                new Case("no resource tenant", input(good, "workspace.read", new Resource(null, "workspace", "w", null))),
                new Case("no resource type", input(good, "workspace.read", new Resource("acme", null, "w", null))),
                new Case("no resource id or owner (optional)", input(good, "workspace.read", new Resource("acme", "workspace", null, null))),
                new Case("empty owner is nobody", input(new Principal("", PrincipalType.USER, "acme", List.of("workspace-user"), List.of()), "audit.read_own", new Resource("acme", "audit", "a", ""))),
                new Case("nothing at all", new AuthorizationInput(null, null, null, null)),
                new Case("no context (unused)", new AuthorizationInput(good, "workspace.read", resource, null)),
                new Case("non-ASCII ids and roles", input(new Principal("jürgen-😀", PrincipalType.USER, "acme", List.of("rôle", "viewer"), List.of("grüppe")), "notebook.read",
                        new Resource("acme", "notebook", "nötebook", "jürgen-😀"))),
                new Case("role names with JSON metacharacters", input(new Principal("user-\"7\"", PrincipalType.USER, "acme", List.of("viewer\\", "\"tenant-admin\""), List.of()), "notebook.update", resource)),
                new Case("many roles", input(new Principal("user-7", PrincipalType.USER, "acme", manyRoles(), List.of()), "audit.export", resource)));
    }

    private static List<String> manyRoles() {
        String[] roles = new String[500];
        Arrays.setAll(roles, i -> i == 499 ? "auditor" : "role-" + i);
        return List.of(roles);
    }

    private static AuthorizationInput input(Principal principal, String action, Resource resource) {
        return new AuthorizationInput(principal, action, resource, new Context(Inputs.TIME, "192.0.2.10", "0123456789abcdef0123456789abcdef"));
    }
}

package io.lakeward.policy.client;

import io.lakeward.policy.client.AuthorizationInput.Context;
import io.lakeward.policy.client.AuthorizationInput.Principal;
import io.lakeward.policy.client.AuthorizationInput.PrincipalType;
import io.lakeward.policy.client.AuthorizationInput.Resource;
import java.time.Instant;
import java.util.List;

/** Authorization inputs for tests. */
final class Inputs {
    static final Instant TIME = Instant.parse("2025-06-01T12:00:00Z");

    private Inputs() {
    }

    /** A viewer of tenant acme reading a notebook of acme: the policy allows it. */
    static AuthorizationInput allowed() {
        return withAction("notebook.read");
    }

    /** A viewer of acme doing {@code action} on a notebook of acme. */
    static AuthorizationInput withAction(String action) {
        return new AuthorizationInput(
                new Principal("user-1", PrincipalType.USER, "acme", List.of("viewer"), List.of("analysts")),
                action,
                new Resource("acme", "notebook", "notebook-1", "user-2"),
                new Context(TIME, "127.0.0.1", "0123456789abcdef0123456789abcdef"));
    }
}

package io.lakeward.workspace.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.Principal;
import io.lakeward.common.json.Json;
import io.lakeward.metastore.policy.PolicyRevision;
import io.lakeward.metastore.policy.PolicyStore;
import io.lakeward.policy.client.AuthorizationInput;
import io.lakeward.policy.client.DataAccessDecision;
import io.lakeward.policy.client.DataAccessInput;
import io.lakeward.policy.client.Decision;
import io.lakeward.policy.client.PolicyClient;
import io.lakeward.workspace.identity.IdentityDirectory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The admin policy store's rules: read, change (validated first, then one new revision with what
 * changed before and after), history, rollback, membership through the identity directory, and
 * simulation. Every call is scoped to the caller's tenant and re-checks the caller's action with the
 * policy decision point under the request's id. Blocking: call it from a worker pool.
 *
 * <p>Optimistic concurrency: a change may name the revision it was made against
 * ({@code If-Match}); if the policy moved on, or another change lands first, the change is refused
 * with {@code RESOURCE_CONFLICT} and nothing is stored.
 */
public final class PolicyAdminService {
    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final long DECISION_TIMEOUT_MS = 2000;

    private final PolicyStore store;
    private final IdentityDirectory directory;
    private final PolicyClient policy;
    private final Clock clock;

    public PolicyAdminService(PolicyStore store, IdentityDirectory directory, PolicyClient policy, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A tenant's policy at one revision (0: nothing stored yet). */
    public record Current(long revision, PolicyDocument document) {
    }

    /** One entry of the history: the revision, who made it, when, and what changed. */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record HistoryEntry(long revision, String changedBy, String requestId, Instant time, JsonNode change) {
    }

    /** Who or what a simulation is about, and what it asks. */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SimulationRequest(String userId, List<String> groups, List<String> roles, String table, String privilege,
                                    String action, AuthorizationInput.Resource resource) {
    }

    /** What a principal would get, and why. */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Simulation(String decision, String reason, String rowFilter, List<DataAccessDecision.ColumnMask> masks,
                             String policyRevision, long tenantRevision, List<String> rolesUsed, List<String> groupsUsed) {
    }

    public Current current(Principal caller, RequestId requestId) {
        authorize(caller, requestId, "policy.read");
        return load(caller.tenant());
    }

    public List<HistoryEntry> history(Principal caller, RequestId requestId, long before, int limit) {
        authorize(caller, requestId, "policy.read");
        List<HistoryEntry> entries = new ArrayList<>();
        for (PolicyRevision revision : store.history(caller.tenant(), before, limit)) {
            entries.add(new HistoryEntry(revision.revision(), revision.changedBy(), revision.requestId(), revision.createdAt(), readTree(revision.change())));
        }
        return entries;
    }

    public Current createGrant(Principal caller, RequestId requestId, Long ifMatch, PolicyDocument.Grant submitted) {
        PolicyDocument.Grant grant = PolicyValidation.grant(submitted);
        return change(caller, requestId, ifMatch, "grant.create",
                document -> added(document.grants(), grant, "this grant exists already", document::withGrants));
    }

    public Current deleteGrant(Principal caller, RequestId requestId, Long ifMatch, PolicyDocument.Grant submitted) {
        PolicyDocument.Grant grant = PolicyValidation.grant(submitted);
        return change(caller, requestId, ifMatch, "grant.delete",
                document -> removed(document.grants(), grant::equals, () -> LakewardException.notFound("no such grant"), document::withGrants));
    }

    public Current putRowFilter(Principal caller, RequestId requestId, Long ifMatch, PolicyDocument.RowFilter submitted) {
        PolicyDocument.RowFilter filter = PolicyValidation.rowFilter(submitted);
        return change(caller, requestId, ifMatch, "row_filter.put",
                document -> replaced(document.rowFilters(), f -> f.table().equals(filter.table()), filter, document::withRowFilters));
    }

    public Current deleteRowFilter(Principal caller, RequestId requestId, Long ifMatch, String table) {
        String name = PolicyValidation.dottedName("table", table, 3);
        return change(caller, requestId, ifMatch, "row_filter.delete", document -> removed(document.rowFilters(), f -> f.table().equals(name),
                () -> LakewardException.notFound("table " + name + " has no row filter"), document::withRowFilters));
    }

    public Current addColumnTag(Principal caller, RequestId requestId, Long ifMatch, PolicyDocument.ColumnTag submitted) {
        PolicyDocument.ColumnTag tag = PolicyValidation.columnTag(submitted);
        return change(caller, requestId, ifMatch, "column_tag.create",
                document -> added(document.columnTags(), tag, "the column carries this tag already", document::withColumnTags));
    }

    public Current deleteColumnTag(Principal caller, RequestId requestId, Long ifMatch, PolicyDocument.ColumnTag submitted) {
        PolicyDocument.ColumnTag tag = PolicyValidation.columnTag(submitted);
        return change(caller, requestId, ifMatch, "column_tag.delete", document -> removed(document.columnTags(), tag::equals,
                () -> LakewardException.notFound("the column does not carry this tag"), document::withColumnTags));
    }

    public Current putMask(Principal caller, RequestId requestId, Long ifMatch, PolicyDocument.Mask submitted) {
        PolicyDocument.Mask mask = PolicyValidation.mask(submitted);
        return change(caller, requestId, ifMatch, "mask.put", document -> replaced(document.masks(), mask::sameTarget, mask, document::withMasks));
    }

    public Current deleteMask(Principal caller, RequestId requestId, Long ifMatch, PolicyDocument.Mask submitted) {
        if (submitted == null) {
            throw LakewardException.invalidParameter("name the mask to delete by target and table and column, or tag");
        }
        // the type does not identify a mask: any valid one will do for the check
        PolicyDocument.Mask target = PolicyValidation.mask(new PolicyDocument.Mask(submitted.target(), submitted.table(), submitted.column(),
                submitted.tag(), "null", List.of()));
        return change(caller, requestId, ifMatch, "mask.delete", document -> removed(document.masks(), target::sameTarget,
                () -> LakewardException.notFound("no such mask"), document::withMasks));
    }

    /** {@code entries} with {@code entry} added; refused as existing already if it is there. */
    private static <T> Changed added(List<T> entries, T entry, String exists, Function<List<T>, PolicyDocument> with) {
        if (entries.contains(entry)) {
            throw new LakewardException(ErrorCode.RESOURCE_ALREADY_EXISTS, exists);
        }
        List<T> changed = new ArrayList<>(entries);
        changed.add(entry);
        return new Changed(with.apply(changed), null, entry);
    }

    /** {@code entries} with {@code entry} in place of the one it replaces ({@code same}), if any. */
    private static <T> Changed replaced(List<T> entries, Predicate<T> same, T entry, Function<List<T>, PolicyDocument> with) {
        T before = entries.stream().filter(same).findFirst().orElse(null);
        List<T> changed = new ArrayList<>(entries);
        changed.removeIf(same);
        changed.add(entry);
        return new Changed(with.apply(changed), before, entry);
    }

    /** {@code entries} without the first one {@code which} selects; {@code missing} when there is none. */
    private static <T> Changed removed(List<T> entries, Predicate<T> which, Supplier<LakewardException> missing,
                                       Function<List<T>, PolicyDocument> with) {
        T before = entries.stream().filter(which).findFirst().orElseThrow(missing);
        List<T> changed = new ArrayList<>(entries);
        changed.remove(before);
        return new Changed(with.apply(changed), before, null);
    }

    /**
     * Makes a new revision whose grants, row filters, tags and masks are those of
     * {@code toRevision}. Membership is not rolled back: it mirrors the identity directory, which
     * a policy rollback does not change.
     */
    public Current rollback(Principal caller, RequestId requestId, Long ifMatch, long toRevision) {
        if (toRevision < 1) {
            throw LakewardException.invalidParameter("revision must be a positive revision number");
        }
        return change(caller, requestId, ifMatch, "policy.rollback", document -> {
            PolicyRevision target = store.at(caller.tenant(), toRevision)
                    .orElseThrow(() -> LakewardException.notFound("the policy has no revision " + toRevision));
            PolicyDocument old = read(target.document());
            PolicyDocument restored = old.withMembers(document.members());
            ObjectNode before = JsonNodeFactory.instance.objectNode();
            ObjectNode after = JsonNodeFactory.instance.objectNode();
            after.put("rolled_back_to", toRevision);
            before.set("policy", MAPPER.valueToTree(document.withMembers(Map.of())));
            after.set("policy", MAPPER.valueToTree(old.withMembers(Map.of())));
            return new Changed(restored, before, after);
        });
    }

    /**
     * What the identity directory says now of the caller itself: whether it still exists and is
     * enabled, and its tenant roles and groups. The gateway asks this of a personal access token's
     * owner (as that owner), so a token stops working when its owner is disabled or deleted and
     * acts with the owner's current membership. A directory Lakeward does not manage says nothing.
     */
    public Standing standing(Principal caller) {
        if (!directory.managed()) {
            return new Standing(false, false, false, List.of(), List.of());
        }
        var user = directory.user(caller.tenant(), caller.subject());
        if (user.isEmpty() || !user.get().enabled()) {
            return new Standing(true, user.isPresent(), false, List.of(), List.of());
        }
        return new Standing(true, true, true, directory.realmRolesOf(caller.tenant(), caller.subject()).stream().sorted().toList(),
                directory.groupsOf(caller.tenant(), caller.subject()).stream().sorted().toList());
    }

    /** A principal's standing in the identity directory ({@link #standing}). */
    public record Standing(boolean managed, boolean exists, boolean enabled, List<String> roles, List<String> groups) {
    }

    /**
     * Records the membership the identity directory now holds for {@code userId} in a new
     * revision, so that decisions use it from the next one on, whatever the user's token says.
     */
    public Current recordMembership(Principal caller, RequestId requestId, String userId) {
        String id = PolicyValidation.principalId("user id", userId);
        PolicyDocument.Membership now = new PolicyDocument.Membership(
                List.copyOf(directory.realmRolesOf(caller.tenant(), id)), List.copyOf(directory.groupsOf(caller.tenant(), id)));
        return change(caller, requestId, null, "membership.update", document -> {
            Map<String, PolicyDocument.Membership> members = new TreeMap<>(document.members());
            PolicyDocument.Membership before = members.put(id, now);
            ObjectNode beforeNode = JsonNodeFactory.instance.objectNode();
            ObjectNode afterNode = JsonNodeFactory.instance.objectNode();
            beforeNode.set(id, before == null ? JsonNodeFactory.instance.nullNode() : MAPPER.valueToTree(before));
            afterNode.set(id, MAPPER.valueToTree(now));
            return new Changed(document.withMembers(members), beforeNode, afterNode);
        });
    }

    /** Changes membership in the identity directory, then records it; a directory failure changes nothing here. */
    public Current changeGroupMembers(Principal caller, RequestId requestId, String group, List<String> add, List<String> remove) {
        authorize(caller, requestId, "group.update");
        String name = PolicyValidation.group("group", group);
        if (!directory.groups(caller.tenant()).contains(name)) {
            throw LakewardException.notFound("no group " + name);
        }
        List<String> users = new ArrayList<>();
        for (String userId : add) {
            users.add(requireUser(caller.tenant(), userId));
        }
        for (String userId : remove) {
            users.add(requireUser(caller.tenant(), userId));
        }
        add.forEach(userId -> directory.addToGroup(caller.tenant(), userId, name));
        remove.forEach(userId -> directory.removeFromGroup(caller.tenant(), userId, name));
        Current current = null;
        for (String userId : new java.util.TreeSet<>(users)) {
            current = recordMembershipRetrying(caller, requestId, userId);
        }
        return current == null ? load(caller.tenant()) : current;
    }

    /** Grants and revokes tenant roles in the identity directory, then records the membership. */
    public Current changeUserRoles(Principal caller, RequestId requestId, String userId, List<String> grant, List<String> revoke) {
        authorize(caller, requestId, "group.update");
        String id = requireUser(caller.tenant(), userId);
        grant.forEach(role -> directory.grantRole(caller.tenant(), id, role));
        revoke.forEach(role -> directory.revokeRole(caller.tenant(), id, role));
        return recordMembershipRetrying(caller, requestId, id);
    }

    public List<String> groups(Principal caller, RequestId requestId) {
        authorize(caller, requestId, "group.read");
        return directory.groups(caller.tenant());
    }

    public Set<String> groupsOf(Principal caller, RequestId requestId, String userId) {
        authorize(caller, requestId, "group.read");
        return directory.groupsOf(caller.tenant(), requireUser(caller.tenant(), userId));
    }

    /** What {@code request} would get under the decision point's current revision, and why. */
    public Simulation simulate(Principal caller, RequestId requestId, SimulationRequest request) {
        authorize(caller, requestId, "policy.simulate");
        if (request == null || request.userId() == null && request.groups() == null) {
            throw LakewardException.invalidParameter("simulate needs user_id, or groups (and roles) of a hypothetical principal");
        }
        Current current = load(caller.tenant());
        List<String> roles;
        List<String> groups;
        String subject;
        if (request.userId() != null) {
            subject = requireUser(caller.tenant(), request.userId());
            PolicyDocument.Membership stored = current.document().members().get(subject);
            roles = stored != null ? stored.roles() : List.copyOf(directory.realmRolesOf(caller.tenant(), subject));
            groups = stored != null ? stored.groups() : List.copyOf(directory.groupsOf(caller.tenant(), subject));
        } else {
            subject = "simulated-principal";
            groups = request.groups().stream().map(g -> PolicyValidation.group("groups", g)).toList();
            roles = request.roles() == null ? List.of() : request.roles();
        }
        AuthorizationInput.Principal principal = new AuthorizationInput.Principal(subject, AuthorizationInput.PrincipalType.USER,
                caller.tenant().value(), roles, groups);
        AuthorizationInput.Context context = new AuthorizationInput.Context(clock.instant(), null, requestId.value());
        if (request.table() != null) {
            String table = PolicyValidation.dottedName("table", request.table(), 3);
            String privilege = request.privilege() == null ? DataAccessInput.SELECT : request.privilege().toUpperCase(java.util.Locale.ROOT);
            if (!PolicyValidation.PRIVILEGES.contains(privilege)) {
                throw LakewardException.invalidParameter("privilege must be SELECT or MODIFY");
            }
            String[] parts = table.split("\\.");
            DataAccessDecision answer = await(policy.decideDataAccess(new DataAccessInput(principal, privilege,
                    new DataAccessInput.Table(caller.tenant().value(), parts[0], parts[1], parts[2]), context)));
            Decision decision = answer.decision();
            unavailableIsAnError(decision);
            return new Simulation(decision.outcome().name(), decision.reason(), answer.rowFilter(), answer.masks(), decision.revision(),
                    decision.tenantRevision() == null ? 0 : decision.tenantRevision(), roles, groups);
        }
        if (request.action() == null) {
            throw LakewardException.invalidParameter("simulate needs table (a data-access question) or action (an API question)");
        }
        AuthorizationInput.Resource resource = request.resource() == null
                ? new AuthorizationInput.Resource(caller.tenant().value(), request.action().split("\\.")[0], null, null)
                : new AuthorizationInput.Resource(caller.tenant().value(), request.resource().type(), request.resource().id(),
                        request.resource().owner(), request.resource().acl(), request.resource().ancestors());
        Decision decision = await(policy.decide(new AuthorizationInput(principal, request.action(), resource, context)));
        unavailableIsAnError(decision);
        String outcome = decision.hidden() ? "NOT_VISIBLE" : decision.outcome().name();
        return new Simulation(outcome, decision.reason(), null, List.of(), decision.revision(),
                decision.tenantRevision() == null ? 0 : decision.tenantRevision(), roles, groups);
    }

    private Current recordMembershipRetrying(Principal caller, RequestId requestId, String userId) {
        // a concurrent policy change may take the revision first: membership is re-read and retried
        for (int attempt = 1; ; attempt++) {
            try {
                return recordMembership(caller, requestId, userId);
            } catch (LakewardException e) {
                if (e.code() != ErrorCode.RESOURCE_CONFLICT || attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    private String requireUser(TenantId tenant, String userId) {
        String id = PolicyValidation.principalId("user id", userId);
        if (directory.managed() && directory.user(tenant, id).isEmpty()) {
            throw LakewardException.notFound("no user " + id);
        }
        return id;
    }

    private record Changed(PolicyDocument document, Object before, Object after) {
    }

    private Current change(Principal caller, RequestId requestId, Long ifMatch, String kind, Function<PolicyDocument, Changed> edit) {
        authorize(caller, requestId, kind.startsWith("membership") ? "group.update" : "policy.update");
        Current current = load(caller.tenant());
        if (ifMatch != null && ifMatch != current.revision()) {
            throw new LakewardException(ErrorCode.RESOURCE_CONFLICT, "the policy is at revision " + current.revision()
                    + ", not " + ifMatch + ": read it again and retry");
        }
        Changed changed = edit.apply(current.document());
        ObjectNode change = JsonNodeFactory.instance.objectNode();
        change.put("kind", kind);
        change.set("before", MAPPER.valueToTree(changed.before()));
        change.set("after", MAPPER.valueToTree(changed.after()));
        PolicyRevision stored = store.append(caller.tenant(), current.revision(), write(changed.document()), write(change), caller.subject(),
                requestId.value());
        return new Current(stored.revision(), changed.document());
    }

    private Current load(TenantId tenant) {
        return store.current(tenant).map(revision -> new Current(revision.revision(), read(revision.document())))
                .orElse(new Current(0, PolicyDocument.empty()));
    }

    /** The service's own check of the caller's action, under the request's id (defence in depth behind the gateway's). */
    private void authorize(Principal caller, RequestId requestId, String action) {
        Decision decision = await(policy.decide(new AuthorizationInput(
                new AuthorizationInput.Principal(caller.subject(), caller.type() == Principal.PrincipalType.SERVICE
                        ? AuthorizationInput.PrincipalType.SERVICE : AuthorizationInput.PrincipalType.USER,
                        caller.tenant().value(), caller.roles(), caller.groups()),
                action,
                new AuthorizationInput.Resource(caller.tenant().value(), action.split("\\.")[0], null, null),
                new AuthorizationInput.Context(clock.instant(), null, requestId.value()))));
        decision.enforce();
    }

    private static void unavailableIsAnError(Decision decision) {
        if (decision.outcome() == Decision.Outcome.UNAVAILABLE) {
            decision.enforce();
        }
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(DECISION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LakewardException.unavailable("the authorization service is temporarily unavailable; try again later", e);
        } catch (Exception e) {
            throw LakewardException.unavailable("the authorization service is temporarily unavailable; try again later", e);
        }
    }

    static PolicyDocument read(String json) {
        try {
            return MAPPER.readValue(json, PolicyDocument.class);
        } catch (JsonProcessingException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the stored policy cannot be read", e);
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the stored policy history cannot be read", e);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the policy cannot be written", e);
        }
    }
}

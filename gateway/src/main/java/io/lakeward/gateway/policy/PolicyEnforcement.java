package io.lakeward.gateway.policy;

import io.lakeward.audit.client.event.PolicyDecision;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.identity.Principal;
import io.lakeward.gateway.audit.RequestAudit;
import io.lakeward.gateway.auth.BearerAuthentication;
import io.lakeward.gateway.tenant.TenantResolver;
import io.lakeward.policy.client.AuthorizationInput;
import io.lakeward.policy.client.Decision;
import io.lakeward.policy.client.PolicyClient;
import io.lakeward.service.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;

/**
 * The gateway's coarse policy decision: after authentication, before the route's handler, the
 * principal's roles (as the policy store holds them) decide the action the route table declares.
 * Allowed goes on; denied is 403 {@code PERMISSION_DENIED}; no answer (engine error, timeout,
 * undefined result) is 503 {@code TEMPORARILY_UNAVAILABLE}, never an allow. The decision (id,
 * revision, reason) goes into the request's audit event either way.
 *
 * <p>Resource-level decisions (owner, ACL chain, grants) are the services' own, through the
 * same policy client, under the same request id.
 */
public final class PolicyEnforcement {
    private final PolicyClient policy;
    private final Clock clock;
    private final Function<RoutingContext, Principal> principals;
    private final Function<RoutingContext, String> tenants;

    public PolicyEnforcement(PolicyClient policy, Clock clock) {
        this(policy, clock, BearerAuthentication::of, context -> TenantResolver.of(context).id().value());
    }

    /** With the steps before it given explicitly (tests mount the decision alone). */
    PolicyEnforcement(PolicyClient policy, Clock clock, Function<RoutingContext, Principal> principals, Function<RoutingContext, String> tenants) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.principals = principals;
        this.tenants = tenants;
    }

    public void handle(RoutingContext context) {
        Principal principal = principals.apply(context);
        String action = RequestAudit.declaredAction(context);
        String tenant = tenants.apply(context);
        SocketAddress remote = context.request().remoteAddress();
        AuthorizationInput input = new AuthorizationInput(
                new AuthorizationInput.Principal(principal.subject(),
                        principal.type() == Principal.PrincipalType.SERVICE ? AuthorizationInput.PrincipalType.SERVICE : AuthorizationInput.PrincipalType.USER,
                        principal.tenant().value(), principal.roles(), principal.groups()),
                action,
                new AuthorizationInput.Resource(tenant, resourceType(action), null, ownerOf(action, principal)),
                new AuthorizationInput.Context(clock.instant(), remote == null ? null : remote.hostAddress(), RequestIds.of(context).value()));
        Future.fromCompletionStage(policy.decide(input), context.vertx().getOrCreateContext()).onComplete(result -> {
            Decision decision = result.succeeded() ? result.result()
                    : Decision.unavailable(Decision.Failure.ENGINE_ERROR, "the policy client failed", Decision.newDecisionId(), null);
            RequestAudit.decided(context, auditOf(decision));
            try {
                decision.enforce();
            } catch (LakewardException refused) {
                context.fail(refused);
                return;
            }
            context.next();
        });
    }

    /**
     * The owner of what a route touches, where the route says it by its action alone: an
     * {@code *_own} action (e.g. {@code audit.read_own}, "my access") is about the caller's own
     * records, so the caller owns them. Otherwise unknown at the gateway: the service decides on
     * the resource itself.
     */
    static String ownerOf(String action, Principal principal) {
        return action != null && action.endsWith("_own") ? principal.subject() : null;
    }

    /** The first word of the action: {@code notebook} of {@code notebook.read}. */
    static String resourceType(String action) {
        int dot = action == null ? -1 : action.indexOf('.');
        return dot > 0 ? action.substring(0, dot) : "unknown";
    }

    static PolicyDecision auditOf(Decision decision) {
        String reason = decision.outcome() == Decision.Outcome.UNAVAILABLE
                ? "unavailable (" + decision.failure() + ")"
                : decision.reason();
        if (reason.length() > PolicyDecision.MAX_REASON_LENGTH) {
            reason = reason.substring(0, PolicyDecision.MAX_REASON_LENGTH);
        }
        return new PolicyDecision(decision.decisionId(), decision.auditRevision(), reason);
    }
}

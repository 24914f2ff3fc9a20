package io.lakeward.gateway.audit;

import io.lakeward.audit.client.event.Actor;
import io.lakeward.audit.client.event.ActorType;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuthenticationMethod;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.event.ResourceReference;
import io.lakeward.audit.client.event.PolicyDecision;
import io.lakeward.audit.client.event.Response;
import io.lakeward.audit.client.event.Source;
import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.common.error.ErrorBody;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.identity.Principal;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.gateway.auth.BearerAuthentication;
import io.lakeward.gateway.auth.RefusalReason;
import io.lakeward.gateway.session.SessionCookies;
import io.lakeward.gateway.session.SessionService;
import io.lakeward.gateway.tenant.TenantResolver;
import io.lakeward.service.FailureHandler;
import io.lakeward.service.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends one audit event per public request to the durable audit outbox before the answer goes
 * out. Every terminal path of the public router answers through {@link #thenAnswer}: the answer is
 * sent only once the event is durable, and a request whose event the outbox refused gets 503
 * (fail closed). Health endpoints are not audited.
 */
public final class RequestAudit {
    /** The action of a request that matched no route of the route table. */
    public static final String UNMATCHED = "gateway.unmatched";
    /** The action of a request to a route whose host names no tenant. */
    public static final String UNKNOWN_TENANT = "gateway.unknown_tenant";

    /** The request parameter of an event that names why the credential was refused ({@link RefusalReason#auditValue()}). */
    public static final String AUTHENTICATION_FAILURE = "authentication_failure";

    private static final Logger LOG = LoggerFactory.getLogger(RequestAudit.class);
    private static final String ACTION_KEY = "lakeward.audit.action";
    private static final String AUDITED_KEY = "lakeward.audit.appended";
    private static final String TOUCHED_KEY = "lakeward.audit.touched";
    private static final String DECISION_KEY = "lakeward.audit.policyDecision";
    private static final Set<String> NOT_AUDITED = Set.of("/health/live", "/health/ready");

    private final AuditOutbox outbox;

    public RequestAudit(AuditOutbox outbox) {
        this.outbox = outbox;
    }

    /**
     * Makes every failure and every unmatched path or method of {@code router} answer through the
     * audit. Call it after the router's base (whose failure handler this one precedes).
     */
    public void install(Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::answerFailure);
        router.errorHandler(404, context -> answerFailure(context,
                new LakewardException(ErrorCode.ENDPOINT_NOT_FOUND, "no API endpoint at this path")));
        router.errorHandler(405, context -> answerFailure(context,
                new LakewardException(ErrorCode.METHOD_NOT_ALLOWED, "this endpoint does not accept that method")));
    }

    /** Names the resource the request's action touched, for its audit event. */
    public static void touched(RoutingContext context, ResourceReference resource) {
        context.put(TOUCHED_KEY, resource);
    }

    /** The first handler of a route: records the action the route table declares for it. */
    public static void declare(RoutingContext context, String action) {
        context.put(ACTION_KEY, action);
        context.next();
    }

    /** The action the route table declared for this request, or {@code null} before {@link #declare}. */
    public static String declaredAction(RoutingContext context) {
        return context.get(ACTION_KEY);
    }

    /** The policy decision recorded for this request, or {@code null} if none was made. */
    public static PolicyDecision decisionOf(RoutingContext context) {
        return context.get(DECISION_KEY);
    }

    /** Records the policy decision the request was checked against, for its audit event. */
    public static void decided(RoutingContext context, PolicyDecision decision) {
        context.put(DECISION_KEY, decision);
    }

    /**
     * Appends the request's event for an answer with {@code status} (and {@code errorCode} for an
     * error), then runs {@code send} on the request's event loop; if the outbox refuses the event,
     * answers 503 instead.
     */
    public void thenAnswer(RoutingContext context, int status, ErrorCode errorCode, Runnable send) {
        if (context.get(AUDITED_KEY) != null) {
            // an answer that failed while being sent: its request already has its one event
            send.run();
            return;
        }
        context.put(AUDITED_KEY, true);
        CompletionStage<Void> appended;
        try {
            appended = outbox.append(event(context, status, errorCode));
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        Future.fromCompletionStage(appended, context.vertx().getOrCreateContext())
                .onSuccess(ignored -> send.run())
                .onFailure(failure -> {
                    LOG.error("request {}: the audit outbox did not take its event, refusing the request: {}",
                            RequestIds.of(context).value(), failure.toString());
                    FailureHandler.answer(context, new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                            "the service is temporarily unavailable; retry later", failure));
                });
    }

    private void answerFailure(RoutingContext context) {
        if (NOT_AUDITED.contains(context.request().path())) {
            context.next();
            return;
        }
        answerFailure(context, FailureHandler.failureOf(context));
    }

    private void answerFailure(RoutingContext context, Throwable failure) {
        ErrorCode code = failure instanceof LakewardException known ? known.code() : ErrorCode.INTERNAL_ERROR;
        thenAnswer(context, ErrorBody.statusOf(failure), code, () -> FailureHandler.answer(context, failure));
    }

    static AuditEvent event(RoutingContext context, int status, ErrorCode errorCode) {
        Tenant tenant = TenantResolver.find(context);
        String declared = context.get(ACTION_KEY);
        AuditEvent.Builder event = AuditEvent.builder()
                .service(PlatformService.GATEWAY)
                .action(declared == null ? UNMATCHED : tenant == null ? UNKNOWN_TENANT : declared)
                .actor(actor(context))
                .source(source(context))
                .requestId(RequestIds.of(context))
                .response(new Response(status, errorCode))
                .outcome(outcome(context, status))
                .policyDecision(decisionOf(context));
        ResourceReference touched = context.get(TOUCHED_KEY);
        if (touched != null) {
            event.touched(touched);
        }
        RefusalReason refusal = BearerAuthentication.refusalReason(context);
        if (refusal != null) {
            event.requestParameters(Map.of(AUTHENTICATION_FAILURE, refusal.auditValue()));
        }
        if (tenant != null) {
            event.tenant(tenant.id());
        } else {
            event.platformLevel();
        }
        return event.build();
    }

    private static Actor actor(RoutingContext context) {
        Principal principal = BearerAuthentication.find(context);
        AuthenticationMethod attempted = BearerAuthentication.attemptedMethod(context);
        if (principal != null) {
            AuthenticationMethod method = SessionService.AUTHENTICATION_METHOD.equals(principal.authenticationMethod())
                    ? AuthenticationMethod.SESSION_COOKIE
                    : attempted == null ? AuthenticationMethod.BEARER_TOKEN : attempted;
            return principal.type() == Principal.PrincipalType.SERVICE
                    ? new Actor(ActorType.SERVICE, principal.subject(), principal.name(), method)
                    : Actor.user(principal.subject(), principal.name(), method);
        }
        if (attempted != null) {
            return Actor.rejected(attempted);
        }
        if (context.request().getHeader("Authorization") != null) {
            return Actor.rejected(AuthenticationMethod.BEARER_TOKEN);
        }
        return BearerAuthentication.refused(context) && SessionCookies.present(context)
                ? Actor.rejected(AuthenticationMethod.SESSION_COOKIE)
                : Actor.anonymous();
    }

    private static Source source(RoutingContext context) {
        SocketAddress remote = context.request().remoteAddress();
        String userAgent = context.request().getHeader("User-Agent");
        try {
            return Source.of(remote == null ? null : remote.hostAddress(), userAgent);
        } catch (IllegalArgumentException e) {
            // e.g. a scoped IPv6 address: keep the event, without the address
            return Source.of(null, userAgent);
        }
    }

    /**
     * SUCCESS below 400; DENIED when authentication refused the request (401, 403, and the 404 a
     * valid token of another tenant gets); ERROR when the platform failed; FAILURE otherwise.
     */
    static Outcome outcome(RoutingContext context, int status) {
        if (status < 400) {
            return Outcome.SUCCESS;
        }
        if (status == 401 || status == 403 || (status == 404 && BearerAuthentication.refused(context))) {
            return Outcome.DENIED;
        }
        return status >= 500 ? Outcome.ERROR : Outcome.FAILURE;
    }
}

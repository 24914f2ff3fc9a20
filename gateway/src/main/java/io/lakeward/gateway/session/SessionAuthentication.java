package io.lakeward.gateway.session;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.gateway.auth.BearerAuthentication;
import io.lakeward.gateway.auth.RefusalReason;
import io.lakeward.gateway.session.SessionCookies.SessionCookie;
import io.lakeward.gateway.session.SessionService.ActiveSession;
import io.lakeward.gateway.session.SessionService.Resolution;
import io.lakeward.gateway.tenant.TenantResolver;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates requests that carry the session cookie and no {@code Authorization} header, off the
 * event loop. A live session of the host's tenant gives the request its principal; a live session of
 * another tenant is answered as a missing resource (404, as a valid token of another tenant is);
 * anything else is 401. State-changing requests on a session are also checked against cross-site
 * request forgery: a same-origin {@code Origin} (when sent and not {@code null}), no cross-site {@code Sec-Fetch-Site},
 * and the session's CSRF token in {@code X-CSRF-Token}; otherwise 403.
 */
public final class SessionAuthentication {
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Logger LOG = LoggerFactory.getLogger(SessionAuthentication.class);
    private static final String ACTIVE_KEY = "lakeward.session";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final SessionService sessions;
    private final WorkerExecutor workers;

    public SessionAuthentication(SessionService sessions, WorkerExecutor workers) {
        this.sessions = sessions;
        this.workers = workers;
    }

    /** Whether this request authenticates by its session: a session cookie and no {@code Authorization} header. */
    public static boolean appliesTo(RoutingContext context) {
        return context.request().getHeader("Authorization") == null && SessionCookies.present(context);
    }

    /** The handler of authenticated routes for requests this authentication {@link #appliesTo}. */
    public void handle(RoutingContext context) {
        resolve(context).onSuccess(resolution -> {
            if (resolution.otherTenant()) {
                BearerAuthentication.refuse(context, RefusalReason.OTHER_TENANT);
                context.fail(LakewardException.notFound("no workspace at this address"));
                return;
            }
            if (resolution.session().isEmpty()) {
                BearerAuthentication.refuse(context, RefusalReason.NO_SESSION);
                context.fail(new LakewardException(ErrorCode.UNAUTHENTICATED, "not signed in, or the session has ended; sign in again"));
                return;
            }
            ActiveSession session = resolution.session().get();
            if (!SAFE.contains(context.request().method())) {
                Optional<String> problem = forgeryProblem(context, session, context.request().getHeader(CSRF_HEADER));
                if (problem.isPresent()) {
                    LOG.info("request {} refused: {}", io.lakeward.service.RequestIds.of(context).value(), problem.get());
                    BearerAuthentication.refuse(context, RefusalReason.CROSS_SITE_REQUEST);
                    context.fail(LakewardException.permissionDenied("cross-site request refused: a valid CSRF token is required"));
                    return;
                }
            }
            attach(context, session);
            context.next();
        }).onFailure(context::fail);
    }

    /**
     * For pages that show who is signed in: resolves a session if the request has one, then runs
     * {@code page}; never refuses the request.
     */
    public void optional(RoutingContext context, io.vertx.core.Handler<RoutingContext> page) {
        if (!appliesTo(context)) {
            page.handle(context);
            return;
        }
        resolve(context).onComplete(result -> {
            if (result.succeeded() && result.result().session().isPresent()) {
                attach(context, result.result().session().get());
            } else if (result.failed()) {
                LOG.warn("request {}: the session could not be resolved: {}", io.lakeward.service.RequestIds.of(context).value(),
                        result.cause().toString());
            }
            page.handle(context);
        });
    }

    /** The live session of this request, or {@code null}. */
    public static ActiveSession active(RoutingContext context) {
        return context.get(ACTIVE_KEY);
    }

    /**
     * Why a state-changing request on {@code session} may be forged, or empty if it is not: the
     * origin must be this host's, the fetch not cross-site, and {@code presentedToken} the session's.
     */
    public static Optional<String> forgeryProblem(RoutingContext context, ActiveSession session, String presentedToken) {
        String origin = context.request().getHeader("Origin");
        String expected = "https://" + context.request().authority();
        // "null" is what browsers send for a same-origin form under Referrer-Policy: no-referrer (the
        // platform's policy), so it says nothing either way; the fetch metadata and the token decide
        if (origin != null && !origin.equals("null") && !origin.equals(expected)) {
            return Optional.of("foreign origin");
        }
        String site = context.request().getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return Optional.of("cross-site fetch");
        }
        if (presentedToken == null || !MessageDigest.isEqual(presentedToken.getBytes(StandardCharsets.UTF_8),
                session.csrfToken().getBytes(StandardCharsets.UTF_8))) {
            return Optional.of("missing or wrong CSRF token");
        }
        return Optional.empty();
    }

    private Future<Resolution> resolve(RoutingContext context) {
        Optional<SessionCookie> cookie = SessionCookies.session(context);
        if (cookie.isEmpty()) {
            return Future.succeededFuture(Resolution.NONE);
        }
        Tenant tenant = TenantResolver.of(context);
        return workers.executeBlocking(() -> sessions.resolve(tenant, cookie.get()), false);
    }

    private static void attach(RoutingContext context, ActiveSession session) {
        context.put(ACTIVE_KEY, session);
        BearerAuthentication.authenticated(context, session.principal());
    }
}

package io.lakeward.gateway.session;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.gateway.GatewayRoute;
import io.lakeward.gateway.audit.RequestAudit;
import io.lakeward.gateway.auth.BearerAuthentication;
import io.lakeward.gateway.session.SessionCookies.SessionCookie;
import io.lakeward.gateway.tenant.TenantResolver;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser sign-in endpoints of every tenant host:
 *
 * <ul>
 *   <li>{@code GET /oidc/login?return_to=/path}: starts a login and redirects to the tenant's issuer,
 *       or shows a 503 page (no redirect) when the issuer cannot be reached;</li>
 *   <li>{@code GET /oidc/callback}: where the issuer sends the browser back; makes the session;</li>
 *   <li>{@code POST /oidc/logout}: ends the session (form field {@code csrf_token}) and sends the
 *       browser to the issuer's end-session endpoint (RP-initiated logout);</li>
 *   <li>{@code POST /oidc/backchannel-logout}: the issuer's back-channel logout (form field
 *       {@code logout_token}); ends the sessions the token names.</li>
 * </ul>
 */
public final class LoginRoutes {
    public static final String LOGIN = "/oidc/login";
    public static final String CALLBACK = "/oidc/callback";
    public static final String LOGOUT = "/oidc/logout";
    public static final String BACKCHANNEL_LOGOUT = "/oidc/backchannel-logout";
    private static final Logger LOG = LoggerFactory.getLogger(LoginRoutes.class);
    private static final int MAXIMUM_RETURN_PATH = 1024;

    private final SessionService sessions;
    private final WorkerExecutor workers;
    private final RequestAudit audit;

    public LoginRoutes(SessionService sessions, WorkerExecutor workers, RequestAudit audit) {
        this.sessions = sessions;
        this.workers = workers;
        this.audit = audit;
    }

    /** The entries of the gateway's route table. */
    public List<GatewayRoute> routes() {
        return List.of(
                new GatewayRoute(HttpMethod.GET, LOGIN, "auth.login_start", false, this::login),
                new GatewayRoute(HttpMethod.GET, CALLBACK, "auth.login", false, this::callback),
                new GatewayRoute(HttpMethod.POST, LOGOUT, "auth.logout", false, this::logout),
                new GatewayRoute(HttpMethod.POST, BACKCHANNEL_LOGOUT, "auth.backchannel_logout", false, this::backChannelLogout));
    }

    private void login(RoutingContext context) {
        Tenant tenant = TenantResolver.of(context);
        String returnTo = safeReturnPath(context.request().getParam("return_to"));
        URI redirectUri = origin(context, tenant).resolve(CALLBACK);
        workers.executeBlocking(() -> {
            sessions.requireSignIn(tenant);
            return sessions.startLogin(tenant, sessions.discover(tenant), redirectUri, returnTo);
        }, false).onSuccess(start -> audit.thenAnswer(context, 302, null, () -> {
            SessionCookies.setLogin(context.response(), start.binding(), sessions.config().loginAttemptLifetime().toSeconds());
            context.response().setStatusCode(302)
                    .putHeader("Location", start.authorizationRedirect().toString())
                    .putHeader("Cache-Control", "no-store")
                    .end();
        })).onFailure(failure -> LoginPages.fail(context, audit, failure));
    }

    private void callback(RoutingContext context) {
        Tenant tenant = TenantResolver.of(context);
        String state = context.request().getParam("state");
        String error = context.request().getParam("error");
        Optional<String> binding = SessionCookies.login(context);
        Optional<SessionCookie> previous = SessionCookies.session(context);
        URI redirectUri = origin(context, tenant).resolve(CALLBACK);
        if (error != null) {
            workers.executeBlocking(() -> {
                sessions.abandonLogin(tenant, state);
                return null;
            }, false).onComplete(ignored -> {
                LOG.info("request {}: the identity provider answered the login with an error", io.lakeward.service.RequestIds.of(context).value());
                clearLogin(context);
                LoginPages.fail(context, audit, SessionService.loginFailed("the identity provider refused: " + error.replaceAll("[^A-Za-z0-9_]", "")));
            });
            return;
        }
        String code = context.request().getParam("code");
        String issuer = context.request().getParam("iss");
        if (issuer != null && !issuer.equals(tenant.issuer().toString())) {
            // RFC 9207: an authorization response naming another issuer is a mix-up attempt
            workers.executeBlocking(() -> {
                sessions.abandonLogin(tenant, state);
                return null;
            }, false).onComplete(ignored -> {
                clearLogin(context);
                LoginPages.fail(context, audit, SessionService.loginFailed("the authorization response names another issuer"));
            });
            return;
        }
        workers.executeBlocking(() -> sessions.completeLogin(tenant, redirectUri, state, code, binding, previous), false)
                .onSuccess(result -> {
                    BearerAuthentication.authenticated(context, result.principal());
                    audit.thenAnswer(context, 302, null, () -> {
                        clearLogin(context);
                        SessionCookies.setSession(context.response(), result.cookie());
                        context.response().setStatusCode(302)
                                .putHeader("Location", result.returnTo())
                                .putHeader("Cache-Control", "no-store")
                                .end();
                    });
                })
                .onFailure(failure -> {
                    clearLogin(context);
                    LoginPages.fail(context, audit, failure);
                });
    }

    private void logout(RoutingContext context) {
        Tenant tenant = TenantResolver.of(context);
        Optional<SessionCookie> cookie = SessionCookies.session(context);
        String presented = context.request().getFormAttribute("csrf_token");
        URI home = origin(context, tenant).resolve("/");
        if (cookie.isEmpty()) {
            redirectHome(context, home);
            return;
        }
        workers.executeBlocking(() -> {
            SessionService.Resolution resolution = sessions.resolve(tenant, cookie.get());
            if (resolution.session().isEmpty()) {
                return Optional.<URI>empty();
            }
            SessionService.ActiveSession active = resolution.session().get();
            Optional<String> problem = SessionAuthentication.forgeryProblem(context, active, presented);
            if (problem.isPresent()) {
                LOG.info("logout refused: {}", problem.get());
                throw LakewardException.permissionDenied("cross-site request refused: a valid CSRF token is required");
            }
            BearerAuthentication.authenticated(context, active.principal());
            return sessions.logout(tenant, cookie.get(), home);
        }, false).onSuccess(endSession -> {
            if (endSession.isEmpty()) {
                redirectHome(context, home);
                return;
            }
            audit.thenAnswer(context, 303, null, () -> {
                SessionCookies.clear(context.response(), SessionCookies.SESSION);
                context.response().setStatusCode(303)
                        .putHeader("Location", endSession.get().toString())
                        .putHeader("Cache-Control", "no-store")
                        .end();
            });
        }).onFailure(failure -> LoginPages.fail(context, audit, failure));
    }

    private void redirectHome(RoutingContext context, URI home) {
        audit.thenAnswer(context, 303, null, () -> {
            SessionCookies.clear(context.response(), SessionCookies.SESSION);
            context.response().setStatusCode(303).putHeader("Location", home.toString()).putHeader("Cache-Control", "no-store").end();
        });
    }

    private void backChannelLogout(RoutingContext context) {
        Tenant tenant = TenantResolver.of(context);
        String token = context.request().getFormAttribute("logout_token");
        workers.executeBlocking(() -> sessions.backChannelLogout(tenant, token), false)
                .onSuccess(ended -> audit.thenAnswer(context, 200, null, () -> context.response()
                        .setStatusCode(200)
                        .putHeader("Cache-Control", "no-store")
                        .end()))
                .onFailure(failure -> {
                    // OIDC Back-Channel Logout 2.8: an invalid logout token is a 400
                    boolean refused = failure instanceof LakewardException known && known.code() == ErrorCode.UNAUTHENTICATED;
                    BearerAuthentication.refuse(context, io.lakeward.gateway.auth.RefusalReason.INVALID_LOGOUT_TOKEN);
                    context.fail(refused ? LakewardException.invalidParameter("the logout token is invalid") : failure);
                });
    }

    private void clearLogin(RoutingContext context) {
        if (context.request().getCookie(SessionCookies.LOGIN) != null) {
            SessionCookies.clear(context.response(), SessionCookies.LOGIN);
        }
    }

    /** The tenant's origin as this request reached it: its registered host name and the port used. */
    static URI origin(RoutingContext context, Tenant tenant) {
        HostAndPort authority = context.request().authority();
        int port = authority == null ? -1 : authority.port();
        return URI.create("https://" + tenant.hostName() + (port <= 0 || port == 443 ? "" : ":" + port));
    }

    /** A local path to go to after the login; anything else (absolute, scheme-relative, odd) becomes {@code /}. */
    static String safeReturnPath(String requested) {
        if (requested == null || requested.isEmpty() || requested.length() > MAXIMUM_RETURN_PATH
                || !requested.startsWith("/") || requested.startsWith("//") || requested.startsWith("/\\")
                || requested.chars().anyMatch(c -> c < 0x21 || c > 0x7e || c == '\\')) {
            return "/";
        }
        try {
            URI parsed = new URI(requested);
            return parsed.getScheme() == null && parsed.getRawAuthority() == null ? requested : "/";
        } catch (java.net.URISyntaxException e) {
            return "/";
        }
    }
}

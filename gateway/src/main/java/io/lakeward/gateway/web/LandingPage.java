package io.lakeward.gateway.web;

import io.lakeward.common.tenant.Tenant;
import io.lakeward.gateway.audit.RequestAudit;
import io.lakeward.gateway.login.OidcEndpoints;
import io.lakeward.gateway.session.LoginRoutes;
import io.lakeward.gateway.session.SessionAuthentication;
import io.lakeward.gateway.session.SessionService;
import io.lakeward.gateway.tenant.TenantResolver;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** The tenant's front page: which workspace this host is and where its users sign in. */
public final class LandingPage {
    private LandingPage() {
    }

    /** The page's handler: answers once the request's audit event is durable. */
    public static Handler<RoutingContext> handler(RequestAudit audit) {
        return context -> {
            String html = render(context);
            audit.thenAnswer(context, 200, null, () -> {
                if (SessionAuthentication.active(context) != null) {
                    // the sign-out form's answer sends the browser on to the issuer's end-session endpoint;
                    // a form's redirects are governed by this page's policy, so it names that one origin too
                    String policy = context.response().headers().get("Content-Security-Policy");
                    context.response().putHeader("Content-Security-Policy", policy.replace("form-action 'self'",
                            "form-action 'self' " + OidcEndpoints.origin(TenantResolver.of(context).issuer())));
                }
                context.response()
                        .putHeader("Content-Type", "text/html; charset=utf-8")
                        .putHeader("Cache-Control", "no-store")
                        .end(html);
            });
        };
    }

    static String render(RoutingContext context) {
        Tenant tenant = TenantResolver.of(context);
        String html = """
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><title>%1$s · Lakeward</title></head>
                <body>
                <main>
                <h1>%1$s</h1>
                <p>Lakeward workspace of tenant <code>%2$s</code>.</p>
                <p>Sign-in provider: <code>%3$s</code></p>
                <p>REST API base: <code>https://%4$s</code></p>
                %5$s
                </main>
                </body>
                </html>
                """.formatted(escape(tenant.displayName()), escape(tenant.id().value()), escape(tenant.issuer().toString()),
                escape(context.request().authority().toString()), signIn(context));
        return html;
    }

    /** Who is signed in, with a sign-out form carrying the session's CSRF token; or a sign-in link. */
    private static String signIn(RoutingContext context) {
        SessionService.ActiveSession session = SessionAuthentication.active(context);
        if (session == null) {
            return "<p><a id=\"sign-in\" href=\"" + LoginRoutes.LOGIN + "\">Sign in</a></p>";
        }
        return """
                <p id="signed-in">Signed in as <strong>%1$s</strong> (roles: %2$s)</p>
                <form method="post" action="%3$s">
                <input type="hidden" name="csrf_token" value="%4$s">
                <button id="sign-out" type="submit">Sign out</button>
                </form>""".formatted(escape(session.principal().name()), escape(String.join(", ", session.principal().roles())),
                LoginRoutes.LOGOUT, escape(session.csrfToken()));
    }

    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}

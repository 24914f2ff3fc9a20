package io.lakeward.gateway.web;

import io.lakeward.common.tenant.Tenant;
import io.lakeward.gateway.tenant.TenantResolver;
import io.vertx.ext.web.RoutingContext;

/** The tenant's front page: which workspace this host is and where its users sign in. */
public final class LandingPage {
    private LandingPage() {
    }

    public static void handle(RoutingContext context) {
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
                </main>
                </body>
                </html>
                """.formatted(escape(tenant.displayName()), escape(tenant.id().value()), escape(tenant.issuer().toString()),
                escape(context.request().authority().toString()));
        context.response()
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(html);
    }

    static String escape(String text) {
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

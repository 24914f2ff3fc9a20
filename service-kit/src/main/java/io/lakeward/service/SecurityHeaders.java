package io.lakeward.service;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/** Response headers every answer carries; the page policy forbids inline script and framing. */
public final class SecurityHeaders {
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
                    + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    public static void apply(RoutingContext context) {
        MultiMap headers = context.response().headers();
        headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cross-Origin-Opener-Policy", "same-origin");
        context.next();
    }
}

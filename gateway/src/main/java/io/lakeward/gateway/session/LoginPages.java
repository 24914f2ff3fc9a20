package io.lakeward.gateway.session;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.gateway.audit.RequestAudit;
import io.lakeward.gateway.web.LandingPage;
import io.lakeward.service.RequestIds;
import io.vertx.ext.web.RoutingContext;

/**
 * The pages a person sees when a sign-in or sign-out cannot go on: the status, what happened, what
 * to do, the error code and the request id to quote. Never a stack trace, a token or a redirect
 * (a failed login must not bounce back to the identity provider in a loop).
 */
final class LoginPages {
    private LoginPages() {
    }

    /** Answers {@code failure} as a page, once its audit event is durable. */
    static void fail(RoutingContext context, RequestAudit audit, Throwable failure) {
        ErrorCode code = failure instanceof LakewardException known ? known.code() : ErrorCode.INTERNAL_ERROR;
        String headline = switch (code) {
            case TEMPORARILY_UNAVAILABLE, DEADLINE_EXCEEDED -> "Sign-in is temporarily unavailable";
            case UNAUTHENTICATED -> "The sign-in could not be completed";
            case PERMISSION_DENIED -> "This request was refused";
            case ENDPOINT_NOT_FOUND, RESOURCE_DOES_NOT_EXIST -> "Nothing to sign in to here";
            default -> "Something went wrong";
        };
        String advice = switch (code) {
            case TEMPORARILY_UNAVAILABLE, DEADLINE_EXCEEDED ->
                    "The identity provider cannot be reached right now. If you are already signed in, your session keeps working. Try again in a few minutes.";
            case UNAUTHENTICATED -> "The sign-in link was used already, expired, or was started in another browser. Start again from the workspace page.";
            case PERMISSION_DENIED -> "Reload the workspace page and try again.";
            default -> "Start again from the workspace page. If it keeps happening, quote the request id below.";
        };
        String message = failure instanceof LakewardException known ? known.getMessage() : "internal error";
        int status = code.httpStatus();
        String html = page(headline, advice, code.name(), message, RequestIds.of(context).value());
        audit.thenAnswer(context, status, code, () -> {
            if (status == 503) {
                context.response().putHeader("Retry-After", "30");
            }
            context.response().setStatusCode(status)
                    .putHeader("Content-Type", "text/html; charset=utf-8")
                    .putHeader("Cache-Control", "no-store")
                    .end(html);
        });
    }

    static String page(String headline, String advice, String errorCode, String message, String requestId) {
        return """
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><title>%1$s · Lakeward</title></head>
                <body>
                <main>
                <h1>%1$s</h1>
                <p>%2$s</p>
                <p><a href="/">Back to the workspace page</a></p>
                <dl>
                <dt>error_code</dt><dd><code>%3$s</code></dd>
                <dt>message</dt><dd>%4$s</dd>
                <dt>request_id</dt><dd><code>%5$s</code></dd>
                </dl>
                </main>
                </body>
                </html>
                """.formatted(LandingPage.escape(headline), LandingPage.escape(advice), LandingPage.escape(errorCode),
                LandingPage.escape(message), LandingPage.escape(requestId));
    }
}

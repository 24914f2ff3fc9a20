package io.lakeward.service;

import io.lakeward.common.error.ErrorBody;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become answers: any {@link Throwable} or bare status becomes the
 * {@code {"error_code","message","request_id"}} body with its status. Causes of server errors go to
 * the log under the request id, never into the answer.
 */
public final class FailureHandler {
    private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

    private FailureHandler() {
    }

    /** Installs the failure handler and JSON answers for unmatched paths and methods. */
    public static void install(Router router) {
        router.route().failureHandler(FailureHandler::handle);
        router.errorHandler(404, context -> answer(context,
                new LakewardException(ErrorCode.ENDPOINT_NOT_FOUND, "no API endpoint at this path")));
        router.errorHandler(405, context -> answer(context,
                new LakewardException(ErrorCode.METHOD_NOT_ALLOWED, "this endpoint does not accept that method")));
    }

    static void handle(RoutingContext context) {
        answer(context, failureOf(context));
    }

    /** The failure of a failed context: its exception, or the one its bare status stands for. */
    public static Throwable failureOf(RoutingContext context) {
        Throwable failure = context.failure();
        return failure != null ? failure : fromStatus(context.statusCode());
    }

    public static void answer(RoutingContext context, Throwable failure) {
        String requestId = RequestIds.of(context).value();
        int status = ErrorBody.statusOf(failure);
        if (status >= 500) {
            LOG.error("request {} failed: {} {}", requestId, context.request().method(), context.request().path(), failure);
        } else {
            LOG.debug("request {} answered {}: {}", requestId, status, failure.getMessage());
        }
        if (context.response().headWritten()) {
            context.response().reset();
            return;
        }
        Responses.json(context, status, ErrorBody.of(failure, requestId));
    }

    private static LakewardException fromStatus(int status) {
        return switch (status) {
            case 400 -> new LakewardException(ErrorCode.MALFORMED_REQUEST, "the request is malformed");
            case 401 -> LakewardException.unauthenticated();
            case 403 -> LakewardException.permissionDenied("permission denied");
            case 404 -> new LakewardException(ErrorCode.ENDPOINT_NOT_FOUND, "no API endpoint at this path");
            case 405 -> new LakewardException(ErrorCode.METHOD_NOT_ALLOWED, "this endpoint does not accept that method");
            case 413 -> new LakewardException(ErrorCode.REQUEST_ENTITY_TOO_LARGE, "the request body is too large");
            case 431 -> new LakewardException(ErrorCode.REQUEST_HEADER_FIELDS_TOO_LARGE, "the request headers are too large");
            case 503 -> new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE, "temporarily unavailable");
            default -> new LakewardException(ErrorCode.INTERNAL_ERROR, "internal error; quote the request id when reporting it");
        };
    }
}

package io.lakeward.service;

import io.lakeward.common.id.RequestId;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives every request its id, first thing in every router. Ids sent by clients are not trusted
 * (the gateway makes its own; services will take theirs from the internal identity).
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    private static final String KEY = "lakeward.requestId";

    private RequestIds() {
    }

    public static void assign(RoutingContext context) {
        RequestId id = RequestId.random();
        context.put(KEY, id);
        context.response().putHeader(HEADER, id.value());
        context.next();
    }

    /** Adopts the request id the gateway vouched for, so one id names the request end to end. */
    static void adopt(RoutingContext context, RequestId id) {
        context.put(KEY, id);
        context.response().putHeader(HEADER, id.value());
    }

    public static RequestId of(RoutingContext context) {
        RequestId id = context.get(KEY);
        return id != null ? id : RequestId.random();
    }
}

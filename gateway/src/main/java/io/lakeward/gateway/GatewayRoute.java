package io.lakeward.gateway;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * One entry of the gateway's route table: what the request is, which action it declares for the
 * policy decision, whether it needs a credential, and who answers it. Paths not in the table
 * are answered 404 without reaching any handler.
 */
public record GatewayRoute(HttpMethod method, String path, String action, boolean authenticated, Handler<RoutingContext> handler) {
}

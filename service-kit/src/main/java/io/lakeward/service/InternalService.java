package io.lakeward.service;

import io.lakeward.common.identity.InternalIdentityVerifier;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the loopback listener of an internal service: the shared router start, its health,
 * readiness and metrics endpoints, and the service's own API under {@code /api/}, every API route
 * behind the internal identity check.
 */
public final class InternalService {
    private static final Logger LOG = LoggerFactory.getLogger(InternalService.class);

    private InternalService() {
    }

    public static Future<HttpServer> listen(Vertx vertx, String name, int port, List<ReadinessCheck> checks,
                                            PrometheusMeterRegistry metrics, InternalIdentityVerifier identity,
                                            Consumer<Router> apiRoutes) {
        Router router = ServiceRouters.base(vertx);
        OperationalRoutes operational = new OperationalRoutes(vertx, name, checks);
        operational.mountHealth(router);
        operational.mountMetrics(router, metrics);
        router.route("/api/*").handler(new InternalIdentityHandler(identity)::handle);
        apiRoutes.accept(router);
        return ServiceRouters.listenOnLoopback(vertx, router, port)
                .onSuccess(server -> LOG.info("{} listening on 127.0.0.1:{}", name, server.actualPort()));
    }
}

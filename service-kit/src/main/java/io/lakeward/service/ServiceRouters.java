package io.lakeward.service;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/** The start every router shares, and the loopback listener of internal services. */
public final class ServiceRouters {
    /** Largest request body an internal API accepts; larger bodies get 413 before any parsing. */
    public static final long MAX_BODY_BYTES = 10L * 1024 * 1024;

    private ServiceRouters() {
    }

    /** A router that assigns request ids, answers every failure in the one error shape, and sets security headers. */
    public static Router base(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().handler(RequestIds::assign);
        router.route().handler(SecurityHeaders::apply);
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        FailureHandler.install(router);
        return router;
    }

    /** Internal services listen on loopback only; the gateway is the one public listener. */
    public static Future<HttpServer> listenOnLoopback(Vertx vertx, Router router, int port) {
        return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .requestHandler(router)
                .listen();
    }
}

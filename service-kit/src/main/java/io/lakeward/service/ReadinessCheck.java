package io.lakeward.service;

import io.vertx.core.Future;

/** One dependency a service needs before it can serve: a database, the identity provider, an upstream. */
public interface ReadinessCheck {
    /** Short stable name shown in the readiness answer, e.g. {@code identity-provider}. */
    String name();

    /** Succeeds when the dependency is usable; must not block the event loop. */
    Future<Void> check();
}

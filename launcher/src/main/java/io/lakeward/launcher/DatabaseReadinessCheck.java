package io.lakeward.launcher;

import io.lakeward.metastore.MetadataDatabase;
import io.lakeward.service.ReadinessCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Ready when the metadata database answers; JDBC runs on a worker thread, never the event loop. */
final class DatabaseReadinessCheck implements ReadinessCheck {
    private final MetadataDatabase database;

    DatabaseReadinessCheck(MetadataDatabase database) {
        this.database = database;
    }

    @Override
    public String name() {
        return "metadata-database";
    }

    @Override
    public Future<Void> check() {
        return Vertx.currentContext().owner().executeBlocking(() -> {
            if (!database.isReachable()) {
                throw new IllegalStateException("the metadata database does not answer");
            }
            return null;
        }, false);
    }
}

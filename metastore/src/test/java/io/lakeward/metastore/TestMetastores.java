package io.lakeward.metastore;

import io.lakeward.common.config.Secret;
import io.lakeward.common.id.TenantId;
import io.lakeward.metastore.tenant.NewTenant;
import io.lakeward.testing.postgres.TestDatabase;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Shared set-up of the metastore tests. */
final class TestMetastores {
    private static final Secret APPLICATION_PASSWORD = Secret.of(randomPassword());

    private TestMetastores() {
    }

    /** The external-mode configuration of a test database: its superuser owns the tables, a role of its own runs the queries. */
    static MetastoreConfig config(TestDatabase database) {
        return MetastoreConfig.external(database.jdbcUrl(), database.superuser(), database.superuserPassword().map(Secret::of),
                database.roleName("app"), APPLICATION_PASSWORD);
    }

    static NewTenant tenant(String id) {
        return new NewTenant(TenantId.of(id), "Tenant " + id, id + ".lakeward.test", URI.create("https://auth.lakeward.test/realms/" + id), "kek/" + id);
    }

    /** Waits for {@code latch} at most {@code timeout}; fails the test otherwise. */
    static void await(CountDownLatch latch, Duration timeout, String what) throws InterruptedException {
        if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("timed out after " + timeout + " waiting for " + what);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

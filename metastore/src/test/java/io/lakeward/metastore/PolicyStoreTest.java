package io.lakeward.metastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.metastore.policy.JdbcPolicyStore;
import io.lakeward.metastore.policy.PolicyRevision;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.testing.postgres.TestDatabase;
import io.lakeward.testing.postgres.TestingPostgres;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(TestingPostgres.Kind.class)
class PolicyStoreTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    @Parameter
    TestingPostgres.Kind server;

    private TestDatabase database;
    private MetadataDatabase metadata;
    private JdbcPolicyStore store;

    @BeforeEach
    void start() {
        database = TestingPostgres.of(server).createDatabase();
        metadata = MetadataDatabase.start(TestMetastores.config(database));
        JdbcTenantRegistryStore tenants = new JdbcTenantRegistryStore(metadata.transactions());
        tenants.create(TestMetastores.tenant("acme"));
        tenants.create(TestMetastores.tenant("globex"));
        store = new JdbcPolicyStore(metadata.transactions());
    }

    @AfterEach
    void stop() {
        if (metadata != null) {
            metadata.close();
        }
        database.close();
    }

    @Test
    void revisionsFollowEachOtherAndKeepTheirHistory() {
        assertEquals(0, store.currentRevision(ACME));
        assertTrue(store.current(ACME).isEmpty());
        PolicyRevision first = store.append(ACME, 0, "{\"grants\": [1]}", "{\"kind\": \"grant.create\"}", "admin-1", "request-1");
        PolicyRevision second = store.append(ACME, 1, "{\"grants\": [1, 2]}", "{\"kind\": \"grant.create\"}", "admin-1", null);
        assertEquals(1, first.revision());
        assertEquals(2, second.revision());
        assertEquals(2, store.currentRevision(ACME));
        assertEquals("{\"grants\": [1, 2]}", store.current(ACME).orElseThrow().document());
        assertEquals("{\"grants\": [1]}", store.at(ACME, 1).orElseThrow().document());
        assertEquals("request-1", store.at(ACME, 1).orElseThrow().requestId());
        assertEquals(List.of(2L, 1L), store.history(ACME, Long.MAX_VALUE, 10).stream().map(PolicyRevision::revision).toList());
        assertEquals(List.of(1L), store.history(ACME, 2, 10).stream().map(PolicyRevision::revision).toList());
    }

    @Test
    void aStaleRevisionIsAConflictAndStoresNothing() {
        store.append(ACME, 0, "{\"a\": 1}", "{}", "admin-1", null);
        LakewardException stale = assertThrows(LakewardException.class, () -> store.append(ACME, 0, "{\"a\": 2}", "{}", "admin-2", null));
        assertEquals(ErrorCode.RESOURCE_CONFLICT, stale.code());
        LakewardException ahead = assertThrows(LakewardException.class, () -> store.append(ACME, 5, "{\"a\": 3}", "{}", "admin-2", null));
        assertEquals(ErrorCode.RESOURCE_CONFLICT, ahead.code());
        assertEquals(1, store.currentRevision(ACME));
        assertEquals("{\"a\": 1}", store.current(ACME).orElseThrow().document());
    }

    @Test
    void concurrentWritersFromOneRevisionGetOneWinner() throws Exception {
        store.append(ACME, 0, "{}", "{}", "admin", null);
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (int i = 0; i < writers; i++) {
                int writer = i;
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        store.append(ACME, 1, "{\"writer\": " + writer + "}", "{}", "admin-" + writer, null);
                        return true;
                    } catch (LakewardException e) {
                        assertTrue(e.code() == ErrorCode.RESOURCE_CONFLICT || e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE, e.code().name());
                        return false;
                    }
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<Boolean> result : results) {
                won += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, won);
            assertEquals(2, store.currentRevision(ACME));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tenantsNeverSeeEachOthersPolicies() throws Exception {
        store.append(ACME, 0, "{\"secret\": \"acme\"}", "{}", "admin", null);
        assertEquals(0, store.currentRevision(GLOBEX));
        assertTrue(store.current(GLOBEX).isEmpty());
        assertTrue(store.at(GLOBEX, 1).isEmpty());
        assertTrue(store.history(GLOBEX, Long.MAX_VALUE, 10).isEmpty());
        // a query without the tenant filter, in globex's transaction, still sees nothing of acme
        int visible = metadata.transactions().inTenant(GLOBEX, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM policy_revisions");
                 ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        });
        assertEquals(0, visible);
        // and cannot write a row for acme
        LakewardException forged = assertThrows(LakewardException.class, () -> metadata.transactions().inTenant(GLOBEX, connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO policy_revisions (tenant_id, revision, document, change, changed_by) VALUES ('acme', 2, '{}', '{}', 'x')")) {
                return insert.executeUpdate();
            }
        }));
        assertEquals(ErrorCode.INTERNAL_ERROR, forged.code());
        assertEquals(1, store.currentRevision(ACME));
    }

    @Test
    void revisionsAreAppendOnly() {
        store.append(ACME, 0, "{\"a\": 1}", "{}", "admin", null);
        for (String sql : List.of("UPDATE policy_revisions SET document = '{}'", "DELETE FROM policy_revisions")) {
            LakewardException refused = assertThrows(LakewardException.class, () -> metadata.transactions().inTenant(ACME, connection -> {
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    return statement.executeUpdate();
                }
            }), sql);
            assertEquals(ErrorCode.INTERNAL_ERROR, refused.code());
        }
        assertEquals("{\"a\": 1}", store.current(ACME).orElseThrow().document());
    }
}

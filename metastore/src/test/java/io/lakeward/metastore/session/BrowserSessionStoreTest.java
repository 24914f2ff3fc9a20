package io.lakeward.metastore.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.config.Secret;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.session.BrowserSession;
import io.lakeward.common.session.LoginAttempt;
import io.lakeward.metastore.MetadataDatabase;
import io.lakeward.metastore.MetastoreConfig;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.metastore.tenant.NewTenant;
import io.lakeward.testing.postgres.TestDatabase;
import io.lakeward.testing.postgres.TestingPostgres;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The browser session store on both PostgreSQL servers: single-use attempts, tenant isolation, refresh races. */
@ParameterizedClass
@EnumSource(TestingPostgres.Kind.class)
class BrowserSessionStoreTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Parameter
    TestingPostgres.Kind server;

    private TestDatabase database;
    private MetadataDatabase metadata;
    private JdbcBrowserSessionStore store;

    @BeforeEach
    void start() {
        database = TestingPostgres.of(server).createDatabase();
        metadata = MetadataDatabase.start(MetastoreConfig.external(database.jdbcUrl(), database.superuser(),
                database.superuserPassword().map(Secret::of), database.roleName("app"), Secret.of(hex(24))));
        JdbcTenantRegistryStore tenants = new JdbcTenantRegistryStore(metadata.transactions());
        for (String id : List.of("acme", "globex")) {
            tenants.create(new NewTenant(TenantId.of(id), "Tenant " + id, id + ".lakeward.test",
                    URI.create("https://auth.lakeward.test/realms/" + id), "kek/" + id));
        }
        store = new JdbcBrowserSessionStore(metadata.transactions());
    }

    @AfterEach
    void stop() {
        if (metadata != null) {
            metadata.close();
        }
        database.close();
    }

    @Test
    void anAttemptIsTakenOnceAndOnlyByItsTenant() {
        LoginAttempt attempt = new LoginAttempt(ACME, hex(32), hex(32), new byte[] {1, 2, 3}, "/notebooks", NOW.plusSeconds(600));
        store.saveAttempt(attempt);
        assertEquals(Optional.empty(), store.takeAttempt(GLOBEX, attempt.stateHash(), NOW));
        LoginAttempt taken = store.takeAttempt(ACME, attempt.stateHash(), NOW).orElseThrow();
        assertEquals(attempt.bindingHash(), taken.bindingHash());
        assertArrayEquals(attempt.sealed(), taken.sealed());
        assertEquals("/notebooks", taken.returnTo());
        assertEquals(Optional.empty(), store.takeAttempt(ACME, attempt.stateHash(), NOW), "a replayed state finds nothing");
    }

    @Test
    void anExpiredAttemptIsNeverReturned() {
        LoginAttempt attempt = new LoginAttempt(ACME, hex(32), hex(32), new byte[] {1}, "/", NOW.minusSeconds(1));
        store.saveAttempt(attempt);
        assertEquals(Optional.empty(), store.takeAttempt(ACME, attempt.stateHash(), NOW));
    }

    @Test
    void racingCallbacksTakeAnAttemptExactlyOnce() throws Exception {
        LoginAttempt attempt = new LoginAttempt(ACME, hex(32), hex(32), new byte[] {1}, "/", NOW.plusSeconds(600));
        store.saveAttempt(attempt);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> takes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                takes.add(() -> store.takeAttempt(ACME, attempt.stateHash(), NOW).isPresent());
            }
            int winners = 0;
            for (Future<Boolean> result : pool.invokeAll(takes)) {
                winners += result.get() ? 1 : 0;
            }
            assertEquals(1, winners);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSessionIsFoundOnlyInItsTenant() {
        BrowserSession session = session(ACME, "sid-1", "alice");
        store.create(session);
        BrowserSession found = store.find(ACME, session.sessionHash()).orElseThrow();
        assertEquals("alice", found.subject());
        assertEquals(List.of("workspace-user"), found.roles());
        assertArrayEquals(session.tokens(), found.tokens());
        assertEquals(session.expiresAt(), found.expiresAt());
        assertEquals(Optional.empty(), store.find(GLOBEX, session.sessionHash()));
        assertFalse(store.delete(GLOBEX, session.sessionHash()), "another tenant cannot end it");
        assertEquals(0, store.deleteByProviderSession(GLOBEX, "sid-1"));
        assertEquals(0, store.deleteBySubject(GLOBEX, "alice"));
        assertTrue(store.find(ACME, session.sessionHash()).isPresent());
    }

    @Test
    void onlyOneOfTwoRefreshesOfTheSameGenerationWins() {
        BrowserSession session = session(ACME, "sid-1", "alice");
        store.create(session);
        BrowserSession first = session.withTokens(new byte[] {9}, NOW.plusSeconds(300), List.of("viewer"), List.of());
        BrowserSession second = session.withTokens(new byte[] {8}, NOW.plusSeconds(300), List.of("tenant-admin"), List.of());
        assertTrue(store.replaceTokens(first));
        assertFalse(store.replaceTokens(second));
        BrowserSession stored = store.find(ACME, session.sessionHash()).orElseThrow();
        assertArrayEquals(new byte[] {9}, stored.tokens());
        assertEquals(1, stored.tokenGeneration());
        assertEquals(List.of("viewer"), stored.roles());
    }

    @Test
    void backChannelLogoutEndsEverySessionOfTheProviderSession() {
        BrowserSession a = session(ACME, "sid-1", "alice");
        BrowserSession b = session(ACME, "sid-1", "alice");
        BrowserSession other = session(ACME, "sid-2", "bob");
        store.create(a);
        store.create(b);
        store.create(other);
        assertEquals(2, store.deleteByProviderSession(ACME, "sid-1"));
        assertEquals(Optional.empty(), store.find(ACME, a.sessionHash()));
        assertTrue(store.find(ACME, other.sessionHash()).isPresent());
        assertEquals(1, store.deleteBySubject(ACME, "bob"));
    }

    @Test
    void aDuplicateSessionIsRefusedAndKeepsTheFirst() {
        BrowserSession session = session(ACME, "sid-1", "alice");
        store.create(session);
        BrowserSession clash = new BrowserSession(ACME, session.sessionHash(), "mallory", "mallory", List.of(), List.of(), null,
                hex(32), new byte[] {7}, 0, NOW, NOW, NOW, NOW.plusSeconds(60));
        LakewardException refused = assertThrows(LakewardException.class, () -> store.create(clash));
        assertEquals(ErrorCode.RESOURCE_ALREADY_EXISTS, refused.code());
        assertEquals("alice", store.find(ACME, session.sessionHash()).orElseThrow().subject());
    }

    @Test
    void theTablesHoldNoCookieSecretAndForceRowLevelSecurity() throws Exception {
        store.create(session(ACME, "sid-1", "alice"));
        try (Connection owner = database.connectAsSuperuser(); Statement statement = owner.createStatement();
             ResultSet rows = statement.executeQuery("SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
                     + "WHERE relname IN ('browser_sessions', 'browser_login_attempts') ORDER BY relname")) {
            int tables = 0;
            while (rows.next()) {
                tables++;
                assertTrue(rows.getBoolean(2) && rows.getBoolean(3), rows.getString(1) + " must enable and force RLS");
            }
            assertEquals(2, tables);
        }
    }

    @Test
    void touchMovesLastSeenForwardOnly() {
        BrowserSession session = session(ACME, null, "alice");
        store.create(session);
        assertTrue(store.touch(ACME, session.sessionHash(), NOW.plusSeconds(60)));
        assertTrue(store.touch(ACME, session.sessionHash(), NOW.plusSeconds(30)));
        assertEquals(NOW.plusSeconds(60), store.find(ACME, session.sessionHash()).orElseThrow().lastSeenAt());
        assertFalse(store.touch(GLOBEX, session.sessionHash(), NOW.plusSeconds(90)));
    }

    private static BrowserSession session(TenantId tenant, String sid, String subject) {
        return new BrowserSession(tenant, hex(32), subject, subject, List.of("workspace-user"), List.of("analysts"), sid, hex(32),
                new byte[] {1, 2, 3, 4}, 0, NOW.plus(Duration.ofMinutes(5)), NOW, NOW, NOW.plus(Duration.ofHours(10)));
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}

package io.lakeward.metastore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.metastore.token.JdbcPersonalAccessTokenStore;
import io.lakeward.metastore.token.PersonalAccessToken;
import io.lakeward.testing.postgres.TestDatabase;
import io.lakeward.testing.postgres.TestingPostgres;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(TestingPostgres.Kind.class)
class PersonalAccessTokenStoreTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final SecureRandom RANDOM = new SecureRandom();

    @Parameter
    TestingPostgres.Kind server;

    private TestDatabase database;
    private MetadataDatabase metadata;
    private JdbcPersonalAccessTokenStore tokens;

    @BeforeEach
    void start() {
        database = TestingPostgres.of(server).createDatabase();
        metadata = MetadataDatabase.start(TestMetastores.config(database));
        JdbcTenantRegistryStore tenants = new JdbcTenantRegistryStore(metadata.transactions());
        tenants.create(TestMetastores.tenant("acme"));
        tenants.create(TestMetastores.tenant("globex"));
        tokens = new JdbcPersonalAccessTokenStore(metadata.transactions());
    }

    @AfterEach
    void stop() {
        if (metadata != null) {
            metadata.close();
        }
        database.close();
    }

    static PersonalAccessToken token(TenantId tenant, String owner, Instant expires) {
        byte[] hash = new byte[32];
        RANDOM.nextBytes(hash);
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new PersonalAccessToken(tenant, HexFormat.of().formatHex(id), hash, owner, owner + "-name", "USER",
                List.of("workspace-user"), List.of("analysts"), "for " + owner, now, expires.truncatedTo(ChronoUnit.MILLIS), Optional.empty());
    }

    @Test
    void aTokenIsFoundByItsHashInItsOwnTenantOnly() {
        PersonalAccessToken made = token(ACME, "ada", Instant.now().plusSeconds(3600));
        tokens.create(made, 10);
        assertEquals(Optional.of(ACME), tokens.tenantOf(made.tokenHash()));
        PersonalAccessToken found = tokens.findByHash(ACME, made.tokenHash()).orElseThrow();
        assertEquals(made, found);
        assertArrayEquals(made.tokenHash(), found.tokenHash());
        assertEquals(List.of("workspace-user"), found.ownerRoles());
        assertEquals(List.of("analysts"), found.ownerGroups());
        assertEquals(made.createdAt(), found.createdAt());
        assertEquals(made.expiresAt(), found.expiresAt());
        assertTrue(tokens.findByHash(GLOBEX, made.tokenHash()).isEmpty(), "another tenant cannot see it");
        assertTrue(tokens.get(GLOBEX, made.tokenId()).isEmpty());
        assertFalse(tokens.delete(GLOBEX, made.tokenId(), Optional.empty()), "nor delete it");
        assertTrue(tokens.findByHash(ACME, made.tokenHash()).isPresent());
    }

    @Test
    void onlyTheHashIsStored() throws Exception {
        PersonalAccessToken made = token(ACME, "ada", Instant.now().plusSeconds(3600));
        tokens.create(made, 10);
        try (Connection connection = database.connectAsSuperuser(); Statement statement = connection.createStatement();
             ResultSet columns = statement.executeQuery("SELECT column_name FROM information_schema.columns "
                     + "WHERE table_name IN ('personal_access_tokens', 'personal_access_token_tenants')")) {
            while (columns.next()) {
                String column = columns.getString(1);
                assertTrue(!column.equals("token") && !column.equals("token_value"), "a column holds the token itself: " + column);
            }
        }
    }

    @Test
    void deleteRemovesTheTokenAndItsTenantHint() {
        PersonalAccessToken made = token(ACME, "ada", Instant.now().plusSeconds(3600));
        tokens.create(made, 10);
        assertFalse(tokens.delete(ACME, made.tokenId(), Optional.of("somebody-else")), "an owner-scoped delete of another's token");
        assertTrue(tokens.delete(ACME, made.tokenId(), Optional.of("ada")));
        assertTrue(tokens.findByHash(ACME, made.tokenHash()).isEmpty());
        assertTrue(tokens.tenantOf(made.tokenHash()).isEmpty());
        assertFalse(tokens.delete(ACME, made.tokenId(), Optional.empty()));
        assertFalse(tokens.delete(ACME, "not-an-id", Optional.empty()));
    }

    @Test
    void listsByOwnerNewestFirst() {
        PersonalAccessToken first = token(ACME, "ada", Instant.now().plusSeconds(3600));
        tokens.create(first, 10);
        PersonalAccessToken other = token(ACME, "bob", Instant.now().plusSeconds(3600));
        tokens.create(other, 10);
        tokens.create(token(GLOBEX, "ada", Instant.now().plusSeconds(3600)), 10);
        assertEquals(List.of(first), tokens.list(ACME, Optional.of("ada"), 100));
        assertEquals(2, tokens.list(ACME, Optional.empty(), 100).size());
        assertEquals(1, tokens.list(GLOBEX, Optional.empty(), 100).size());
    }

    @Test
    void theCountLimitHoldsUnderConcurrentCreatesAndLeavesNoHintBehind() throws Exception {
        int limit = 3;
        List<PersonalAccessToken> attempts = List.of(
                token(ACME, "ada", Instant.now().plusSeconds(3600)), token(ACME, "ada", Instant.now().plusSeconds(3600)),
                token(ACME, "ada", Instant.now().plusSeconds(3600)), token(ACME, "ada", Instant.now().plusSeconds(3600)),
                token(ACME, "ada", Instant.now().plusSeconds(3600)), token(ACME, "ada", Instant.now().plusSeconds(3600)));
        ExecutorService executor = Executors.newFixedThreadPool(attempts.size());
        int refused = 0;
        try {
            List<Future<?>> futures = attempts.stream().<Future<?>>map(t -> executor.submit(() -> tokens.create(t, limit))).toList();
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    assertEquals(ErrorCode.RESOURCE_EXHAUSTED, ((LakewardException) e.getCause()).code());
                    refused++;
                }
            }
        } finally {
            executor.shutdownNow();
        }
        assertEquals(attempts.size() - limit, refused);
        assertEquals(limit, tokens.list(ACME, Optional.of("ada"), 100).size());
        long hints = attempts.stream().filter(t -> tokens.tenantOf(t.tokenHash()).isPresent()).count();
        assertEquals(limit, hints, "a refused create leaves no tenant hint");
        // expired tokens do not count; another owner has a limit of its own
        tokens.create(token(ACME, "bob", Instant.now().plusSeconds(3600)), limit);
    }

    @Test
    void aTokenOfAnUnknownTenantIsRefusedWhole() {
        PersonalAccessToken orphan = token(TenantId.of("initech"), "ada", Instant.now().plusSeconds(3600));
        LakewardException refused = assertThrows(LakewardException.class, () -> tokens.create(orphan, 10));
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, refused.code());
        assertTrue(tokens.tenantOf(orphan.tokenHash()).isEmpty());
    }

    @Test
    void lastUseOnlyMovesForward() {
        PersonalAccessToken made = token(ACME, "ada", Instant.now().plusSeconds(3600));
        tokens.create(made, 10);
        Instant later = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(60);
        tokens.recordLastUse(ACME, Map.of(made.tokenId(), later));
        tokens.recordLastUse(ACME, Map.of(made.tokenId(), later.minusSeconds(30)));
        assertEquals(Optional.of(later), tokens.get(ACME, made.tokenId()).orElseThrow().lastUsedAt());
        // another tenant's batch cannot touch it
        tokens.recordLastUse(GLOBEX, Map.of(made.tokenId(), later.plusSeconds(600)));
        assertEquals(Optional.of(later), tokens.get(ACME, made.tokenId()).orElseThrow().lastUsedAt());
    }
}

package io.lakeward.metastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.tenant.TenantStatus;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.metastore.tenant.NewTenant;
import io.lakeward.metastore.tenant.TenantRecord;
import io.lakeward.metastore.tenant.TenantRegistry;
import io.lakeward.testing.postgres.TestDatabase;
import io.lakeward.testing.postgres.TestingPostgres;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(TestingPostgres.Kind.class)
class TenantRegistryTest {
    @Parameter
    TestingPostgres.Kind server;

    private TestDatabase database;
    private MetadataDatabase metadata;
    private JdbcTenantRegistryStore store;
    private TenantRegistry registry;

    @BeforeEach
    void start() {
        database = TestingPostgres.of(server).createDatabase();
        metadata = MetadataDatabase.start(TestMetastores.config(database));
        store = new JdbcTenantRegistryStore(metadata.transactions());
        registry = TenantRegistry.start(store, Duration.ofMinutes(10));
    }

    @AfterEach
    void stop() {
        registry.close();
        metadata.close();
        database.close();
    }

    @Test
    void aRegisteredTenantIsFoundEveryWay() {
        NewTenant acme = new NewTenant(TenantId.of("acme"), " Acme Corporation ", "Acme.Lakeward.Test.", URI.create("https://auth.lakeward.test/realms/acme"), "kek/acme");
        TenantRecord created = registry.register(acme);
        assertEquals("acme.lakeward.test", created.tenant().hostName());
        assertEquals("Acme Corporation", created.tenant().displayName());
        assertEquals(TenantStatus.ACTIVE, created.tenant().status());
        assertEquals(created, store.get(acme.id()).orElseThrow());
        assertEquals(created, store.findByHost("ACME.lakeward.test").orElseThrow());
        assertEquals(created, store.findByIssuer(URI.create("https://auth.lakeward.test/realms/acme")).orElseThrow());
        assertTrue(store.findByIssuer(URI.create("https://auth.lakeward.test/realms/acme/")).isEmpty(), "issuers match exactly");
        assertEquals(created.tenant(), registry.directory().byHost("acme.lakeward.test").orElseThrow());
        assertEquals(created.tenant(), registry.directory().byIssuer("https://auth.lakeward.test/realms/acme").orElseThrow());
        assertEquals(List.of(created), store.list());
    }

    @Test
    void aTakenHostIssuerOrIdIsRefusedAndNothingIsWritten() {
        registry.register(TestMetastores.tenant("acme"));
        NewTenant sameHost = new NewTenant(TenantId.of("globex"), "Globex", "acme.lakeward.test", URI.create("https://auth.lakeward.test/realms/globex"), "kek/globex");
        NewTenant sameIssuer = new NewTenant(TenantId.of("globex"), "Globex", "globex.lakeward.test", URI.create("https://auth.lakeward.test/realms/acme"), "kek/globex");
        NewTenant sameId = new NewTenant(TenantId.of("acme"), "Acme again", "acme2.lakeward.test", URI.create("https://auth.lakeward.test/realms/acme2"), "kek/acme2");
        for (NewTenant duplicate : List.of(sameHost, sameIssuer, sameId)) {
            LakewardException refused = assertThrows(LakewardException.class, () -> registry.register(duplicate));
            assertEquals(ErrorCode.RESOURCE_ALREADY_EXISTS, refused.code());
        }
        assertEquals(1, store.list().size());
        assertTrue(store.get(TenantId.of("globex")).isEmpty());
        assertTrue(store.findByHost("acme2.lakeward.test").isEmpty());
        assertTrue(registry.directory().byHost("globex.lakeward.test").isEmpty());
        assertEquals("Tenant acme", store.get(TenantId.of("acme")).orElseThrow().tenant().displayName());
    }

    @Test
    void badInputIsAnInvalidParameter() {
        List<Supplier<NewTenant>> bad = List.of(
                () -> new NewTenant(TenantId.of("acme"), "Acme", "acme.lakeward.test:9443", URI.create("https://auth.example/realms/acme"), "kek/acme"),
                () -> new NewTenant(TenantId.of("acme"), "Acme", "acme_corp.lakeward.test", URI.create("https://auth.example/realms/acme"), "kek/acme"),
                () -> new NewTenant(TenantId.of("acme"), "Acme", "localhost", URI.create("https://auth.example/realms/acme"), "kek/acme"),
                () -> new NewTenant(TenantId.of("acme"), "Acme", "-acme.lakeward.test", URI.create("https://auth.example/realms/acme"), "kek/acme"),
                () -> new NewTenant(TenantId.of("acme"), "Acme", "a".repeat(64) + ".test", URI.create("https://auth.example/realms/acme"), "kek/acme"),
                () -> new NewTenant(TenantId.of("acme"), "Acme", "acme.lakeward.test", URI.create("http://auth.example/realms/acme"), "kek/acme"),
                () -> new NewTenant(TenantId.of("acme"), "Acme", "acme.lakeward.test", URI.create("https://auth.example/realms/acme?x=1"), "kek/acme"),
                () -> new NewTenant(TenantId.of("acme"), "  ", "acme.lakeward.test", URI.create("https://auth.example/realms/acme"), "kek/acme"),
                () -> new NewTenant(TenantId.of("acme"), "Acme", "acme.lakeward.test", URI.create("https://auth.example/realms/acme"), "kek acme"),
                () -> new NewTenant(null, "Acme", "acme.lakeward.test", URI.create("https://auth.example/realms/acme"), "kek/acme"));
        for (Supplier<NewTenant> tenant : bad) {
            LakewardException refused = assertThrows(LakewardException.class, tenant::get);
            assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, refused.code());
        }
        assertEquals(List.of(), store.list());
    }

    @Test
    void statusChangesReachTheDirectory() {
        registry.register(TestMetastores.tenant("acme"));
        TenantRecord suspended = registry.updateStatus(TenantId.of("acme"), TenantStatus.SUSPENDED);
        assertEquals(TenantStatus.SUSPENDED, suspended.tenant().status());
        assertTrue(!suspended.updatedAt().isBefore(suspended.createdAt()));
        assertTrue(registry.directory().byHost("acme.lakeward.test").isEmpty(), "only active tenants are served");
        assertEquals(TenantStatus.SUSPENDED, store.findByHost("acme.lakeward.test").orElseThrow().tenant().status());
        LakewardException unknown = assertThrows(LakewardException.class, () -> registry.updateStatus(TenantId.of("initech"), TenantStatus.ACTIVE));
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, unknown.code());
    }

    @Test
    void anotherInstancesChangesArriveByThePeriodicReload() throws Exception {
        // a second process: its own pool and registry over the same database, reloading often
        try (MetadataDatabase otherDatabase = MetadataDatabase.start(TestMetastores.config(database));
             TenantRegistry other = TenantRegistry.start(new JdbcTenantRegistryStore(otherDatabase.transactions()), Duration.ofMillis(100))) {
            assertTrue(other.directory().byHost("acme.lakeward.test").isEmpty());
            CountDownLatch arrived = new CountDownLatch(1);
            CountDownLatch suspended = new CountDownLatch(1);
            other.onReload(all -> {
                if (other.directory().byHost("acme.lakeward.test").isPresent()) {
                    arrived.countDown();
                } else if (arrived.getCount() == 0) {
                    suspended.countDown();
                }
            });
            registry.register(TestMetastores.tenant("acme"));
            TestMetastores.await(arrived, Duration.ofSeconds(10), "the other instance to load the new tenant");
            registry.updateStatus(TenantId.of("acme"), TenantStatus.SUSPENDED);
            TestMetastores.await(suspended, Duration.ofSeconds(10), "the other instance to see the suspension");
            assertTrue(other.directory().byHost("acme.lakeward.test").isEmpty());
        }
    }

    @Test
    void anExplicitReloadSeesOtherWritersAtOnce() {
        new JdbcTenantRegistryStore(metadata.transactions()).create(TestMetastores.tenant("globex"));
        assertTrue(registry.directory().byHost("globex.lakeward.test").isEmpty(), "written behind the registry's back");
        registry.reload();
        assertTrue(registry.directory().byHost("globex.lakeward.test").isPresent());
    }
}

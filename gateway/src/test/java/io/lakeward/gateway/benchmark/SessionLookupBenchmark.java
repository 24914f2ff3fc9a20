package io.lakeward.gateway.benchmark;

import io.lakeward.common.config.Secret;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.session.BrowserSession;
import io.lakeward.common.tenant.InMemoryTenantDirectory;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantStatus;
import io.lakeward.gateway.session.SessionConfig;
import io.lakeward.gateway.session.SessionCookies;
import io.lakeward.gateway.session.SessionService;
import io.lakeward.keyvault.keys.EnvelopeCipher;
import io.lakeward.keyvault.keys.MasterKey;
import io.lakeward.keyvault.keys.TenantKeyStore;
import io.lakeward.metastore.MetadataDatabase;
import io.lakeward.metastore.MetastoreConfig;
import io.lakeward.metastore.session.JdbcBrowserSessionStore;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.metastore.tenant.NewTenant;
import io.lakeward.testing.postgres.TestDatabase;
import io.lakeward.testing.postgres.TestingPostgres;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a session cookie costs each request: resolving it to its principal (hash, tenant-scoped
 * PostgreSQL lookup with row-level security, liveness checks) against the machine's PostgreSQL
 * on 127.0.0.1, with 10,000 stored sessions. Also the cost of sealing a session's tokens
 * (envelope encryption), paid at each login and refresh. Not part of the test suite.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class SessionLookupBenchmark {
    private static final TenantId TENANT = TenantId.of("acme");
    private static final int SESSIONS = 10_000;

    private TestDatabase database;
    private MetadataDatabase metadata;
    private SessionService sessions;
    private EnvelopeCipher cipher;
    private Tenant tenant;
    private final List<SessionCookies.SessionCookie> cookies = new ArrayList<>();
    private final byte[] tokens = new byte[3 * 1400];

    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        database = TestingPostgres.of(TestingPostgres.Kind.EXTERNAL).createDatabase();
        metadata = MetadataDatabase.start(MetastoreConfig.external(database.jdbcUrl(), database.superuser(),
                database.superuserPassword().map(Secret::of), database.roleName("app"), Secret.of("benchmark-Password-1")));
        tenant = new Tenant(TENANT, "Acme", "acme.lakeward.localhost", URI.create("https://auth.lakeward.localhost/realms/acme"),
                TenantStatus.ACTIVE);
        new JdbcTenantRegistryStore(metadata.transactions()).create(new NewTenant(TENANT, "Acme", tenant.hostName(), tenant.issuer(), "kek/acme"));
        JdbcBrowserSessionStore store = new JdbcBrowserSessionStore(metadata.transactions());
        Path keys = Files.createTempDirectory("session-benchmark");
        TenantKeyStore keyStore = TenantKeyStore.open(keys.resolve("keys.bcfks"), MasterKey.generate(new SecureRandom()), new BouncyCastleProvider());
        keyStore.createTenant(TENANT);
        cipher = new EnvelopeCipher(keyStore);
        Instant now = Instant.now();
        for (int i = 0; i < SESSIONS; i++) {
            SessionCookies.SessionCookie cookie = new SessionCookies.SessionCookie(TENANT, SessionCookies.newSecret());
            store.create(new BrowserSession(TENANT, cookie.hash(), "user-" + i, "user" + i, List.of("workspace-user"), List.of("analysts"),
                    "sid-" + i, SessionCookies.newSecret(), new byte[] {1}, 0, now.plusSeconds(3600), now, now, now.plusSeconds(36_000)));
            cookies.add(cookie);
        }
        sessions = new SessionService(new InMemoryTenantDirectory(List.of(tenant)), store, cipher, id -> java.util.Optional.empty(),
                null, null, null, null, SessionConfig.defaults(), Clock.systemUTC());
    }

    @TearDown(Level.Trial)
    public void stop() {
        metadata.close();
        database.close();
    }

    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Object resolveSession(Cursor cursor) {
        SessionCookies.SessionCookie cookie = cookies.get(cursor.next++ % SESSIONS);
        return sessions.resolve(tenant, cookie).session().orElseThrow();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public byte[] sealTokens(Cursor cursor) {
        return cipher.encrypt(TENANT, "browser-session/" + (cursor.next++), tokens);
    }
}

package io.lakeward.gateway.session;

import io.lakeward.common.config.Secret;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.InternalIdentity;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.common.identity.InternalServiceKeys;
import io.lakeward.common.tenant.InMemoryTenantDirectory;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantStatus;
import io.lakeward.gateway.GatewayConfig;
import io.lakeward.gateway.GatewayVerticle;
import io.lakeward.gateway.audit.FakeAuditOutbox;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import io.lakeward.keyvault.tls.ServerCertificate;
import io.lakeward.metastore.MetadataDatabase;
import io.lakeward.metastore.MetastoreConfig;
import io.lakeward.metastore.session.JdbcBrowserSessionStore;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.metastore.tenant.NewTenant;
import io.lakeward.testing.keycloak.TestingKeycloak;
import io.lakeward.testing.postgres.TestDatabase;
import io.lakeward.testing.postgres.TestingPostgres;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A gateway with real browser sign-in for tests: the test JVM's Keycloak with fresh tenant realms
 * (demo users, redirect and back-channel URLs on this gateway's port), a fresh PostgreSQL database
 * with the shipped migrations, a tenant keystore, and a loopback upstream standing in for the
 * workspace service that verifies the gateway's internal identity assertion and echoes what it got.
 */
final class SignInGateway implements AutoCloseable {
    static final String BASE = TestingKeycloak.BASE_DOMAIN;

    final TestingKeycloak keycloak;
    final List<ProvisionedRealm> realms;
    final int port;
    private final TestDatabase database;
    private final MetadataDatabase metadata;
    private final Vertx vertx;

    final JdbcBrowserSessionStore store;

    /** @param refreshAhead how long before expiry session tokens are refreshed (longer than the token lifetime: at every request) */
    SignInGateway(int tenants, Path directory, Duration refreshAhead) throws Exception {
        keycloak = TestingKeycloak.get();
        port = freePort();
        TestingKeycloak.TenantRealmPool pool = keycloak.tenantRealmPool(tenants, port, true);
        realms = java.util.stream.IntStream.range(0, tenants).mapToObj(i -> pool.take()).toList();
        database = TestingPostgres.of(TestingPostgres.Kind.EXTERNAL).createDatabase();
        metadata = MetadataDatabase.start(MetastoreConfig.external(database.jdbcUrl(), database.superuser(),
                database.superuserPassword().map(Secret::of), database.roleName("app"), Secret.of(HexFormat.of().formatHex(new byte[16]) + "Aa1")));
        JdbcTenantRegistryStore registry = new JdbcTenantRegistryStore(metadata.transactions());
        Map<TenantId, Secret> secrets = new HashMap<>();
        List<Tenant> directoryTenants = realms.stream().map(realm -> {
            TenantId id = TenantId.of(realm.realm());
            String host = id.value() + "." + BASE;
            registry.create(new NewTenant(id, "Tenant " + id, host, realm.issuer(), "kek/" + id));
            secrets.put(id, realm.gatewayClient().orElseThrow().secret());
            return new Tenant(id, "Tenant " + id, host, realm.issuer(), TenantStatus.ACTIVE);
        }).toList();
        ServerCertificate certificate = keycloak.certificateAuthority().issueServerCertificate("gateway-" + port, List.of(BASE, "*." + BASE));
        GatewayConfig config = new GatewayConfig("127.0.0.1", port, 0, BASE, certificate.certificatePem(), certificate.privateKeyPem(),
                keycloak.caCertificatePem(), "lakeward-gateway", Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ofSeconds(5),
                new GatewayConfig.RateLimit(1000, 1000), new GatewayConfig.RateLimit(1000, 1000), keycloak.serverUrl() + "/realms/")
                // key sets are fetched at most once per interval: short here, so tests see a rotated key within seconds
                .withTokens(withKeysRefetchInterval(GatewayConfig.TokenSettings.defaults(), Duration.ofSeconds(2)));
        SessionConfig sessions = new SessionConfig("lakeward-gateway", Duration.ofMinutes(30), Duration.ofHours(10), Duration.ofMinutes(10),
                refreshAhead, Duration.ofSeconds(1));
        store = new JdbcBrowserSessionStore(metadata.transactions());
        BrowserLogin login = new BrowserLogin(store,
                TestBrowserLogins.cipher(Files.createDirectories(directory.resolve("keys")), directoryTenants.stream().map(Tenant::id).toList()),
                tenant -> Optional.ofNullable(secrets.get(tenant)), sessions);
        InternalServiceKeys keys = InternalServiceKeys.generate(List.of("workspace-service", "audit"));
        vertx = Vertx.vertx();
        int upstream = startUpstream(new InternalIdentityVerifier("workspace-service", keys.keyOf("workspace-service"), Clock.systemUTC()));
        vertx.deployVerticle(new GatewayVerticle(config, new InMemoryTenantDirectory(directoryTenants),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of("workspace-service", URI.create("http://127.0.0.1:" + upstream),
                        "audit", URI.create("http://127.0.0.1:" + upstream)),
                new InternalIdentitySigner(keys, Duration.ofSeconds(30), Clock.systemUTC()), FakeAuditOutbox.accepting(),
                new io.lakeward.gateway.auth.InMemoryPersonalAccessTokenStore(), login, io.lakeward.gateway.TestPolicyClients.embedded()))
                .await(60, TimeUnit.SECONDS);
    }

    /** Answers with what a service would take from the request: the verified assertion, and which client headers reached it. */
    private int startUpstream(InternalIdentityVerifier verifier) throws Exception {
        return vertx.createHttpServer().requestHandler(request -> {
            try {
                InternalIdentity identity = verifier.verify(request.getHeader(InternalIdentitySigner.HEADER));
                request.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                        .put("tenant", identity.principal().tenant().value())
                        .put("name", identity.principal().name())
                        .put("method", identity.principal().authenticationMethod())
                        .put("cookie", request.getHeader("Cookie"))
                        .put("csrf", request.getHeader("X-CSRF-Token"))
                        .put("spoofed", request.getHeader("X-Lakeward-Principal"))
                        .encode());
            } catch (RuntimeException e) {
                request.response().setStatusCode(401).end();
            }
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    }

    URI origin(ProvisionedRealm realm) {
        return URI.create("https://" + realm.realm() + "." + BASE + ":" + port + "/");
    }

    URI url(ProvisionedRealm realm, String path) {
        return origin(realm).resolve(path);
    }

    static String password(ProvisionedRealm realm, String user) {
        return realm.userPasswords().get(user).reveal();
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
        metadata.close();
        database.close();
    }

    /** Named before it is bound (the realm's redirect URIs need it): outside the ephemeral range, see FreePorts. */
    private static int freePort() {
        return io.lakeward.testing.FreePorts.reserve();
    }

    private static GatewayConfig.TokenSettings withKeysRefetchInterval(GatewayConfig.TokenSettings settings, Duration interval) {
        return new GatewayConfig.TokenSettings(settings.cacheTtl(), settings.cacheSize(), settings.keysCacheTtl(), interval,
                settings.keysOutageTolerance(), settings.personalTokenMaxLifetime(), settings.personalTokenMaxPerPrincipal(),
                settings.personalTokenCacheTtl(), settings.personalTokenLastUseFlush());
    }
}

package io.lakeward.workspace.secret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.outbox.FileAuditOutbox;
import io.lakeward.audit.client.outbox.FileAuditOutboxConfig;
import io.lakeward.audit.client.outbox.OutboxEntry;
import io.lakeward.common.config.Secret;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.common.identity.InternalServiceKeys;
import io.lakeward.common.identity.Principal;
import io.lakeward.common.json.Json;
import io.lakeward.keyvault.Keyvault;
import io.lakeward.keyvault.KeyvaultConfig;
import io.lakeward.metastore.MetadataDatabase;
import io.lakeward.metastore.MetastoreConfig;
import io.lakeward.metastore.secret.JdbcSecretStore;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.metastore.tenant.NewTenant;
import io.lakeward.testing.postgres.TestDatabase;
import io.lakeward.testing.postgres.TestingPostgres;
import io.lakeward.workspace.WorkspaceConfig;
import io.lakeward.workspace.WorkspaceVerticle;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The secrets API of the workspace-service against a real PostgreSQL and a real keystore, called
 * over HTTP with internal identities as the gateway (users) and the compute service (cluster code)
 * sign them. Each test uses scopes of its own.
 */
class SecretsApiTest {
    private static final ObjectMapper JSON = Json.newMapper();
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    /** The tenant whose scope count the limit test exhausts. */
    private static final TenantId INITECH = TenantId.of("initech");
    /** The tenant whose key the rotation test rotates. */
    private static final TenantId ROTATING = TenantId.of("rotating");
    private static final SecretLimits LIMITS = new SecretLimits(8, 5, 1024);

    private static TestDatabase database;
    private static MetadataDatabase metadata;
    private static Vertx vertx;
    private static FileAuditOutbox audit;
    private static Keyvault keyvault;
    private static InternalIdentitySigner signer;
    private static URI base;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        Path state = Files.createTempDirectory("secrets-api");
        database = TestingPostgres.embedded().createDatabase();
        metadata = MetadataDatabase.start(MetastoreConfig.external(database.jdbcUrl(), database.superuser(),
                database.superuserPassword().map(Secret::of), database.roleName("app"), Secret.of(UUID.randomUUID().toString())));
        JdbcTenantRegistryStore tenants = new JdbcTenantRegistryStore(metadata.transactions());
        keyvault = Keyvault.open(new KeyvaultConfig(Optional.empty(), state.resolve("master.key"), state.resolve("keys.bcfks"), 0,
                Duration.ofMinutes(5)), Clock.systemUTC());
        for (TenantId tenant : List.of(ACME, GLOBEX, INITECH, ROTATING)) {
            keyvault.ensureTenantKey(tenant);
            tenants.create(new NewTenant(tenant, tenant.value(), tenant.value() + ".lakeward.test",
                    URI.create("https://auth.lakeward.test/realms/" + tenant.value()), "tenant-kek/" + tenant.value()));
        }
        audit = FileAuditOutbox.open(FileAuditOutboxConfig.defaults(state.resolve("outbox")));
        InternalServiceKeys keys = InternalServiceKeys.generate(List.of("workspace-service"));
        signer = new InternalIdentitySigner(keys, Duration.ofSeconds(30), Clock.systemUTC());
        SecretService service = new SecretService(new JdbcSecretStore(metadata.transactions()), keyvault.cipher(), LIMITS);
        WorkspaceVerticle verticle = new WorkspaceVerticle(new WorkspaceConfig(0), List.of(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new InternalIdentityVerifier("workspace-service", keys.keyOf("workspace-service"), Clock.systemUTC()), service, audit,
                new io.lakeward.workspace.policy.PolicyAdminService(new io.lakeward.metastore.policy.JdbcPolicyStore(metadata.transactions()),
                        new io.lakeward.workspace.identity.ExternalIdentityDirectory(),
                        io.lakeward.policy.client.EmbeddedPolicyClient.start(io.lakeward.policy.client.WasmPolicy.fromClasspath(),
                                io.lakeward.policy.client.PolicyData.empty("0"), io.lakeward.policy.client.EmbeddedPolicyConfig.defaults()),
                        Clock.systemUTC()),
                () -> { });
        vertx = Vertx.vertx();
        vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
        base = URI.create("http://127.0.0.1:" + verticle.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
        if (audit != null) {
            audit.close();
        }
        if (metadata != null) {
            metadata.close();
        }
        if (database != null) {
            database.close();
        }
    }

    static Principal user(TenantId tenant, String name, List<String> roles, List<String> groups) {
        return new Principal(tenant, "sub-" + name, name, Principal.PrincipalType.USER, roles, groups, "oidc_access_token");
    }

    static Principal engineer(String name) {
        return user(ACME, name, List.of("workspace-user"), List.of());
    }

    /** Cluster code of {@code tenant} running for {@code user} (a member of {@code groups}). */
    static Principal cluster(TenantId tenant, String user, String... groups) {
        return new Principal(tenant, "cluster-0412", user, Principal.PrincipalType.CLUSTER, List.of(), List.of(groups), "driver_secret");
    }

    static String scope() {
        return "scope-" + UUID.randomUUID().toString().substring(0, 8);
    }

    HttpResponse<String> post(Principal caller, String path, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve("/api/2.0/secrets/" + path))
                .header(InternalIdentitySigner.HEADER, signer.sign("workspace-service", caller, RequestId.random()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body instanceof String text ? text : JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(Principal caller, String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/2.0/secrets/" + pathAndQuery))
                .header(InternalIdentitySigner.HEADER, signer.sign("workspace-service", caller, RequestId.random())).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(code, body.get("error_code").asText(), response.body());
        assertNotNull(body.get("request_id"));
    }

    void createScope(Principal caller, String scope) throws Exception {
        assertEquals(200, post(caller, "scopes/create", Map.of("scope", scope)).statusCode());
    }

    void put(Principal caller, String scope, String key, String value) throws Exception {
        HttpResponse<String> response = post(caller, "put", Map.of("scope", scope, "key", key, "string_value", value));
        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void aUserPutsAndListsButOnlyClusterCodeOfTheTenantReadsTheValue() throws Exception {
        Principal ada = engineer("ada");
        String scope = scope();
        createScope(ada, scope);
        put(ada, scope, "db-password", "hunter2-very-secret");

        HttpResponse<String> list = get(ada, "list?scope=" + scope);
        assertEquals(200, list.statusCode());
        assertEquals("db-password", JSON.readTree(list.body()).get("secrets").get(0).get("key").asText());
        assertTrue(JSON.readTree(list.body()).get("secrets").get(0).get("last_updated_timestamp").asLong() > 0);
        assertFalse(list.body().contains("hunter2"), "list answers never carry values");

        assertError(get(ada, "get?scope=" + scope + "&key=db-password"), 403, "PERMISSION_DENIED");

        HttpResponse<String> value = get(cluster(ACME, "ada"), "get?scope=" + scope + "&key=db-password");
        assertEquals(200, value.statusCode(), value.body());
        assertEquals("hunter2-very-secret", new String(Base64.getDecoder().decode(JSON.readTree(value.body()).get("value").asText()),
                StandardCharsets.UTF_8));

        // cluster code of another tenant finds nothing: the tenant comes from the identity, never the request
        assertError(get(cluster(GLOBEX, "ada"), "get?scope=" + scope + "&key=db-password"), 404, "RESOURCE_DOES_NOT_EXIST");
        // cluster code running for a user without READ on the scope is told nothing exists
        assertError(get(cluster(ACME, "mallory"), "get?scope=" + scope + "&key=db-password"), 404, "RESOURCE_DOES_NOT_EXIST");
        // cluster code only reads
        assertError(post(cluster(ACME, "ada"), "put", Map.of("scope", scope, "key", "k", "string_value", "v")), 403, "PERMISSION_DENIED");
    }

    @Test
    void valuesAreEncryptedAtRestAndBoundToTheirScopeAndKey() throws Exception {
        Principal ada = engineer("ada");
        String scope = scope();
        createScope(ada, scope);
        put(ada, scope, "first", "plaintext-marker-first");
        put(ada, scope, "second", "plaintext-marker-second");
        try (Connection connection = database.connectAsSuperuser(); Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT value_envelope FROM secrets WHERE scope_name = '" + scope + "'")) {
                int count = 0;
                while (rows.next()) {
                    count++;
                    String raw = new String(rows.getBytes(1), StandardCharsets.ISO_8859_1);
                    assertFalse(raw.contains("plaintext-marker"), "the stored bytes hold no plaintext");
                    assertTrue(raw.startsWith("LWEN"), "an envelope");
                }
                assertEquals(2, count);
            }
            // move one secret's envelope onto the other key: reading it must fail, not answer the wrong value
            statement.executeUpdate("UPDATE secrets SET value_envelope = (SELECT value_envelope FROM secrets WHERE scope_name = '" + scope
                    + "' AND secret_key = 'first') WHERE scope_name = '" + scope + "' AND secret_key = 'second'");
        }
        assertEquals(200, get(cluster(ACME, "ada"), "get?scope=" + scope + "&key=first").statusCode());
        HttpResponse<String> moved = get(cluster(ACME, "ada"), "get?scope=" + scope + "&key=second");
        assertError(moved, 500, "INTERNAL_ERROR");
        assertFalse(moved.body().contains("plaintext-marker"));
    }

    @Test
    void aclsGrantReadWriteAndManageInOrder() throws Exception {
        Principal ada = engineer("ada");
        Principal bob = user(ACME, "bob", List.of("workspace-user"), List.of("analysts"));
        String scope = scope();
        createScope(ada, scope);
        put(ada, scope, "token", "t0k3n");

        // no permission: the scope does not exist for bob
        assertError(get(bob, "list?scope=" + scope), 404, "RESOURCE_DOES_NOT_EXIST");
        assertFalse(get(bob, "scopes/list").body().contains(scope));

        assertEquals(200, post(ada, "acls/put", Map.of("scope", scope, "principal", "analysts", "permission", "READ")).statusCode());
        assertEquals(200, get(bob, "list?scope=" + scope).statusCode());
        assertTrue(get(bob, "scopes/list").body().contains(scope));
        assertError(post(bob, "put", Map.of("scope", scope, "key", "k", "string_value", "v")), 403, "PERMISSION_DENIED");
        assertError(get(bob, "acls/list?scope=" + scope), 403, "PERMISSION_DENIED");
        assertEquals(200, get(cluster(ACME, "bob", "analysts"), "get?scope=" + scope + "&key=token").statusCode(), "READ lets bob's cluster code read");
        assertError(get(cluster(ACME, "bob"), "get?scope=" + scope + "&key=token"), 404, "RESOURCE_DOES_NOT_EXIST");

        assertEquals(200, post(ada, "acls/put", Map.of("scope", scope, "principal", "bob", "permission", "WRITE")).statusCode());
        put(bob, scope, "k", "v");
        assertError(post(bob, "acls/put", Map.of("scope", scope, "principal", "bob", "permission", "MANAGE")), 403, "PERMISSION_DENIED");
        assertError(post(bob, "scopes/delete", Map.of("scope", scope)), 403, "PERMISSION_DENIED");

        HttpResponse<String> acls = get(ada, "acls/list?scope=" + scope);
        assertEquals(200, acls.statusCode());
        JsonNode items = JSON.readTree(acls.body()).get("items");
        assertEquals(3, items.size(), acls.body());
        HttpResponse<String> one = get(ada, "acls/get?scope=" + scope + "&principal=ada");
        assertEquals("MANAGE", JSON.readTree(one.body()).get("permission").asText());

        assertEquals(200, post(ada, "acls/delete", Map.of("scope", scope, "principal", "analysts")).statusCode());
        assertEquals(200, post(ada, "acls/delete", Map.of("scope", scope, "principal", "bob")).statusCode());
        assertError(get(bob, "list?scope=" + scope), 404, "RESOURCE_DOES_NOT_EXIST");
        assertError(get(cluster(ACME, "bob", "analysts"), "get?scope=" + scope + "&key=token"), 404, "RESOURCE_DOES_NOT_EXIST");

        // a tenant admin manages every scope
        Principal admin = user(ACME, "root", List.of("tenant-admin"), List.of());
        assertEquals(200, get(admin, "acls/list?scope=" + scope).statusCode());
        assertEquals(200, post(admin, "scopes/delete", Map.of("scope", scope)).statusCode());
        assertError(get(ada, "list?scope=" + scope), 404, "RESOURCE_DOES_NOT_EXIST");
        assertError(get(cluster(ACME, "ada"), "get?scope=" + scope + "&key=token"), 404, "RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void anotherTenantSeesNothingOfAScope() throws Exception {
        Principal ada = engineer("ada");
        String scope = scope();
        createScope(ada, scope);
        put(ada, scope, "k", "v");
        Principal globexAdmin = user(GLOBEX, "ada", List.of("tenant-admin"), List.of());
        assertFalse(get(globexAdmin, "scopes/list").body().contains(scope));
        assertError(get(globexAdmin, "list?scope=" + scope), 404, "RESOURCE_DOES_NOT_EXIST");
        assertError(post(globexAdmin, "scopes/delete", Map.of("scope", scope)), 404, "RESOURCE_DOES_NOT_EXIST");
        assertError(post(globexAdmin, "put", Map.of("scope", scope, "key", "k", "string_value", "overwritten")), 404, "RESOURCE_DOES_NOT_EXIST");
        // globex can have a scope of the same name without touching acme's
        createScope(globexAdmin, scope);
        assertEquals(200, get(cluster(ACME, "ada"), "get?scope=" + scope + "&key=k").statusCode());
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() throws Exception {
        Principal ada = engineer("ada");
        String scope = scope();
        createScope(ada, scope);
        put(ada, scope, "kept", "original");

        assertError(post(ada, "scopes/create", Map.of("scope", scope)), 409, "RESOURCE_ALREADY_EXISTS");
        assertError(post(ada, "scopes/create", Map.of("scope", "bad/name")), 400, "INVALID_PARAMETER_VALUE");
        assertError(post(ada, "scopes/create", Map.of("scope", "x".repeat(129))), 400, "INVALID_PARAMETER_VALUE");
        assertError(post(ada, "scopes/create", "{not json"), 400, "MALFORMED_REQUEST");
        assertError(post(ada, "put", Map.of("scope", scope, "key", "kept", "string_value", "a", "bytes_value", "YQ==")), 400, "INVALID_PARAMETER_VALUE");
        assertError(post(ada, "put", Map.of("scope", scope, "key", "kept", "bytes_value", "%%%")), 400, "INVALID_PARAMETER_VALUE");
        assertError(post(ada, "put", Map.of("scope", scope, "key", "kept", "string_value", "x".repeat(LIMITS.maxValueBytes() + 1))),
                400, "INVALID_PARAMETER_VALUE");
        assertError(post(ada, "put", Map.of("scope", scope, "key", "bad key", "string_value", "v")), 400, "INVALID_PARAMETER_VALUE");
        assertError(post(ada, "acls/put", Map.of("scope", scope, "principal", "bob", "permission", "OWNER")), 400, "INVALID_PARAMETER_VALUE");
        assertError(post(ada, "delete", Map.of("scope", scope, "key", "missing")), 404, "RESOURCE_DOES_NOT_EXIST");
        assertError(get(ada, "list"), 400, "INVALID_PARAMETER_VALUE");
        assertError(post(user(ACME, "vera", List.of("viewer"), List.of()), "scopes/create", Map.of("scope", scope())), 403, "PERMISSION_DENIED");

        HttpResponse<String> kept = get(cluster(ACME, "ada"), "get?scope=" + scope + "&key=kept");
        assertEquals("original", new String(Base64.getDecoder().decode(JSON.readTree(kept.body()).get("value").asText()), StandardCharsets.UTF_8));
        assertEquals(1, JSON.readTree(get(ada, "list?scope=" + scope).body()).get("secrets").size());
    }

    @Test
    void limitsHoldUnderConcurrentWriters() throws Exception {
        Principal ada = engineer("ada");
        String scope = scope();
        createScope(ada, scope);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> puts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String key = "key-" + i;
                puts.add(pool.submit((Callable<HttpResponse<String>>) () -> post(ada, "put", Map.of("scope", scope, "key", key, "string_value", "v"))));
            }
            int ok = 0;
            for (Future<HttpResponse<String>> put : puts) {
                HttpResponse<String> response = put.get(60, TimeUnit.SECONDS);
                if (response.statusCode() == 200) {
                    ok++;
                } else {
                    assertError(response, 400, "MAX_SECRETS_PER_SCOPE_EXCEEDED");
                }
            }
            assertEquals(LIMITS.maxSecretsPerScope(), ok);
            assertEquals(LIMITS.maxSecretsPerScope(), JSON.readTree(get(ada, "list?scope=" + scope).body()).get("secrets").size());
            // replacing an existing key is no new secret
            String existing = JSON.readTree(get(ada, "list?scope=" + scope).body()).get("secrets").get(0).get("key").asText();
            put(ada, scope, existing, "new");
        } finally {
            pool.shutdownNow();
        }

        Principal carol = user(INITECH, "carol", List.of("workspace-user"), List.of());
        int created = 0;
        for (int i = 0; i < LIMITS.maxScopes() + 2; i++) {
            HttpResponse<String> response = post(carol, "scopes/create", Map.of("scope", "many-" + i));
            if (response.statusCode() == 200) {
                created++;
            } else {
                assertError(response, 400, "MAX_SECRET_SCOPES_EXCEEDED");
            }
        }
        assertEquals(LIMITS.maxScopes(), created, "exactly the limit of scopes");
    }

    @Test
    void everyAccessIsAuditedWithoutTheValue() throws Exception {
        Principal ada = engineer("ada");
        String scope = scope();
        createScope(ada, scope);
        put(ada, scope, "audited", "value-that-must-not-be-logged");
        HttpResponse<String> denied = get(ada, "get?scope=" + scope + "&key=audited");
        HttpResponse<String> read = get(cluster(ACME, "ada"), "get?scope=" + scope + "&key=audited");
        String deniedId = denied.headers().firstValue("X-Request-Id").orElseThrow();
        String readId = read.headers().firstValue("X-Request-Id").orElseThrow();

        List<AuditEvent> events = audit.readAll().stream().map(OutboxEntry::event).toList();
        AuditEvent deniedEvent = events.stream().filter(e -> e.requestId().value().equals(deniedId)).findFirst().orElseThrow();
        assertEquals("secret.get", deniedEvent.action());
        assertEquals(Outcome.DENIED, deniedEvent.outcome());
        assertEquals(ACME, deniedEvent.tenantId());
        AuditEvent readEvent = events.stream().filter(e -> e.requestId().value().equals(readId)).findFirst().orElseThrow();
        assertEquals(Outcome.SUCCESS, readEvent.outcome());
        assertEquals("cluster-0412", readEvent.actor().id());
        assertEquals("secret", readEvent.dataTouched().get(0).type());
        assertEquals(scope + "/audited", readEvent.dataTouched().get(0).name());
        assertTrue(events.stream().anyMatch(e -> e.action().equals("secret.put") && e.outcome() == Outcome.SUCCESS));
        for (OutboxEntry entry : audit.readAll()) {
            assertFalse(JSON.writeValueAsString(entry.event()).contains("value-that-must-not-be-logged"));
        }
    }

    @Test
    void rotationRewrapsInTheBackgroundWhileReadsAndWritesGoOn() throws Exception {
        Principal rita = user(ROTATING, "rita", List.of("workspace-user"), List.of());
        JdbcSecretStore store = new JdbcSecretStore(metadata.transactions());
        SecretLimits roomy = new SecretLimits(10, 1000, 1024);
        SecretService service = new SecretService(store, keyvault.cipher(), roomy);
        service.createScope(rita, "rotating", null);
        int count = 60;
        for (int i = 0; i < count; i++) {
            service.putSecret(rita, "rotating", "k" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8));
        }
        int before = keyvault.keys().currentVersion(ROTATING);
        int after = keyvault.keys().rotate(ROTATING);
        assertEquals(before + 1, after);

        SecretRewrap rewrap = new SecretRewrap(store, keyvault.cipher(), keyvault.keys());
        SecretRewrap.Progress progress = rewrap.newProgress(ROTATING);
        ExecutorService background = Executors.newSingleThreadExecutor();
        Future<?> running = background.submit(() -> rewrap.run(ROTATING, progress));
        // meanwhile: cluster code reads every secret, and a writer replaces one value
        List<String> wrong = new ArrayList<>();
        int reads = 0;
        service.putSecret(rita, "rotating", "k7", "changed".getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!progress.done() || reads < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the rewrap did not finish within 60 s: " + progress);
            }
            int i = reads % count;
            HttpResponse<String> value = get(cluster(ROTATING, "rita"), "get?scope=rotating&key=k" + i);
            String expected = i == 7 ? "changed" : "value-" + i;
            if (value.statusCode() != 200
                    || !expected.equals(new String(Base64.getDecoder().decode(JSON.readTree(value.body()).get("value").asText()), StandardCharsets.UTF_8))) {
                wrong.add(i + ": " + value.statusCode());
            }
            reads++;
        }
        running.get(60, TimeUnit.SECONDS);
        background.shutdownNow();

        assertEquals(List.of(), wrong, "no read failed or answered a wrong value during the rewrap");
        // k7 was either put anew before the rewrap reached it (under the new version already) or changed under its feet
        assertEquals(count - 1, progress.rewrapped(), progress.toString());
        assertTrue(progress.changedMeanwhile() <= 1, progress.toString());
        assertEquals(0, progress.failed());
        assertEquals(List.of(), store.secretsBelowKeyVersion(ROTATING, after, 10), "everything is under the new version");
        assertEquals("changed", new String(service.getSecret(cluster(ROTATING, "rita"), "rotating", "k7"), StandardCharsets.UTF_8),
                "the value put during the rewrap is kept");
    }

    @Test
    void aCallWithoutTheInternalIdentityIsRefused() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/2.0/secrets/scopes/list"))
                .header("X-Tenant", "acme").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertError(response, 401, "UNAUTHENTICATED");
    }
}

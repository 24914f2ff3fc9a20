package io.lakeward.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.audit.client.outbox.FileAuditOutbox;
import io.lakeward.audit.client.outbox.FileAuditOutboxConfig;
import io.lakeward.audit.client.outbox.OutboxEntry;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.identity.InternalServiceKeys;
import io.lakeward.common.tenant.InMemoryTenantDirectory;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantStatus;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import io.lakeward.keyvault.tls.DevCertificateAuthority;
import io.lakeward.keyvault.tls.ServerCertificate;
import io.lakeward.metastore.token.PersonalAccessTokenStore;
import io.lakeward.testing.keycloak.TestingKeycloak;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway (TLS listener, route table, authentication, the durable audit outbox) in front
 * of a trivial loopback upstream, for tenants that are realms of the test JVM's real Keycloak.
 * The upstream answers 200 with what reached it, so tests can see what the gateway forwarded.
 */
public final class TestGateway implements AutoCloseable {
    public static final String BASE = TestingKeycloak.BASE_DOMAIN;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Vertx vertx;
    private final GatewayVerticle gateway;
    private final AuditOutbox outbox;
    private final PrometheusMeterRegistry metrics;
    private final HttpClient client;
    private final DevCertificateAuthority ca;
    private Path outboxDirectory;
    private int upstreamPort;
    private int upstreamTlsPort;

    /** The running gateway's route table. */
    public List<GatewayRoute> routeTable() {
        return gateway.routeTable();
    }

    private TestGateway(Vertx vertx, GatewayVerticle gateway, AuditOutbox outbox, PrometheusMeterRegistry metrics, HttpClient client,
                        DevCertificateAuthority ca) {
        this.vertx = vertx;
        this.gateway = gateway;
        this.outbox = outbox;
        this.metrics = metrics;
        this.client = client;
        this.ca = ca;
    }

    /** A gateway for the tenants of {@code realms} (host {@code <realm>.lakeward.localhost}), state under {@code state}. */
    public static TestGateway start(Path state, List<ProvisionedRealm> realms, GatewayConfig.TokenSettings tokens,
                                    PersonalAccessTokenStore personalTokens) throws Exception {
        TestingKeycloak keycloak = TestingKeycloak.get();
        return start(state, keycloak.certificateAuthority(), keycloak.serverUrl() + "/realms/", realms, tokens, personalTokens);
    }

    /** As {@link #start(Path, List, GatewayConfig.TokenSettings, PersonalAccessTokenStore)}, for realms of a Keycloak whose CA is {@code ca}. */
    public static TestGateway start(Path state, DevCertificateAuthority ca, String managedIssuerPrefix, List<ProvisionedRealm> realms,
                                    GatewayConfig.TokenSettings tokens, PersonalAccessTokenStore personalTokens) throws Exception {
        return start(state, ca, managedIssuerPrefix, realms, tokens, personalTokens, null);
    }

    /** As above, with the given audit outbox instead of a durable one under {@code state} (when not {@code null}). */
    public static TestGateway start(Path state, DevCertificateAuthority ca, String managedIssuerPrefix, List<ProvisionedRealm> realms,
                                    GatewayConfig.TokenSettings tokens, PersonalAccessTokenStore personalTokens, AuditOutbox auditOutbox)
            throws Exception {
        ServerCertificate certificate = ca.issueServerCertificate("gateway-" + UUID.randomUUID().toString().substring(0, 8), List.of(BASE, "*." + BASE));
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, 0, BASE, certificate.certificatePem(), certificate.privateKeyPem(),
                ca.caCertificatePem(), "lakeward-gateway", Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(10),
                new GatewayConfig.RateLimit(100_000, 100_000), new GatewayConfig.RateLimit(100_000, 100_000),
                managedIssuerPrefix, tokens, io.lakeward.gateway.edge.IpAccessRules.none(), GatewayConfig.defaultInstances());
        InMemoryTenantDirectory tenants = new InMemoryTenantDirectory(realms.stream().map(TestGateway::tenant).toList());
        Vertx vertx = Vertx.vertx();
        try {
            io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> answer = request -> request.response()
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonObject()
                            .put("path", request.path())
                            .put("internal_identity", request.getHeader("X-Lakeward-Internal-Identity") != null)
                            .put("authorization", request.getHeader("Authorization") != null)
                            .put("headers", new io.vertx.core.json.JsonArray(request.headers().names().stream()
                                    .map(name -> name.toLowerCase(java.util.Locale.ROOT)).sorted().toList()))
                            .encode());
            HttpServer upstream = vertx.createHttpServer().requestHandler(answer).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
            // the same upstream behind TLS, for comparisons with what a client reaching a service directly would pay
            HttpServer upstreamTls = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true)
                            .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(certificate.certificatePem().toString())
                                    .setKeyPath(certificate.privateKeyPem().toString())))
                    .requestHandler(answer).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
            AuditOutbox outbox = auditOutbox != null ? auditOutbox
                    : FileAuditOutbox.open(FileAuditOutboxConfig.defaults(state.resolve("audit-outbox")));
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            GatewayVerticle gateway = new GatewayVerticle(config, tenants, metrics,
                    // the trivial upstream answers for every internal service the route table names
                    Map.of("workspace-service", URI.create("http://127.0.0.1:" + upstream.actualPort()),
                            "audit", URI.create("http://127.0.0.1:" + upstream.actualPort())),
                    new InternalIdentitySigner(InternalServiceKeys.generate(List.of("workspace-service", "audit")), Duration.ofSeconds(30),
                            Clock.systemUTC()), outbox, personalTokens,
                    io.lakeward.gateway.session.TestBrowserLogins.withoutSignIn(Files.createDirectories(state.resolve("sign-in"))),
                    TestPolicyClients.embedded());
            gateway.deploy(vertx).await(30, TimeUnit.SECONDS);
            HttpClient client = HttpClient.newBuilder().sslContext(ca.sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
            TestGateway started = new TestGateway(vertx, gateway, outbox, metrics, client, ca);
            started.outboxDirectory = state.resolve("audit-outbox");
            started.upstreamPort = upstream.actualPort();
            started.upstreamTlsPort = upstreamTls.actualPort();
            return started;
        } catch (Exception e) {
            vertx.close().await(30, TimeUnit.SECONDS);
            throw e;
        }
    }

    public static Tenant tenant(ProvisionedRealm realm) {
        return new Tenant(TenantId.of(realm.realm()), realm.realm(), realm.realm() + "." + BASE, realm.issuer(), TenantStatus.ACTIVE);
    }

    public int port() {
        return gateway.publicPort();
    }

    public URI url(String tenant, String path) {
        return URI.create("https://" + tenant + "." + BASE + ":" + port() + path);
    }

    public HttpResponse<String> get(String tenant, String path, String bearer) throws IOException, InterruptedException {
        return send(tenant, "GET", path, bearer, null);
    }

    public HttpResponse<String> send(String tenant, String method, String path, String bearer, String jsonBody)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(tenant, path)).timeout(Duration.ofSeconds(20))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The loopback port of the trivial upstream the gateway forwards to. */
    /** The trivial upstream's TLS listener (the gateway's certificate), on loopback. */
    public int upstreamTlsPort() {
        return upstreamTlsPort;
    }

    public int upstreamPort() {
        return upstreamPort;
    }

    /** Where the gateway's audit outbox keeps its files. */
    public Path outboxDirectory() {
        return outboxDirectory;
    }

    public HttpClient client() {
        return client;
    }

    /** The durable audit events of the request that got {@code response} (by its {@code X-Request-Id}). */
    public List<AuditEvent> auditEventsOf(HttpResponse<?> response) {
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        List<AuditEvent> events = new ArrayList<>();
        for (OutboxEntry entry : outbox.readAll()) {
            if (entry.event().requestId().value().equals(requestId)) {
                events.add(entry.event());
            }
        }
        return events;
    }

    /** How many times the gateway fetched the JWKS of {@code tenant}'s issuer. */
    public double keyFetches(String tenant) {
        Counter counter = metrics.find("lakeward.gateway.jwks.fetches").tag("tenant", tenant).counter();
        return counter == null ? 0 : counter.count();
    }

    /** A client-credentials access token of the realm's automation service account, from Keycloak. */
    public static String serviceAccountToken(ProvisionedRealm realm) throws IOException, InterruptedException {
        return serviceAccountToken(realm, TestingKeycloak.get().certificateAuthority());
    }

    /** As {@link #serviceAccountToken(ProvisionedRealm)}, from a Keycloak whose CA is {@code ca}. */
    public static String serviceAccountToken(ProvisionedRealm realm, DevCertificateAuthority ca) throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + realm.automationClient().clientId()
                + "&client_secret=" + URLEncoder.encode(realm.automationClient().secret().reveal(), StandardCharsets.UTF_8);
        HttpClient client = HttpClient.newBuilder().sslContext(ca.sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(realm.tokenEndpoint())
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token endpoint answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).get("access_token").asText();
    }

    public static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
        outbox.close();
    }
}

package io.lakeward.gateway;

import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.tenant.TenantDirectory;
import io.lakeward.common.tls.PemTrust;
import io.lakeward.gateway.audit.RequestAudit;
import io.lakeward.gateway.auth.AccessTokenVerifier;
import io.lakeward.gateway.auth.BearerAuthentication;
import io.lakeward.gateway.auth.IssuerReadinessCheck;
import io.lakeward.gateway.auth.PersonalAccessTokenVerifier;
import io.lakeward.gateway.edge.RateLimiter;
import io.lakeward.gateway.edge.RateLimits;
import io.lakeward.gateway.proxy.UpstreamProxy;
import io.lakeward.gateway.tenant.TenantResolver;
import io.lakeward.gateway.token.TokenApi;
import io.lakeward.metastore.token.PersonalAccessTokenStore;
import io.lakeward.gateway.web.LandingPage;
import io.lakeward.service.OperationalRoutes;
import io.lakeward.service.ServiceRouters;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway process part: the public TLS listener (tenant by host, authentication, the route
 * table) and a loopback management listener (health, readiness, metrics).
 */
public final class GatewayVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
    /** Connections the gateway keeps to each internal service, on loopback. */
    private static final int UPSTREAM_CONNECTIONS = 128;

    private final GatewayConfig config;
    private final TenantDirectory tenants;
    private final PrometheusMeterRegistry metrics;
    private final Map<String, URI> upstreams;
    private final InternalIdentitySigner signer;
    private final AuditOutbox auditOutbox;
    private final PersonalAccessTokenStore personalTokenStore;
    private WorkerExecutor tokenWorkers;
    private WorkerExecutor databaseWorkers;
    private PersonalAccessTokenVerifier personalTokens;
    private HttpServer publicServer;
    private HttpServer managementServer;

    /**
     * @param upstreams the loopback base URL of every internal service, by service name
     * @param signer makes the internal identity assertion of each proxied request
     * @param auditOutbox where every public request's audit event goes before its answer
     * @param personalTokenStore where personal access tokens are kept (by hash)
     */
    public GatewayVerticle(GatewayConfig config, TenantDirectory tenants, PrometheusMeterRegistry metrics, Map<String, URI> upstreams,
                           InternalIdentitySigner signer, AuditOutbox auditOutbox, PersonalAccessTokenStore personalTokenStore) {
        this.config = config;
        this.tenants = tenants;
        this.metrics = metrics;
        this.upstreams = Map.copyOf(upstreams);
        this.signer = signer;
        this.auditOutbox = auditOutbox;
        this.personalTokenStore = personalTokenStore;
    }

    @Override
    public Future<?> start() {
        tokenWorkers = vertx.createSharedWorkerExecutor("lakeward-gateway-token-verification", 4);
        WebClient identityProvider = WebClient.create(vertx, new WebClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(config.identityProviderTrustPem().toString()))
                .setConnectTimeout((int) config.identityProviderTimeout().toMillis()));
        // bearer tokens: access tokens verified with the issuers' keys, personal access tokens by hash
        databaseWorkers = vertx.createSharedWorkerExecutor("lakeward-gateway-metastore", 4);
        GatewayConfig.TokenSettings tokens = config.tokens();
        AccessTokenVerifier verifier = new AccessTokenVerifier(tenants, new AccessTokenVerifier.Settings(config.audience(), config.clockSkew(),
                tokens.cacheTtl(), tokens.cacheSize(), tokens.keysCacheTtl(), tokens.keysRefetchInterval(), tokens.keysOutageTolerance()),
                config.identityProviderTimeout(), sslSocketFactory(), metrics, Clock.systemUTC());
        personalTokens = new PersonalAccessTokenVerifier(personalTokenStore, tokens.personalTokenCacheTtl(), tokens.cacheSize(),
                Clock.systemUTC());
        vertx.setPeriodic(tokens.personalTokenLastUseFlush().toMillis(), timer -> flushLastUse());
        OperationalRoutes operational = new OperationalRoutes(vertx, "gateway",
                List.of(new IssuerReadinessCheck(tenants, identityProvider, config.identityProviderTimeout(), config.managedIssuerPrefix())));

        Router publicRouter = ServiceRouters.base(vertx);
        operational.mountHealth(publicRouter);
        RequestAudit audit = new RequestAudit(auditOutbox);
        audit.install(publicRouter);
        TenantResolver tenantResolver = new TenantResolver(tenants);
        BearerAuthentication authentication = new BearerAuthentication(verifier, personalTokens, tokenWorkers, databaseWorkers);
        TokenApi tokenApi = new TokenApi(personalTokenStore, personalTokens, new SecureRandom(), databaseWorkers, audit, tokens,
                Clock.systemUTC());
        // loopback connections to the services: Vert.x's default of 5 per service made every proxied
        // request queue for a connection under concurrency (measured: about 390 req/s at 32 clients)
        UpstreamProxy proxy = new UpstreamProxy(vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.upstreamTimeout().toMillis()), new PoolOptions().setHttp1MaxSize(UPSTREAM_CONNECTIONS)),
                upstreams, signer, config.upstreamTimeout(), audit);
        RateLimits limits = new RateLimits(
                new RateLimiter(config.tenantRateLimit().perSecond(), config.tenantRateLimit().burst(), Clock.systemUTC()),
                new RateLimiter(config.principalRateLimit().perSecond(), config.principalRateLimit().burst(), Clock.systemUTC()));
        for (GatewayRoute route : routes(proxy, audit, tokenApi)) {
            var entry = publicRouter.route(route.method(), route.path())
                    .handler(context -> RequestAudit.declare(context, route.action()))
                    .handler(tenantResolver::handle).handler(limits::tenant);
            if (route.authenticated()) {
                entry.handler(authentication::handle).handler(limits::principal);
            }
            entry.handler(route.handler());
        }

        Router managementRouter = ServiceRouters.base(vertx);
        operational.mountHealth(managementRouter);
        operational.mountMetrics(managementRouter, metrics);

        HttpServerOptions tls = new HttpServerOptions()
                .setHost(config.bindHost())
                .setPort(config.port())
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(config.certificatePem().toString())
                        .setKeyPath(config.privateKeyPem().toString()))
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.3", "TLSv1.2"))
                .setMaxHeaderSize(16 * 1024)
                .setMaxInitialLineLength(8 * 1024);
        return vertx.createHttpServer(tls).requestHandler(publicRouter).listen()
                .compose(server -> {
                    publicServer = server;
                    return ServiceRouters.listenOnLoopback(vertx, managementRouter, config.managementPort());
                })
                .onSuccess(server -> {
                    managementServer = server;
                    LOG.info("gateway listening on https://{}:{} (management on 127.0.0.1:{})",
                            config.bindHost(), publicServer.actualPort(), server.actualPort());
                });
    }

    @Override
    public Future<?> stop() {
        Future<?> flushed = databaseWorkers == null ? Future.succeededFuture() : flushLastUse();
        return flushed.eventually(() -> Future.all(
                tokenWorkers == null ? Future.succeededFuture() : tokenWorkers.close(),
                databaseWorkers == null ? Future.succeededFuture() : databaseWorkers.close()));
    }

    /** Writes the personal access tokens' last-use times gathered since the previous flush. */
    private Future<Void> flushLastUse() {
        return databaseWorkers.executeBlocking(() -> {
            personalTokens.flushLastUse();
            return null;
        }, false);
    }

    /** The port the public listener is bound to (useful when configured as 0). */
    public int publicPort() {
        return publicServer.actualPort();
    }

    public int managementPort() {
        return managementServer.actualPort();
    }

    /** The route table: every public path, its action and whether it needs a credential. */
    static List<GatewayRoute> routes(UpstreamProxy proxy, RequestAudit audit, TokenApi tokenApi) {
        return List.of(
                new GatewayRoute(HttpMethod.GET, "/", "workspace.view", false, LandingPage.handler(audit)),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/preview/scim/v2/Me", "identity.read_self", true, proxy.to("workspace-service")),
                // personal access tokens (Databricks token API and token management)
                new GatewayRoute(HttpMethod.POST, "/api/2.0/token/create", "token.create", true, tokenApi.create()),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/token/list", "token.list", true, tokenApi.list()),
                new GatewayRoute(HttpMethod.POST, "/api/2.0/token/delete", "token.delete", true, tokenApi.delete()),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/token-management/tokens", "token_management.list", true, tokenApi.managementList()),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/token-management/tokens/:token_id", "token_management.read", true,
                        tokenApi.managementGet()),
                new GatewayRoute(HttpMethod.DELETE, "/api/2.0/token-management/tokens/:token_id", "token_management.delete", true,
                        tokenApi.managementDelete()));
    }

    private javax.net.ssl.SSLSocketFactory sslSocketFactory() {
        try {
            return PemTrust.sslContext(config.identityProviderTrustPem()).getSocketFactory();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the identity provider trust anchors", e);
        }
    }
}

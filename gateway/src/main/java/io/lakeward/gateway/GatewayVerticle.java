package io.lakeward.gateway;

import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.tenant.TenantDirectory;
import io.lakeward.common.tls.PemTrust;
import io.lakeward.gateway.audit.RequestAudit;
import io.lakeward.gateway.auth.AccessTokenVerifier;
import io.lakeward.gateway.auth.BearerAuthentication;
import io.lakeward.gateway.auth.IssuerReadinessCheck;
import io.lakeward.gateway.auth.OwnerStanding;
import io.lakeward.gateway.auth.PersonalAccessTokenVerifier;
import io.lakeward.gateway.auth.WorkspaceOwnerStanding;
import io.lakeward.gateway.edge.RateLimiter;
import io.lakeward.gateway.edge.RateLimits;
import io.lakeward.gateway.policy.PolicyEnforcement;
import io.lakeward.gateway.proxy.UpstreamProxy;
import io.lakeward.gateway.session.BrowserLogin;
import io.lakeward.gateway.session.SessionAuthentication;
import io.lakeward.gateway.tenant.TenantResolver;
import io.lakeward.gateway.token.TokenApi;
import io.lakeward.metastore.token.PersonalAccessTokenStore;
import io.lakeward.gateway.web.LandingPage;
import io.lakeward.policy.client.PolicyClient;
import io.lakeward.service.OperationalRoutes;
import io.lakeward.service.ServiceRouters;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
    private final BrowserLogin browserLogin;
    private final PolicyClient policy;
    private final SharedParts parts;
    /** Whether this is the instance the caller made (not a further one): it owns the management listener and closes the parts. */
    private boolean managesParts;
    private HttpServer publicServer;
    private HttpServer managementServer;
    private volatile List<GatewayRoute> routeTable = List.of();

    /**
     * @param upstreams the loopback base URL of every internal service, by service name
     * @param signer makes the internal identity assertion of each proxied request
     * @param auditOutbox where every public request's audit event goes before its answer
     * @param personalTokenStore where personal access tokens are kept (by hash)
     * @param browserLogin the session store, cipher and login clients of browser sign-in
     * @param policy decides every authenticated route's declared action (the coarse decision)
     */
    public GatewayVerticle(GatewayConfig config, TenantDirectory tenants, PrometheusMeterRegistry metrics, Map<String, URI> upstreams,
                           InternalIdentitySigner signer, AuditOutbox auditOutbox, PersonalAccessTokenStore personalTokenStore,
                           BrowserLogin browserLogin, PolicyClient policy) {
        this(config, tenants, metrics, upstreams, signer, auditOutbox, personalTokenStore, browserLogin, policy, new SharedParts());
        this.managesParts = true;
    }

    /** A further instance of {@code first}: the same listener, sharing the components it builds. */
    private GatewayVerticle(GatewayVerticle first) {
        this(first.config, first.tenants, first.metrics, first.upstreams, first.signer, first.auditOutbox, first.personalTokenStore,
                first.browserLogin, first.policy, first.parts);
    }

    private GatewayVerticle(GatewayConfig config, TenantDirectory tenants, PrometheusMeterRegistry metrics, Map<String, URI> upstreams,
                            InternalIdentitySigner signer, AuditOutbox auditOutbox, PersonalAccessTokenStore personalTokenStore,
                            BrowserLogin browserLogin, PolicyClient policy, SharedParts parts) {
        this.config = config;
        this.tenants = tenants;
        this.metrics = metrics;
        this.upstreams = Map.copyOf(upstreams);
        this.signer = signer;
        this.auditOutbox = auditOutbox;
        this.personalTokenStore = personalTokenStore;
        this.browserLogin = browserLogin;
        this.policy = policy;
        this.parts = parts;
    }

    /**
     * Deploys this gateway as {@link GatewayConfig#instances()} instances in one deployment, each on
     * an event loop of its own: this one (which owns the management listener and reports the port)
     * and further ones sharing its components. They listen on the same address; Vert.x binds it once
     * (a configured port 0 becomes one port for the whole deployment) and spreads the accepted
     * connections over them. Deploying this verticle directly runs one instance.
     */
    public Future<GatewayVerticle> deploy(Vertx vertx) {
        java.util.concurrent.atomic.AtomicBoolean firstTaken = new java.util.concurrent.atomic.AtomicBoolean();
        // built here, before any instance starts: the shared worker pools then belong to the gateway, not to whichever
        // instance happens to start first (Vert.x closes a pool made in a verticle when that verticle is undeployed)
        parts.get(() -> buildShared(vertx));
        return vertx.deployVerticle(() -> firstTaken.compareAndSet(false, true) ? this : new GatewayVerticle(this),
                new DeploymentOptions().setInstances(config.instances())).map(this);
    }

    @Override
    public Future<?> start() {
        Shared parts = this.parts.get(() -> buildShared(vertx));
        if (managesParts) {
            vertx.setPeriodic(config.tokens().personalTokenLastUseFlush().toMillis(), timer -> flushLastUse());
        }
        Router publicRouter = ServiceRouters.base(vertx);
        parts.operational().mountHealth(publicRouter);
        parts.audit().install(publicRouter);
        TenantResolver tenantResolver = new TenantResolver(tenants);
        // loopback connections to the services: Vert.x's default of 5 per service made every proxied
        // request queue for a connection under concurrency (measured: about 390 req/s at 32 clients)
        UpstreamProxy proxy = new UpstreamProxy(vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.upstreamTimeout().toMillis()), new PoolOptions().setHttp1MaxSize(UPSTREAM_CONNECTIONS)),
                upstreams, signer, config.upstreamTimeout(), parts.audit());
        routeTable = routes(proxy, parts.audit(), parts.tokenApi(), parts.signIn());
        for (GatewayRoute route : routeTable) {
            var entry = publicRouter.route(route.method(), route.path())
                    .handler(context -> RequestAudit.declare(context, route.action()))
                    .handler(tenantResolver::handle).handler(config.ipAccess()::check).handler(parts.limits()::tenant);
            if (route.authenticated()) {
                // a session cookie without an Authorization header authenticates by the browser session
                entry.handler(context -> {
                    if (SessionAuthentication.appliesTo(context)) {
                        parts.signIn().authentication().handle(context);
                    } else {
                        parts.authentication().handle(context);
                    }
                }).handler(parts.limits()::principal);
                // --- policy decision (coarse: the declared action and the principal's roles) ---
                entry.handler(parts.enforcement()::handle);
            }
            entry.handler(route.handler());
        }

        HttpServerOptions tls = new HttpServerOptions()
                .setHost(config.bindHost())
                .setPort(config.port() == 0 ? this.parts.randomPortKey : config.port())
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(config.certificatePem().toString())
                        .setKeyPath(config.privateKeyPem().toString()))
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.3", "TLSv1.2"))
                .setMaxHeaderSize(16 * 1024)
                .setMaxInitialLineLength(8 * 1024);
        Future<HttpServer> listening = vertx.createHttpServer(tls).requestHandler(publicRouter).listen()
                .onSuccess(server -> publicServer = server);
        if (!managesParts) {
            return listening;
        }
        Router managementRouter = ServiceRouters.base(vertx);
        parts.operational().mountHealth(managementRouter);
        parts.operational().mountMetrics(managementRouter, metrics);
        return listening
                .compose(server -> ServiceRouters.listenOnLoopback(vertx, managementRouter, config.managementPort()))
                .onSuccess(server -> {
                    managementServer = server;
                    LOG.info("gateway listening on https://{}:{} with {} instance(s) (management on 127.0.0.1:{})",
                            config.bindHost(), publicServer.actualPort(), config.instances(), server.actualPort());
                });
    }

    /**
     * The components every instance shares, built once before the instances start ({@link #deploy}; or by
     * the one instance when this verticle is deployed directly): token verification and its caches,
     * personal access tokens and their last-use times, browser sign-in, the rate limits (so a limit
     * holds per gateway process, not per event loop), the policy decision and the request audit.
     */
    private Shared buildShared(Vertx vertx) {
        WorkerExecutor tokenWorkers = vertx.createSharedWorkerExecutor("lakeward-gateway-token-verification", 4);
        WebClient identityProvider = WebClient.create(vertx, new WebClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(config.identityProviderTrustPem().toString()))
                .setConnectTimeout((int) config.identityProviderTimeout().toMillis()));
        // bearer tokens: access tokens verified with the issuers' keys, personal access tokens by hash
        WorkerExecutor databaseWorkers = vertx.createSharedWorkerExecutor("lakeward-gateway-metastore", 4);
        GatewayConfig.TokenSettings tokens = config.tokens();
        AccessTokenVerifier verifier = new AccessTokenVerifier(tenants, new AccessTokenVerifier.Settings(config.audience(), config.clockSkew(),
                tokens.cacheTtl(), tokens.cacheSize(), tokens.keysCacheTtl(), tokens.keysRefetchInterval(), tokens.keysOutageTolerance(),
                tokens.algorithms()),
                config.identityProviderTimeout(), sslSocketFactory(), metrics, Clock.systemUTC());
        // a token's owner is looked up in the identity directory, which the workspace-service holds
        OwnerStanding owners = upstreams.containsKey("workspace-service")
                ? new WorkspaceOwnerStanding(upstreams.get("workspace-service"), signer, config.identityProviderTimeout())
                : OwnerStanding.unknown();
        PersonalAccessTokenVerifier personalTokens = new PersonalAccessTokenVerifier(personalTokenStore, owners, tokens.personalTokenCacheTtl(),
                tokens.cacheSize(), Clock.systemUTC());
        OperationalRoutes operational = new OperationalRoutes(vertx, "gateway",
                List.of(new IssuerReadinessCheck(tenants, identityProvider, config.identityProviderTimeout(), config.managedIssuerPrefix())));
        RequestAudit audit = new RequestAudit(auditOutbox);
        BearerAuthentication authentication = new BearerAuthentication(verifier, personalTokens, tokenWorkers, databaseWorkers);
        TokenApi tokenApi = new TokenApi(personalTokenStore, personalTokens, new SecureRandom(), databaseWorkers, audit, tokens,
                Clock.systemUTC());
        BrowserLogin.Mounted signIn = browserLogin.mount(tenants, verifier, tokenWorkers, audit, sslContext(),
                config.identityProviderTimeout(), config.clockSkew(), tokens.algorithms());
        RateLimits limits = new RateLimits(
                new RateLimiter(config.tenantRateLimit().perSecond(), config.tenantRateLimit().burst(), Clock.systemUTC()),
                new RateLimiter(config.principalRateLimit().perSecond(), config.principalRateLimit().burst(), Clock.systemUTC()));
        PolicyEnforcement enforcement = new PolicyEnforcement(policy, Clock.systemUTC());
        return new Shared(tokenWorkers, databaseWorkers, personalTokens, operational, audit, authentication, tokenApi, signIn, limits,
                enforcement);
    }

    /** The components of one gateway, built once. */
    private static final class SharedParts {
        private static final java.util.concurrent.atomic.AtomicInteger RANDOM_PORTS = new java.util.concurrent.atomic.AtomicInteger();
        /**
         * For a configured port 0: Vert.x binds every listener asking for the same negative port to
         * one random port and shares it (port 0 itself would give each instance a port of its own).
         */
        final int randomPortKey = -(1 + RANDOM_PORTS.getAndIncrement() % 65_535);
        private Shared shared; // guarded by this

        synchronized Shared get(java.util.function.Supplier<Shared> build) {
            if (shared == null) {
                shared = build.get();
            }
            return shared;
        }

        synchronized Shared built() {
            return shared;
        }
    }

    /** What the instances of one gateway share (see {@link #buildShared}). */
    private record Shared(WorkerExecutor tokenWorkers, WorkerExecutor databaseWorkers, PersonalAccessTokenVerifier personalTokens,
                          OperationalRoutes operational, RequestAudit audit, BearerAuthentication authentication, TokenApi tokenApi,
                          BrowserLogin.Mounted signIn, RateLimits limits, PolicyEnforcement enforcement) {
    }

    @Override
    public Future<?> stop() {
        Shared parts = this.parts.built();
        if (!managesParts || parts == null) {
            return Future.succeededFuture(); // a further instance: the one the caller made closes the shared parts
        }
        // last use is advisory: a failed flush must not keep the gateway from stopping
        return flushLastUse().otherwiseEmpty().eventually(() -> Future.all(parts.tokenWorkers().close(), parts.databaseWorkers().close()));
    }

    /**
     * Writes the personal access tokens' last-use times gathered since the previous flush. When
     * Vert.x is closing, its worker pools may already be shut: the flush then fails, and the times
     * gathered since the previous flush are lost (last use is advisory); it never throws.
     */
    private Future<Void> flushLastUse() {
        Shared parts = this.parts.built();
        try {
            return parts.databaseWorkers().executeBlocking(() -> {
                parts.personalTokens().flushLastUse();
                return null;
            }, false);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.info("last use of personal access tokens not written: the worker pool is closed");
            return Future.failedFuture(e);
        }
    }

    /** The port the public listener is bound to (useful when configured as 0). */
    public int publicPort() {
        return publicServer.actualPort();
    }

    public int managementPort() {
        return managementServer.actualPort();
    }

    /** The route table this gateway serves (empty before it started): every public method, path and action. */
    public List<GatewayRoute> routeTable() {
        return routeTable;
    }

    /** The route table: every public path, its action and whether it needs a credential. */
    static List<GatewayRoute> routes(UpstreamProxy proxy, RequestAudit audit, TokenApi tokenApi, BrowserLogin.Mounted signIn) {
        var landing = LandingPage.handler(audit);
        List<GatewayRoute> routes = new java.util.ArrayList<>(List.of(
                new GatewayRoute(HttpMethod.GET, "/", "workspace.view", false, context -> signIn.authentication().optional(context, landing)),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/preview/scim/v2/Me", "identity.read_self", true, proxy.to("workspace-service")),
                // secrets (Databricks secrets API 2.0); values are answered only to cluster code, never to a token the gateway verified
                new GatewayRoute(HttpMethod.POST, "/api/2.0/secrets/scopes/create", "secret_scope.create", true, proxy.to("workspace-service")),
                new GatewayRoute(HttpMethod.POST, "/api/2.0/secrets/scopes/delete", "secret_scope.delete", true, proxy.to("workspace-service")),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/secrets/scopes/list", "secret_scope.list", true, proxy.to("workspace-service")),
                new GatewayRoute(HttpMethod.POST, "/api/2.0/secrets/put", "secret.put", true, proxy.to("workspace-service")),
                new GatewayRoute(HttpMethod.POST, "/api/2.0/secrets/delete", "secret.delete", true, proxy.to("workspace-service")),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/secrets/list", "secret.list", true, proxy.to("workspace-service")),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/secrets/get", "secret.get", true, proxy.to("workspace-service")),
                new GatewayRoute(HttpMethod.POST, "/api/2.0/secrets/acls/put", "secret_acl.put", true, proxy.to("workspace-service")),
                new GatewayRoute(HttpMethod.POST, "/api/2.0/secrets/acls/delete", "secret_acl.delete", true, proxy.to("workspace-service")),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/secrets/acls/get", "secret_acl.get", true, proxy.to("workspace-service")),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/secrets/acls/list", "secret_acl.list", true, proxy.to("workspace-service")),
                // the audit log: query, the caller's own history, exports (the audit service decides per request)
                new GatewayRoute(HttpMethod.GET, "/api/2.0/audit/events", "audit.read", true, proxy.to("audit")),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/audit/my-access", "audit.read_own", true, proxy.to("audit")),
                new GatewayRoute(HttpMethod.POST, "/api/2.0/audit/exports", "audit.export", true, proxy.to("audit")),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/audit/exports/:export_id", "audit.export", true, proxy.to("audit")),
                // personal access tokens (Databricks token API and token management)
                new GatewayRoute(HttpMethod.POST, "/api/2.0/token/create", "token.create", true, tokenApi.create()),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/token/list", "token.list", true, tokenApi.list()),
                new GatewayRoute(HttpMethod.POST, "/api/2.0/token/delete", "token.delete", true, tokenApi.delete()),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/token-management/tokens", "token_management.list", true, tokenApi.managementList()),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/token-management/tokens/:token_id", "token_management.read", true,
                        tokenApi.managementGet()),
                new GatewayRoute(HttpMethod.DELETE, "/api/2.0/token-management/tokens/:token_id", "token_management.delete", true,
                        tokenApi.managementDelete())));
        routes.addAll(policyRoutes(proxy));
        routes.addAll(signIn.routes().routes());
        return List.copyOf(routes);
    }

    /** The admin policy API and group and role membership, answered by the workspace-service. */
    static List<GatewayRoute> policyRoutes(UpstreamProxy proxy) {
        var workspace = proxy.to("workspace-service");
        String policies = "/api/2.0/policies";
        String scim = "/api/2.0/preview/scim/v2";
        return List.of(
                new GatewayRoute(HttpMethod.GET, policies, "policy.read", true, workspace),
                new GatewayRoute(HttpMethod.GET, policies + "/grants", "policy.read", true, workspace),
                new GatewayRoute(HttpMethod.POST, policies + "/grants", "policy.update", true, workspace),
                new GatewayRoute(HttpMethod.POST, policies + "/grants/delete", "policy.update", true, workspace),
                new GatewayRoute(HttpMethod.GET, policies + "/row-filters", "policy.read", true, workspace),
                new GatewayRoute(HttpMethod.PUT, policies + "/row-filters", "policy.update", true, workspace),
                new GatewayRoute(HttpMethod.POST, policies + "/row-filters/delete", "policy.update", true, workspace),
                new GatewayRoute(HttpMethod.GET, policies + "/column-tags", "policy.read", true, workspace),
                new GatewayRoute(HttpMethod.POST, policies + "/column-tags", "policy.update", true, workspace),
                new GatewayRoute(HttpMethod.POST, policies + "/column-tags/delete", "policy.update", true, workspace),
                new GatewayRoute(HttpMethod.GET, policies + "/masks", "policy.read", true, workspace),
                new GatewayRoute(HttpMethod.PUT, policies + "/masks", "policy.update", true, workspace),
                new GatewayRoute(HttpMethod.POST, policies + "/masks/delete", "policy.update", true, workspace),
                new GatewayRoute(HttpMethod.GET, policies + "/history", "policy.read", true, workspace),
                new GatewayRoute(HttpMethod.POST, policies + "/rollback", "policy.update", true, workspace),
                new GatewayRoute(HttpMethod.POST, policies + "/simulate", "policy.simulate", true, workspace),
                new GatewayRoute(HttpMethod.GET, scim + "/Groups", "group.read", true, workspace),
                new GatewayRoute(HttpMethod.GET, scim + "/Groups/:group", "group.read", true, workspace),
                new GatewayRoute(HttpMethod.PATCH, scim + "/Groups/:group", "group.update", true, workspace),
                new GatewayRoute(HttpMethod.PATCH, scim + "/Users/:user", "group.update", true, workspace));
    }

    private javax.net.ssl.SSLSocketFactory sslSocketFactory() {
        return sslContext().getSocketFactory();
    }

    private javax.net.ssl.SSLContext sslContext() {
        try {
            return PemTrust.sslContext(config.identityProviderTrustPem());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the identity provider trust anchors", e);
        }
    }
}

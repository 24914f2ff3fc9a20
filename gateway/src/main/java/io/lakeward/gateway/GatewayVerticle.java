package io.lakeward.gateway;

import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.tenant.TenantDirectory;
import io.lakeward.common.tls.PemTrust;
import io.lakeward.gateway.audit.RequestAudit;
import io.lakeward.gateway.auth.AccessTokenVerifier;
import io.lakeward.gateway.auth.BearerAuthentication;
import io.lakeward.gateway.auth.IssuerReadinessCheck;
import io.lakeward.gateway.edge.RateLimiter;
import io.lakeward.gateway.edge.RateLimits;
import io.lakeward.gateway.policy.PolicyEnforcement;
import io.lakeward.gateway.proxy.UpstreamProxy;
import io.lakeward.gateway.tenant.TenantResolver;
import io.lakeward.gateway.web.LandingPage;
import io.lakeward.policy.client.PolicyClient;
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
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
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

    private final GatewayConfig config;
    private final TenantDirectory tenants;
    private final PrometheusMeterRegistry metrics;
    private final Map<String, URI> upstreams;
    private final InternalIdentitySigner signer;
    private final AuditOutbox auditOutbox;
    private final PolicyClient policy;
    private WorkerExecutor tokenWorkers;
    private HttpServer publicServer;
    private HttpServer managementServer;

    /**
     * @param upstreams the loopback base URL of every internal service, by service name
     * @param signer makes the internal identity assertion of each proxied request
     * @param auditOutbox where every public request's audit event goes before its answer
     * @param policy decides every authenticated route's declared action (the coarse decision)
     */
    public GatewayVerticle(GatewayConfig config, TenantDirectory tenants, PrometheusMeterRegistry metrics, Map<String, URI> upstreams,
                           InternalIdentitySigner signer, AuditOutbox auditOutbox, PolicyClient policy) {
        this.config = config;
        this.tenants = tenants;
        this.metrics = metrics;
        this.upstreams = Map.copyOf(upstreams);
        this.signer = signer;
        this.auditOutbox = auditOutbox;
        this.policy = policy;
    }

    @Override
    public Future<?> start() {
        tokenWorkers = vertx.createSharedWorkerExecutor("lakeward-gateway-token-verification", 4);
        WebClient identityProvider = WebClient.create(vertx, new WebClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(config.identityProviderTrustPem().toString()))
                .setConnectTimeout((int) config.identityProviderTimeout().toMillis()));
        AccessTokenVerifier verifier = new AccessTokenVerifier(tenants, config.audience(), config.clockSkew(),
                config.identityProviderTimeout(), sslSocketFactory());
        OperationalRoutes operational = new OperationalRoutes(vertx, "gateway",
                List.of(new IssuerReadinessCheck(tenants, identityProvider, config.identityProviderTimeout(), config.managedIssuerPrefix())));

        Router publicRouter = ServiceRouters.base(vertx);
        operational.mountHealth(publicRouter);
        RequestAudit audit = new RequestAudit(auditOutbox);
        audit.install(publicRouter);
        TenantResolver tenantResolver = new TenantResolver(tenants);
        BearerAuthentication authentication = new BearerAuthentication(verifier, tokenWorkers);
        UpstreamProxy proxy = new UpstreamProxy(vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.upstreamTimeout().toMillis())), upstreams, signer, config.upstreamTimeout(), audit);
        RateLimits limits = new RateLimits(
                new RateLimiter(config.tenantRateLimit().perSecond(), config.tenantRateLimit().burst(), Clock.systemUTC()),
                new RateLimiter(config.principalRateLimit().perSecond(), config.principalRateLimit().burst(), Clock.systemUTC()));
        PolicyEnforcement enforcement = new PolicyEnforcement(policy, Clock.systemUTC());
        for (GatewayRoute route : routes(proxy, audit)) {
            var entry = publicRouter.route(route.method(), route.path())
                    .handler(context -> RequestAudit.declare(context, route.action()))
                    .handler(tenantResolver::handle).handler(limits::tenant);
            if (route.authenticated()) {
                entry.handler(authentication::handle).handler(limits::principal);
                // --- policy decision (coarse: the declared action and the principal's roles) ---
                entry.handler(enforcement::handle);
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
        return tokenWorkers == null ? Future.succeededFuture() : tokenWorkers.close();
    }

    /** The port the public listener is bound to (useful when configured as 0). */
    public int publicPort() {
        return publicServer.actualPort();
    }

    public int managementPort() {
        return managementServer.actualPort();
    }

    /** The route table: every public path, its action and whether it needs a credential. */
    static List<GatewayRoute> routes(UpstreamProxy proxy, RequestAudit audit) {
        List<GatewayRoute> routes = new java.util.ArrayList<>(List.of(
                new GatewayRoute(HttpMethod.GET, "/", "workspace.view", false, LandingPage.handler(audit)),
                new GatewayRoute(HttpMethod.GET, "/api/2.0/preview/scim/v2/Me", "identity.read_self", true, proxy.to("workspace-service"))));
        routes.addAll(policyRoutes(proxy));
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
        try {
            return PemTrust.sslContext(config.identityProviderTrustPem()).getSocketFactory();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the identity provider trust anchors", e);
        }
    }
}

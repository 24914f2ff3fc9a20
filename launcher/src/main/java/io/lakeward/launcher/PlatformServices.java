package io.lakeward.launcher;

import io.lakeward.audit.AuditVerticle;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.shipping.AuditIngestToken;
import io.lakeward.audit.service.AuditService;
import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.common.identity.InternalServiceKeys;
import io.lakeward.common.tenant.TenantDirectory;
import io.lakeward.compute.ComputeVerticle;
import io.lakeward.gateway.GatewayVerticle;
import io.lakeward.keyvault.Keyvault;
import io.lakeward.keyvault.api.KeyvaultVerticle;
import io.lakeward.metastore.Transactions;
import io.lakeward.metastore.secret.JdbcSecretStore;
import io.lakeward.workspace.secret.SecretLimits;
import io.lakeward.workspace.secret.SecretService;
import io.lakeward.metastore.token.PersonalAccessTokenStore;
import io.lakeward.gateway.session.BrowserLogin;
import io.lakeward.policy.client.PolicyClient;
import io.lakeward.service.ReadinessCheck;
import io.lakeward.workspace.WorkspaceVerticle;
import io.lakeward.workspace.policy.PolicyAdminService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every service of the platform in this JVM: one Vert.x instance with Prometheus metrics, the
 * gateway and the internal services deployed on it. Used by {@code lakeward up} and by tests that
 * need the whole platform.
 */
public final class PlatformServices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformServices.class);

    private final Vertx vertx;
    private final GatewayVerticle gateway;
    private final WorkspaceVerticle workspace;
    private final ComputeVerticle compute;
    private final AuditVerticle audit;
    private final KeyvaultVerticle keyvault;
    private final Map<String, URI> upstreams;

    /**
     * What the services keep their data with, opened by the composition root before them.
     *
     * @param keyvaultAudit the keyvault API's audit outbox
     * @param workspaceAudit the workspace-service's audit outbox (secret access)
     */
    public record Backends(Keyvault keyvault, Transactions metadata, AuditOutbox keyvaultAudit, AuditOutbox workspaceAudit,
                           AuditService auditService, PersonalAccessTokenStore personalTokens,
                           BrowserLogin browserLogin, Policies policies) {
    }

    private PlatformServices(Vertx vertx, GatewayVerticle gateway, WorkspaceVerticle workspace, ComputeVerticle compute, AuditVerticle audit,
                             KeyvaultVerticle keyvault, Map<String, URI> upstreams) {
        this.keyvault = keyvault;
        this.vertx = vertx;
        this.gateway = gateway;
        this.workspace = workspace;
        this.compute = compute;
        this.audit = audit;
        this.upstreams = upstreams;
    }

    /** The internal services, each with a key of its own for the gateway's assertions. */
    public static final List<String> INTERNAL_SERVICES = List.of("workspace-service", "compute", "audit");
    /** The services whose outboxes ship to the audit service, each under a key of its own. */
    public static final List<PlatformService> AUDIT_SHIPPERS = List.of(PlatformService.GATEWAY, PlatformService.WORKSPACE_SERVICE, PlatformService.KEYVAULT);

    /** Every internal key the platform needs: the services' and the audit shippers'. */
    public static List<String> internalKeyNames() {
        List<String> names = new java.util.ArrayList<>(INTERNAL_SERVICES);
        AUDIT_SHIPPERS.forEach(service -> names.add(AuditIngestToken.keyName(service)));
        return names;
    }
    /** How long an internal identity assertion lives: long enough for one hop on loopback. */
    static final Duration ASSERTION_LIFETIME = Duration.ofSeconds(30);

    /**
     * The policy decision point every service of this JVM asks, the admin policy store's rules, and
     * what to run after a stored policy change.
     */
    public record Policies(PolicyClient client, PolicyAdminService admin, Runnable changed) {
    }

    public static PlatformServices start(PlatformConfig config, TenantDirectory tenants, InternalServiceKeys keys,
                                         List<ReadinessCheck> workspaceChecks, AuditOutbox gatewayAuditOutbox, Backends backends,
                                         Duration timeout)
            throws Exception {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions()
                        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true))
                        // Vert.x resolves names itself, not through the JDK: give it the platform's hosts file,
                        // re-read every second so tenants added later resolve too
                        .setAddressResolverOptions(new AddressResolverOptions()
                                .setHostsPath(config.hostsFile().toString())
                                .setHostsRefreshPeriod(1000)))
                .withMetrics(new MicrometerMetricsFactory(metrics))
                .build();
        Clock clock = Clock.systemUTC();
        SecretService secrets = new SecretService(new JdbcSecretStore(backends.metadata()), backends.keyvault().cipher(), SecretLimits.DATABRICKS);
        WorkspaceVerticle workspace = new WorkspaceVerticle(config.workspace(), workspaceChecks, metrics,
                new InternalIdentityVerifier("workspace-service", keys.keyOf("workspace-service"), clock), secrets, backends.workspaceAudit(),
                backends.policies().admin(), backends.policies().changed());
        ComputeVerticle compute = new ComputeVerticle(config.compute(), List.of(), metrics,
                new InternalIdentityVerifier("compute", keys.keyOf("compute"), clock));
        Map<PlatformService, javax.crypto.SecretKey> ingestKeys = new LinkedHashMap<>();
        AUDIT_SHIPPERS.forEach(service -> ingestKeys.put(service, keys.keyOf(AuditIngestToken.keyName(service))));
        AuditVerticle audit = new AuditVerticle(config.audit(), List.of(), metrics,
                new InternalIdentityVerifier("audit", keys.keyOf("audit"), clock), backends.auditService(), ingestKeys, clock);
        KeyvaultVerticle keyvault = new KeyvaultVerticle(backends.keyvault(), backends.keyvaultAudit(), config.keyvault().port(), metrics);
        try {
            // internal services first: the gateway is the door, opened last, once it knows where they listen
            for (var verticle : List.of(keyvault, workspace, compute, audit)) {
                vertx.deployVerticle(verticle).await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            Map<String, URI> upstreams = Map.of(
                    "workspace-service", URI.create("http://127.0.0.1:" + workspace.port()),
                    "compute", URI.create("http://127.0.0.1:" + compute.port()),
                    "audit", URI.create("http://127.0.0.1:" + audit.port()));
            GatewayVerticle gateway = new GatewayVerticle(config.gateway(), tenants, metrics, upstreams,
                    new InternalIdentitySigner(keys, ASSERTION_LIFETIME, clock), gatewayAuditOutbox, backends.personalTokens(),
                    backends.browserLogin(), backends.policies().client());
            gateway.deploy(vertx).await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new PlatformServices(vertx, gateway, workspace, compute, audit, keyvault, upstreams);
        } catch (Exception e) {
            vertx.close().await(30, TimeUnit.SECONDS);
            throw e;
        }
    }

    public int gatewayPort() {
        return gateway.publicPort();
    }

    /** Readiness URLs of every service, by service name (all on loopback). */
    public Map<String, URI> readinessEndpoints() {
        Map<String, URI> endpoints = new LinkedHashMap<>();
        endpoints.put("gateway", URI.create("http://127.0.0.1:" + gateway.managementPort() + "/health/ready"));
        endpoints.put("workspace-service", URI.create("http://127.0.0.1:" + workspace.port() + "/health/ready"));
        endpoints.put("compute", URI.create("http://127.0.0.1:" + compute.port() + "/health/ready"));
        endpoints.put("audit", URI.create("http://127.0.0.1:" + audit.port() + "/health/ready"));
        endpoints.put("keyvault", URI.create("http://127.0.0.1:" + keyvault.port() + "/health/ready"));
        return endpoints;
    }

    /** The keyvault's wrap/unwrap API on loopback, for processes outside this JVM (cluster drivers). */
    public URI keyvaultEndpoint() {
        return URI.create("http://127.0.0.1:" + keyvault.port());
    }

    /** Base URLs of the internal services on loopback, by service name. */
    public Map<String, URI> internalServices() {
        return upstreams;
    }

    /** The gateway's route table: every public method, path and declared action. */
    public List<io.lakeward.gateway.GatewayRoute> gatewayRoutes() {
        return gateway.routeTable();
    }

    public URI metricsEndpoint() {
        return URI.create("http://127.0.0.1:" + gateway.managementPort() + "/metrics");
    }

    @Override
    public void close() {
        try {
            vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("platform services did not stop cleanly: {}", e.toString());
        }
    }
}

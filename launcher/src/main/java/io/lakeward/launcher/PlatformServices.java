package io.lakeward.launcher;

import io.lakeward.audit.AuditVerticle;
import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.identity.InternalIdentityVerifier;
import io.lakeward.common.identity.InternalServiceKeys;
import io.lakeward.common.tenant.TenantDirectory;
import io.lakeward.compute.ComputeVerticle;
import io.lakeward.gateway.GatewayVerticle;
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
    private final Map<String, URI> upstreams;

    private PlatformServices(Vertx vertx, GatewayVerticle gateway, WorkspaceVerticle workspace, ComputeVerticle compute, AuditVerticle audit,
                             Map<String, URI> upstreams) {
        this.vertx = vertx;
        this.gateway = gateway;
        this.workspace = workspace;
        this.compute = compute;
        this.audit = audit;
        this.upstreams = upstreams;
    }

    /** The internal services, each with a key of its own for the gateway's assertions. */
    public static final List<String> INTERNAL_SERVICES = List.of("workspace-service", "compute", "audit");
    /** How long an internal identity assertion lives: long enough for one hop on loopback. */
    static final Duration ASSERTION_LIFETIME = Duration.ofSeconds(30);

    /**
     * The policy decision point every service of this JVM asks, the admin policy store's rules, and
     * what to run after a stored policy change.
     */
    public record Policies(PolicyClient client, PolicyAdminService admin, Runnable changed) {
    }

    public static PlatformServices start(PlatformConfig config, TenantDirectory tenants, InternalServiceKeys keys,
                                         List<ReadinessCheck> workspaceChecks, AuditOutbox gatewayAuditOutbox, Policies policies, Duration timeout)
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
        WorkspaceVerticle workspace = new WorkspaceVerticle(config.workspace(), workspaceChecks, metrics,
                new InternalIdentityVerifier("workspace-service", keys.keyOf("workspace-service"), clock), policies.admin(), policies.changed());
        ComputeVerticle compute = new ComputeVerticle(config.compute(), List.of(), metrics,
                new InternalIdentityVerifier("compute", keys.keyOf("compute"), clock));
        AuditVerticle audit = new AuditVerticle(config.audit(), List.of(), metrics,
                new InternalIdentityVerifier("audit", keys.keyOf("audit"), clock));
        try {
            // internal services first: the gateway is the door, opened last, once it knows where they listen
            for (var verticle : List.of(workspace, compute, audit)) {
                vertx.deployVerticle(verticle).await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            Map<String, URI> upstreams = Map.of(
                    "workspace-service", URI.create("http://127.0.0.1:" + workspace.port()),
                    "compute", URI.create("http://127.0.0.1:" + compute.port()),
                    "audit", URI.create("http://127.0.0.1:" + audit.port()));
            GatewayVerticle gateway = new GatewayVerticle(config.gateway(), tenants, metrics, upstreams,
                    new InternalIdentitySigner(keys, ASSERTION_LIFETIME, clock), gatewayAuditOutbox, policies.client());
            vertx.deployVerticle(gateway).await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new PlatformServices(vertx, gateway, workspace, compute, audit, upstreams);
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
        return endpoints;
    }

    /** Base URLs of the internal services on loopback, by service name. */
    public Map<String, URI> internalServices() {
        return upstreams;
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

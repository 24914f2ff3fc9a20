package io.lakeward.launcher;

import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.audit.client.outbox.FileAuditOutbox;
import io.lakeward.audit.client.outbox.FileAuditOutboxConfig;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.InternalServiceKeys;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.infra.keycloak.KeycloakDistribution;
import io.lakeward.infra.keycloak.KeycloakOptions;
import io.lakeward.infra.keycloak.KeycloakServer;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import io.lakeward.infra.keycloak.RealmProvisioner;
import io.lakeward.infra.keycloak.TenantRealmSpec;
import io.lakeward.keyvault.tls.DevCertificateAuthority;
import io.lakeward.keyvault.tls.ServerCertificate;
import io.lakeward.metastore.MetadataDatabase;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.metastore.tenant.NewTenant;
import io.lakeward.metastore.tenant.TenantRecord;
import io.lakeward.metastore.tenant.TenantRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: the development CA, the hosts file, a real Keycloak with the platform
 * realm and the demo tenants' realms, then every service in this JVM; ready when every readiness
 * check is green. Closing it stops everything it started.
 */
public final class EmbeddedPlatform implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPlatform.class);

    private final KeycloakServer keycloak;
    private final MetadataDatabase database;
    private final TenantRegistry registry;
    private final AuditOutbox gatewayAuditOutbox;
    private final PolicyDecisions policies;
    private final PlatformServices services;
    private final Path pidFile;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private EmbeddedPlatform(KeycloakServer keycloak, MetadataDatabase database, TenantRegistry registry, AuditOutbox gatewayAuditOutbox,
                             PolicyDecisions policies, PlatformServices services, Path pidFile) {
        this.keycloak = keycloak;
        this.database = database;
        this.registry = registry;
        this.gatewayAuditOutbox = gatewayAuditOutbox;
        this.policies = policies;
        this.services = services;
        this.pidFile = pidFile;
    }

    public static EmbeddedPlatform start(PlatformConfig config, PrintStream out) throws Exception {
        Instant began = Instant.now();
        StateDirectory state = config.state();
        Progress progress = new Progress(out, 6);
        Files.createDirectories(state.run());
        // recorded first, so that `down` also stops a start that hangs or fails half-way
        Path pidFile = state.run().resolve("platform.pid");
        Files.writeString(pidFile, Long.toString(ProcessHandle.current().pid()));

        DevCertificateAuthority ca = progress.step("development CA and certificates", () -> {
            DevCertificateAuthority authority = DevCertificateAuthority.loadOrCreate(state.ca());
            authority.issueServerCertificate("gateway", List.of(config.baseDomain(), "*." + config.baseDomain()));
            authority.issueServerCertificate("keycloak", List.of(config.identityProviderHost()));
            HostsFile.write(config.hostsFile(), hostNames(config));
            return authority;
        });

        KeycloakServer keycloak = progress.step("Keycloak (identity provider)", () -> startKeycloak(config, ca));
        MetadataDatabase database = null;
        TenantRegistry registry = null;
        AuditOutbox auditOutbox = null;
        PolicyDecisions policies = null;
        PlatformServices services = null;
        try {
            database = progress.step("metadata database (" + config.metastore().mode().name().toLowerCase(java.util.Locale.ROOT) + " PostgreSQL)",
                    () -> MetadataDatabase.start(config.metastore()));
            TenantRegistry tenants = TenantRegistry.start(new JdbcTenantRegistryStore(database.transactions()),
                    config.metastore().tenantReloadInterval());
            registry = tenants;
            List<ProvisionedRealm> realms = progress.step("tenant realms " + config.demoTenants().stream().map(t -> t.id().value()).toList(),
                    () -> provisionRealms(config, keycloak, tenants));

            InternalServiceKeys keys = InternalServiceKeys.loadOrCreate(state.secrets().resolve("internal-keys.properties"),
                    PlatformServices.INTERNAL_SERVICES);
            MetadataDatabase metadata = database;
            // opened before the services that append to it, closed after them
            auditOutbox = FileAuditOutbox.open(FileAuditOutboxConfig.defaults(state.auditOutbox("gateway")));
            AuditOutbox gatewayOutbox = auditOutbox;
            policies = PolicyDecisions.start(config, metadata, tenants.directory(), keycloak);
            PlatformServices.Policies policyServices = policies.services();
            services = progress.step("platform services", () -> PlatformServices.start(config, tenants.directory(), keys,
                    List.of(new DatabaseReadinessCheck(metadata)), gatewayOutbox, policyServices, config.startTimeout()));
            PlatformServices started = services;
            progress.step("readiness checks", () -> {
                awaitReady(started.readinessEndpoints(), config.startTimeout());
                return null;
            });
            printBanner(out, config, started, realms, state, Duration.between(began, Instant.now()));
            return new EmbeddedPlatform(keycloak, database, registry, auditOutbox, policies, services, pidFile);
        } catch (Exception | Error e) {
            // whatever failed, nothing this start began keeps running
            if (services != null) {
                services.close();
            }
            if (auditOutbox != null) {
                auditOutbox.close();
            }
            if (policies != null) {
                policies.close();
            }
            if (registry != null) {
                registry.close();
            }
            if (database != null) {
                database.close();
            }
            keycloak.close();
            Files.deleteIfExists(pidFile);
            throw e;
        }
    }

    private static KeycloakServer startKeycloak(PlatformConfig config, DevCertificateAuthority ca) throws IOException {
        StateDirectory state = config.state();
        // the state's own copy, copied from the machine's pre-built one (built once per machine)
        Path home = KeycloakDistribution.copyInto(state.keycloak(), KeycloakDistribution.cacheDirectory());
        ServerCertificate certificate = ca.issueServerCertificate("keycloak", List.of(config.identityProviderHost()));
        KeycloakOptions options = new KeycloakOptions(
                home,
                config.identityProviderHost(),
                config.keycloakPort(),
                config.keycloakManagementPort(),
                certificate.certificatePem(),
                certificate.privateKeyPem(),
                ca.caCertificatePem(),
                config.hostsFile(),
                "lakeward-admin",
                SecretFile.loadOrCreate(state.secrets().resolve("keycloak-admin.password")),
                state.root().resolve("logs").resolve("keycloak.log"),
                state.run().resolve("keycloak.pid"),
                config.startTimeout());
        return KeycloakServer.start(options);
    }

    /**
     * Makes sure every demo tenant has its realm in Keycloak and its entry in the tenant registry,
     * the registry being what the gateway maps hosts from.
     */
    private static List<ProvisionedRealm> provisionRealms(PlatformConfig config, KeycloakServer keycloak, TenantRegistry registry)
            throws Exception {
        RealmProvisioner provisioner = keycloak.provisioner();
        provisioner.ensurePlatformRealm(config.state().secrets());
        List<ProvisionedRealm> realms = new ArrayList<>();
        for (PlatformConfig.DemoTenant demo : config.demoTenants()) {
            String host = Tenant.hostName(demo.id(), config.baseDomain());
            String origin = "https://" + host + ":" + config.gateway().port();
            ProvisionedRealm realm = provisioner.ensureTenantRealm(TenantRealmSpec.of(demo.id().value(), demo.displayName(), origin, true),
                    config.state().secrets());
            Optional<TenantRecord> registered = registry.get(demo.id());
            if (registered.isEmpty()) {
                registry.register(new NewTenant(demo.id(), demo.displayName(), host, realm.issuer(), "tenant-kek/" + demo.id().value()));
            } else if (!registered.get().tenant().issuer().equals(realm.issuer()) || !registered.get().tenant().hostName().equals(host)) {
                throw new IllegalStateException("tenant " + demo.id() + " is registered with host " + registered.get().tenant().hostName()
                        + " and issuer " + registered.get().tenant().issuer() + ", but this start serves " + host + " and " + realm.issuer()
                        + ": keep the base domain and Keycloak port of the state directory, or reset it");
            }
            realms.add(realm);
        }
        return realms;
    }

    static List<String> hostNames(PlatformConfig config) {
        List<String> names = new ArrayList<>();
        names.add(config.baseDomain());
        names.add(config.identityProviderHost());
        config.demoTenants().forEach(t -> names.add(Tenant.hostName(t.id(), config.baseDomain())));
        return names;
    }

    /** Polls every readiness endpoint until all answer 200, or fails naming those that did not. */
    static void awaitReady(Map<String, URI> endpoints, Duration timeout) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        List<String> waiting = new ArrayList<>(endpoints.keySet());
        while (true) {
            waiting.removeIf(name -> isReady(client, endpoints.get(name)));
            if (waiting.isEmpty()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("not ready within " + timeout.toSeconds() + " s: " + waiting);
            }
            Thread.sleep(250);
        }
    }

    private static boolean isReady(HttpClient client, URI endpoint) {
        try {
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5)).GET().build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void printBanner(PrintStream out, PlatformConfig config, PlatformServices services, List<ProvisionedRealm> realms,
                                    StateDirectory state, Duration took) {
        out.println();
        out.printf("Lakeward is up (%.1f s). Every readiness check is green.%n", took.toMillis() / 1000.0);
        out.println("  CA certificate (trust it, e.g. curl --cacert): " + state.caCertificate());
        out.println("  Name resolution for JVMs: -Djdk.net.hosts.file=" + config.hostsFile()
                + " (browsers and curl resolve *.localhost to loopback themselves)");
        for (ProvisionedRealm realm : realms) {
            out.printf("  %-8s https://%s:%d/   issuer %s%n", realm.realm(),
                    Tenant.hostName(TenantId.of(realm.realm()), config.baseDomain()), services.gatewayPort(), realm.issuer());
            realm.userPasswords().forEach((user, password) -> out.printf("             demo login %-9s password %s%n", user,
                    realm.firstProvisioning() ? password.reveal() : "(printed at first start; kept in "
                            + RealmProvisioner.secretsFile(state.secrets(), realm.realm()) + ")"));
        }
        out.println("  Metrics: " + services.metricsEndpoint());
        out.println("Press Ctrl-C (or run ./lakeward down) to stop.");
        out.flush();
    }

    /** The services of this platform (ports, readiness and metrics endpoints). */
    public PlatformServices services() {
        return services;
    }

    /** The tenant registry the gateway maps hosts from. */
    public TenantRegistry tenantRegistry() {
        return registry;
    }

    /** The metadata database, for tests that add a decision point of their own. */
    MetadataDatabase metadataDatabase() {
        return database;
    }

    /** The platform's policy decision point and the sync that keeps it current. */
    PolicyDecisions policyDecisions() {
        return policies;
    }

    /** The gateway's audit outbox, for tests that check what was audited. */
    AuditOutbox gatewayAuditOutbox() {
        return gatewayAuditOutbox;
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        LOG.info("stopping the platform");
        services.close();
        gatewayAuditOutbox.close();
        policies.close();
        registry.close();
        database.close();
        keycloak.close();
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            LOG.debug("cannot remove {}", pidFile, e);
        }
        stopped.countDown();
    }

    /** Stops the platform an earlier {@code up} recorded in the state directory; true if something was running. */
    public static boolean stopRecorded(StateDirectory state) throws InterruptedException {
        boolean found = false;
        for (String name : List.of("platform.pid", "keycloak.pid")) {
            Path file = state.run().resolve(name);
            Optional<ProcessHandle> process = readPid(file).flatMap(ProcessHandle::of);
            if (process.isPresent()) {
                found = true;
                process.get().descendants().forEach(ProcessHandle::destroy);
                process.get().destroy();
                process.get().onExit().completeOnTimeout(null, 30, java.util.concurrent.TimeUnit.SECONDS).join();
                if (process.get().isAlive()) {
                    process.get().destroyForcibly();
                }
                System.out.println("lakeward: stopped " + name.replace(".pid", "") + " (pid " + process.get().pid() + ")");
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.debug("cannot remove {}", file, e);
            }
        }
        if (!found) {
            System.out.println("lakeward: nothing is running for " + state.root());
        }
        return true;
    }

    private static Optional<Long> readPid(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}

package io.lakeward.launcher;

import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.audit.client.outbox.FileAuditOutbox;
import io.lakeward.audit.client.outbox.FileAuditOutboxConfig;
import io.lakeward.audit.client.shipping.AuditIngestToken;
import io.lakeward.audit.client.shipping.HttpAuditShipper;
import io.lakeward.audit.client.shipping.ShippingConfig;
import io.lakeward.audit.client.shipping.ShippingLoop;
import io.lakeward.audit.export.AuditExporter;
import io.lakeward.audit.query.AuditQueryService;
import io.lakeward.audit.service.AuditService;
import io.lakeward.audit.store.AuditStore;
import io.lakeward.audit.store.AuditStoreConfig;
import io.lakeward.keyvault.signing.AuditSigningKey;
import io.lakeward.policy.client.PolicyClient;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.InternalServiceKeys;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.infra.keycloak.KeycloakDistribution;
import io.lakeward.infra.keycloak.KeycloakOptions;
import io.lakeward.infra.keycloak.KeycloakServer;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import io.lakeward.infra.keycloak.RealmProvisioner;
import io.lakeward.infra.keycloak.TenantRealmSpec;
import io.lakeward.keyvault.Keyvault;
import io.lakeward.keyvault.tls.DevCertificateAuthority;
import io.lakeward.keyvault.tls.ProvidedCertificate;
import io.lakeward.gateway.session.BrowserLogin;
import io.lakeward.metastore.session.JdbcBrowserSessionStore;
import io.lakeward.keyvault.tls.ServerCertificate;
import io.lakeward.metastore.MetadataDatabase;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.metastore.tenant.NewTenant;
import io.lakeward.metastore.tenant.TenantRecord;
import io.lakeward.metastore.tenant.TenantRegistry;
import io.lakeward.metastore.token.JdbcPersonalAccessTokenStore;
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
    private final Keyvault keyvault;
    private final MetadataDatabase database;
    private final TenantRegistry registry;
    private final AuditOutbox gatewayAuditOutbox;
    private final List<AuditOutbox> serviceAuditOutboxes;
    private final Audit audit;
    private final List<ShippingLoop> shippingLoops;
    private final io.lakeward.audit.identity.IdentityEventPoller identityEvents;
    private final PolicyDecisions policies;
    private final PlatformServices services;
    private final Path pidFile;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private EmbeddedPlatform(KeycloakServer keycloak, Keyvault keyvault, MetadataDatabase database, TenantRegistry registry,
                             AuditOutbox gatewayAuditOutbox, List<AuditOutbox> serviceAuditOutboxes, Audit audit, List<ShippingLoop> shippingLoops,
                             io.lakeward.audit.identity.IdentityEventPoller identityEvents, PolicyDecisions policies, PlatformServices services,
                             Path pidFile) {
        this.keycloak = keycloak;
        this.keyvault = keyvault;
        this.serviceAuditOutboxes = List.copyOf(serviceAuditOutboxes);
        this.database = database;
        this.registry = registry;
        this.gatewayAuditOutbox = gatewayAuditOutbox;
        this.audit = audit;
        this.shippingLoops = List.copyOf(shippingLoops);
        this.identityEvents = identityEvents;
        this.policies = policies;
        this.services = services;
        this.pidFile = pidFile;
    }

    /**
     * The audit service's parts this process owns: its signing key and its store. It decides with
     * the platform's decision point, so membership changed through the admin API applies to it too.
     */
    record Audit(AuditSigningKey key, AuditStore store, AuditService service) implements AutoCloseable {
        static Audit open(PlatformConfig config, PolicyClient policy) {
            StateDirectory state = config.state();
            AuditSigningKey key = AuditSigningKey.loadOrCreate(state.auditSigningKey());
            AuditStore store = AuditStore.open(AuditStoreConfig.defaults(state.audit().resolve("store"))
                    .withCheckpointEvents(config.audit().checkpointEvents())
                    .withCheckpointInterval(config.audit().checkpointInterval()), key, java.time.Clock.systemUTC());
            AuditService service = new AuditService(store, new AuditQueryService(store, config.audit().retention().queryableWindow()),
                    new AuditExporter(store, key, state.audit().resolve("exports"), java.time.Clock.systemUTC()), policy,
                    config.audit().retention(), java.time.Clock.systemUTC());
            return new Audit(key, store, service);
        }

        @Override
        public void close() {
            store.close();
        }
    }

    public static EmbeddedPlatform start(PlatformConfig config, PrintStream out) throws Exception {
        Instant began = Instant.now();
        StateDirectory state = config.state();
        Progress progress = new Progress(out, 7);
        Files.createDirectories(state.run());
        // recorded first, so that `down` also stops a start that hangs or fails half-way
        Path pidFile = state.run().resolve("platform.pid");
        Files.writeString(pidFile, Long.toString(ProcessHandle.current().pid()));

        DevCertificateAuthority ca = progress.step("development CA and certificates", () -> {
            DevCertificateAuthority authority = DevCertificateAuthority.loadOrCreate(state.ca(), config.certificateRenewBefore());
            List<String> gatewayNames = List.of(config.baseDomain(), "*." + config.baseDomain());
            if (config.providedGatewayCertificate()) {
                ProvidedCertificate.check(config.gateway().certificatePem(), config.gateway().privateKeyPem(), gatewayNames,
                        config.certificateRenewBefore(), java.time.Clock.systemUTC());
            } else {
                authority.issueServerCertificate("gateway", gatewayNames);
            }
            authority.issueServerCertificate("keycloak", List.of(config.identityProviderHost()));
            HostsFile.write(config.hostsFile(), hostNames(config));
            return authority;
        });
        // before anything else starts: a wrong master key or a damaged keystore stops the start here
        Keyvault keyvault;
        try {
            keyvault = progress.step("keyvault (master key and tenant keystore)", () -> Keyvault.open(config.keyvault(), java.time.Clock.systemUTC()));
        } catch (Exception | Error e) {
            Files.deleteIfExists(pidFile);
            throw e;
        }

        KeycloakServer keycloak = progress.step("Keycloak (identity provider)", () -> startKeycloak(config, ca));
        MetadataDatabase database = null;
        TenantRegistry registry = null;
        AuditOutbox auditOutbox = null;
        List<AuditOutbox> serviceOutboxes = new ArrayList<>();
        Audit audit = null;
        List<ShippingLoop> shipping = new ArrayList<>();
        io.lakeward.audit.identity.IdentityEventPoller identityEvents = null;
        PolicyDecisions policies = null;
        PlatformServices services = null;
        try {
            database = progress.step("metadata database (" + config.metastore().mode().name().toLowerCase(java.util.Locale.ROOT) + " PostgreSQL)",
                    () -> MetadataDatabase.start(config.metastore()));
            TenantRegistry tenants = TenantRegistry.start(new JdbcTenantRegistryStore(database.transactions()),
                    config.metastore().tenantReloadInterval());
            registry = tenants;
            requireTenantKeys(tenants, keyvault);
            List<ProvisionedRealm> realms = progress.step("tenant realms " + config.demoTenants().stream().map(t -> t.id().value()).toList(),
                    () -> provisionRealms(config, keycloak, tenants, keyvault));

            InternalServiceKeys keys = InternalServiceKeys.loadOrCreate(state.secrets().resolve("internal-keys.properties"),
                    PlatformServices.internalKeyNames());
            MetadataDatabase metadata = database;
            // the audit log is opened before anything that ships to it, and closed after
            policies = PolicyDecisions.start(config, metadata, tenants.directory(), keycloak);
            audit = Audit.open(config, policies.services().client());
            Audit openedAudit = audit;
            // opened before the services that append to it, closed after them
            auditOutbox = FileAuditOutbox.open(FileAuditOutboxConfig.defaults(state.auditOutbox("gateway")));
            AuditOutbox gatewayOutbox = auditOutbox;
            AuditOutbox keyvaultOutbox = FileAuditOutbox.open(FileAuditOutboxConfig.defaults(state.auditOutbox("keyvault")));
            serviceOutboxes.add(keyvaultOutbox);
            AuditOutbox workspaceOutbox = FileAuditOutbox.open(FileAuditOutboxConfig.defaults(state.auditOutbox("workspace-service")));
            serviceOutboxes.add(workspaceOutbox);
            BrowserLogin browserLogin = browserLogin(config, metadata, keyvault);
            PlatformServices.Backends backends = new PlatformServices.Backends(keyvault, metadata.transactions(), keyvaultOutbox, workspaceOutbox,
                    openedAudit.service(), new JdbcPersonalAccessTokenStore(metadata.transactions()),
                    browserLogin, policies.services());
            services = progress.step("platform services", () -> PlatformServices.start(config, tenants.directory(), keys,
                    List.of(new DatabaseReadinessCheck(metadata)), gatewayOutbox, backends, config.startTimeout()));
            PlatformServices started = services;
            // every service's outbox ships to the audit service, each under its own ingest credential
            Map<PlatformService, AuditOutbox> outboxes = Map.of(PlatformService.GATEWAY, gatewayOutbox,
                    PlatformService.KEYVAULT, keyvaultOutbox, PlatformService.WORKSPACE_SERVICE, workspaceOutbox);
            for (PlatformService shipper : PlatformServices.AUDIT_SHIPPERS) {
                shipping.add(ShippingLoop.start(outboxes.get(shipper), new HttpAuditShipper(started.internalServices().get("audit"), shipper,
                        keys.keyOf(AuditIngestToken.keyName(shipper)), java.time.Duration.ofSeconds(10), java.time.Clock.systemUTC()),
                        ShippingConfig.defaults()));
            }
            identityEvents = identityEventPoller(config, keycloak, tenants, audit).start(config.audit().identityEventsInterval());
            progress.step("readiness checks", () -> {
                awaitReady(started.readinessEndpoints(), config.startTimeout());
                return null;
            });
            printBanner(out, config, started, realms, state, Duration.between(began, Instant.now()));
            out.println("  Audit log signed by " + audit.key().fingerprint() + " (public key: "
                    + state.auditSigningKey().resolve(AuditSigningKey.PUBLIC_KEY_FILE) + ")");
            out.flush();
            return new EmbeddedPlatform(keycloak, keyvault, database, registry, auditOutbox, serviceOutboxes, audit, shipping, identityEvents,
                    policies, services, pidFile);
        } catch (Exception | Error e) {
            // whatever failed, nothing this start began keeps running
            if (identityEvents != null) {
                identityEvents.close();
            }
            shipping.forEach(ShippingLoop::close);
            if (services != null) {
                services.close();
            }
            if (auditOutbox != null) {
                auditOutbox.close();
            }
            serviceOutboxes.forEach(AuditOutbox::close);
            if (audit != null) {
                audit.close();
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

    /**
     * Reads the login events of every tenant realm in the platform's Keycloak into the tenant's
     * audit log (tenants of an external issuer have no realm here to read).
     */
    private static io.lakeward.audit.identity.IdentityEventPoller identityEventPoller(PlatformConfig config, KeycloakServer keycloak,
            TenantRegistry tenants, Audit audit) throws IOException {
        io.lakeward.infra.keycloak.KeycloakAdminClient admin = keycloak.adminClient();
        String managedIssuers = keycloak.serverUrl() + "/realms/";
        return new io.lakeward.audit.identity.IdentityEventPoller(admin::events,
                () -> tenants.directory().all().stream().filter(tenant -> tenant.issuer().toString().startsWith(managedIssuers)).map(Tenant::id).toList(),
                audit.store(), config.state().audit().resolve("identity-event-cursors"), java.time.Clock.systemUTC());
    }

    /** Browser sign-in: sessions in the metadata database, tokens encrypted under the tenant keys, client secrets from the realm secrets. */
    private static BrowserLogin browserLogin(PlatformConfig config, MetadataDatabase metadata, Keyvault keyvault) {
        return new BrowserLogin(new JdbcBrowserSessionStore(metadata.transactions()), keyvault.cipher(),
                new RealmLoginClients(config.state().secrets()), config.sessions());
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
    private static List<ProvisionedRealm> provisionRealms(PlatformConfig config, KeycloakServer keycloak, TenantRegistry registry,
                                                          Keyvault keyvault) throws Exception {
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
                // the key first: a registered tenant without a key would stop every later start
                keyvault.ensureTenantKey(demo.id());
                registry.register(new NewTenant(demo.id(), demo.displayName(), host, realm.issuer(), keyReference(demo.id())));
            } else if (!registered.get().tenant().issuer().equals(realm.issuer()) || !registered.get().tenant().hostName().equals(host)) {
                throw new IllegalStateException("tenant " + demo.id() + " is registered with host " + registered.get().tenant().hostName()
                        + " and issuer " + registered.get().tenant().issuer() + ", but this start serves " + host + " and " + realm.issuer()
                        + ": keep the base domain and Keycloak port of the state directory, or reset it");
            }
            realms.add(realm);
        }
        return realms;
    }

    /** The registry's key reference of a tenant: names its key-encryption key in the keyvault, never key material. */
    static String keyReference(TenantId tenant) {
        return "tenant-kek/" + tenant.value();
    }

    /**
     * Every tenant the registry serves must have its key-encryption key in the keystore. One
     * without means the keystore was replaced (for instance by an empty one after the file was
     * lost): the platform refuses to start rather than serve tenants whose data it cannot decrypt,
     * or encrypt new data under keys that are not the tenant's.
     */
    static void requireTenantKeys(TenantRegistry registry, Keyvault keyvault) {
        List<String> missing = registry.list().stream()
                .filter(record -> record.tenant().status() != io.lakeward.common.tenant.TenantStatus.DELETED)
                .map(record -> record.tenant().id())
                .filter(id -> !keyvault.hasTenantKey(id))
                .map(TenantId::value)
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the tenant keystore " + "holds no key-encryption key for registered tenant(s) " + missing
                    + ": the keystore file was replaced or lost; restore it (and its master key) from backup. The platform does not start");
        }
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

    /** An administration client of the platform's identity provider (a new session each call). */
    public io.lakeward.infra.keycloak.KeycloakAdminClient identityProviderAdmin() throws java.io.IOException {
        return keycloak.adminClient();
    }

    /** The tenant registry the gateway maps hosts from. */
    public TenantRegistry tenantRegistry() {
        return registry;
    }

    /** The keyvault of this platform: tenant keys, envelope encryption, scoped tokens. */
    public Keyvault keyvault() {
        return keyvault;
    }

    /**
     * Deletes a tenant (crypto-shredding, see {@link TenantDeletion}): its host answers 404, its
     * keyvault tokens stop working, and its key-encryption keys are destroyed.
     */
    public TenantDeletion.Result deleteTenant(TenantId tenant) throws Exception {
        // the keyvault's outbox (opened first): key destruction is a key event, kept under platform-held keys
        return new TenantDeletion(registry, keyvault, serviceAuditOutboxes.get(0)).delete(tenant, "operator");
    }

    /**
     * Rotates the tenant's key-encryption key and rewraps its stored secrets under the new version
     * in the background; the returned progress shows how far it got. Old envelopes decrypt
     * throughout, and nothing written meanwhile is overwritten.
     */
    public io.lakeward.workspace.secret.SecretRewrap.Progress rotateTenantKey(TenantId tenant) {
        keyvault.keys().rotate(tenant);
        var rewrap = new io.lakeward.workspace.secret.SecretRewrap(new io.lakeward.metastore.secret.JdbcSecretStore(database.transactions()),
                keyvault.cipher(), keyvault.keys());
        var progress = rewrap.newProgress(tenant);
        Thread worker = new Thread(() -> rewrap.run(tenant, progress), "lakeward-rewrap-" + tenant.value());
        worker.setDaemon(true);
        worker.start();
        return progress;
    }

    /** The keyvault's audit outbox (key use, tenant deletion), for tests that check what was audited. */
    AuditOutbox keyvaultAuditOutbox() {
        return serviceAuditOutboxes.get(0);
    }

    /** The metadata database, for tests that look at what is stored. */
    MetadataDatabase database() {
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

    /** The audit log, for tests that check what arrived in it. */
    AuditStore auditStore() {
        return audit.store();
    }

    /** The audit-signing key's public half, for tests that verify exports. */
    io.lakeward.keyvault.signing.AuditPublicKey auditPublicKey() {
        return audit.key().publicKey();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        LOG.info("stopping the platform");
        identityEvents.close();
        shippingLoops.forEach(ShippingLoop::close);
        services.close();
        gatewayAuditOutbox.close();
        serviceAuditOutboxes.forEach(AuditOutbox::close);
        audit.close();
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

package io.lakeward.testing.keycloak;

import io.lakeward.common.config.Secret;
import io.lakeward.infra.keycloak.KeycloakAdminClient;
import io.lakeward.infra.keycloak.KeycloakDistribution;
import io.lakeward.infra.keycloak.KeycloakOptions;
import io.lakeward.infra.keycloak.KeycloakServer;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import io.lakeward.infra.keycloak.RealmProvisioner;
import io.lakeward.infra.keycloak.TenantRealmSpec;
import io.lakeward.keyvault.tls.DevCertificateAuthority;
import io.lakeward.keyvault.tls.ServerCertificate;
import io.lakeward.testing.TestingHosts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * The one real Keycloak server of a test JVM, started on first use and stopped when the JVM exits.
 * It runs exactly as {@code lakeward up} runs it (same distribution, options and realm templates),
 * on free ports, with its state (Keycloak copy, development CA, generated secrets) in a temporary
 * directory that is removed at exit. The pre-built distribution is cached in
 * {@link KeycloakDistribution#cacheDirectory()}, so a test JVM pays for the server start only.
 *
 * <p>A server that cannot start fails every test that asks for it (an exception, never a skip).
 *
 * <p>Tests make their own tenants: {@link #tenantRealmPool(int)} creates fresh realms up front, in
 * parallel, and hands each out once; {@link #acmeDemoRealm()} and {@link #globexDemoRealm()} are
 * the demo tenants with their demo users, shared by the tests of the JVM (read-only use).
 *
 * <p>Host names ({@code auth.lakeward.localhost}, tenant hosts) are registered with
 * {@link TestingHosts}; Keycloak's own JVM reads the same hosts file, so it reaches the gateway of
 * a test tenant for back-channel logout.
 */
public final class TestingKeycloak {
    public static final String BASE_DOMAIN = "lakeward.localhost";
    public static final String HOSTNAME = "auth." + BASE_DOMAIN;
    /** The gateway port in the origins of the demo realms and of pools made without a port. */
    public static final int DEFAULT_GATEWAY_PORT = 9443;

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PARALLEL_REALM_CREATIONS = 4;

    private static TestingKeycloak instance;
    private static RuntimeException startFailure;

    private final Path stateDirectory;
    private final DevCertificateAuthority certificateAuthority;
    private final KeycloakServer server;
    private final RealmProvisioner provisioner;
    private ProvisionedRealm acme;
    private ProvisionedRealm globex;

    private TestingKeycloak(Path stateDirectory, DevCertificateAuthority certificateAuthority, KeycloakServer server) throws IOException {
        this.stateDirectory = stateDirectory;
        this.certificateAuthority = certificateAuthority;
        this.server = server;
        this.provisioner = server.provisioner();
    }

    /** The server of this JVM, started on the first call; throws if it cannot start (on every call). */
    public static synchronized TestingKeycloak get() {
        if (instance == null && startFailure == null) {
            try {
                instance = start();
            } catch (IOException | RuntimeException e) {
                startFailure = new IllegalStateException("the test Keycloak server did not start: " + e.getMessage(), e);
            }
        }
        if (startFailure != null) {
            throw startFailure;
        }
        return instance;
    }

    private static TestingKeycloak start() throws IOException {
        TestingHosts.register(HOSTNAME);
        Path hostsFile = Path.of(System.getProperty("jdk.net.hosts.file"));
        Path root = Path.of(System.getProperty("lakeward.test.state-dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(root);
        Path state = Files.createTempDirectory(root, "testing-keycloak-");
        KeycloakServer server = null;
        try {
            DevCertificateAuthority ca = DevCertificateAuthority.loadOrCreate(state.resolve("ca"));
            ServerCertificate certificate = ca.issueServerCertificate("keycloak", List.of(HOSTNAME));
            Path home = KeycloakDistribution.copyInto(state, KeycloakDistribution.cacheDirectory());
            KeycloakOptions options = new KeycloakOptions(home, HOSTNAME, 0, 0, certificate.certificatePem(), certificate.privateKeyPem(),
                    ca.caCertificatePem(), hostsFile, "lakeward-admin", Secret.of(randomHex(16)), state.resolve("keycloak.log"), null,
                    START_TIMEOUT);
            server = KeycloakServer.start(options);
            TestingKeycloak keycloak = new TestingKeycloak(state, ca, server);
            Runtime.getRuntime().addShutdownHook(new Thread(keycloak::stopAndClean, "stop-testing-keycloak"));
            return keycloak;
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            deleteQuietly(state);
            throw e;
        }
    }

    public KeycloakServer server() {
        return server;
    }

    /** {@code https://auth.lakeward.localhost:<port>} */
    public URI serverUrl() {
        return server.serverUrl();
    }

    public int httpsPort() {
        return server.httpsPort();
    }

    /** {@code https://auth.lakeward.localhost:<port>/realms/<realm>}, the {@code iss} of the realm's tokens. */
    public URI issuer(String realm) {
        return server.issuer(realm);
    }

    /** The development CA that issued Keycloak's certificate (trust it, and only it, to reach Keycloak). */
    public DevCertificateAuthority certificateAuthority() {
        return certificateAuthority;
    }

    public Path caCertificatePem() {
        return certificateAuthority.caCertificatePem();
    }

    /** A TLS client context trusting the development CA only. */
    public SSLContext sslContext() {
        return certificateAuthority.sslContext();
    }

    /** This JVM's state directory (removed at exit). */
    public Path stateDirectory() {
        return stateDirectory;
    }

    /** Where the generated realm secrets are kept (owner-only). */
    public Path secretsDirectory() {
        return stateDirectory.resolve("secrets");
    }

    /** A new admin client signed in as the bootstrap administrator. */
    public KeycloakAdminClient adminClient() {
        try {
            return server.adminClient();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The provisioner the platform uses, against this server. */
    public RealmProvisioner provisioner() {
        return provisioner;
    }

    /** The demo tenant {@code acme} with its demo users (gateway origin on {@value #DEFAULT_GATEWAY_PORT}); shared, do not change it. */
    public synchronized ProvisionedRealm acmeDemoRealm() {
        if (acme == null) {
            acme = provisionDemo("acme", "Acme Corporation");
        }
        return acme;
    }

    /** The demo tenant {@code globex} with its demo users; shared, do not change it. */
    public synchronized ProvisionedRealm globexDemoRealm() {
        if (globex == null) {
            globex = provisionDemo("globex", "Globex Corporation");
        }
        return globex;
    }

    /** One fresh tenant realm without demo users, gateway origin on {@value #DEFAULT_GATEWAY_PORT}. */
    public ProvisionedRealm newTenantRealm() {
        return tenantRealmPool(1).take();
    }

    /** {@code size} fresh tenant realms without demo users, gateway origins on {@value #DEFAULT_GATEWAY_PORT}. */
    public TenantRealmPool tenantRealmPool(int size) {
        return tenantRealmPool(size, DEFAULT_GATEWAY_PORT, false);
    }

    /**
     * {@code size} fresh tenant realms ({@code t-<8 hex>}), created now, in parallel, each with its
     * gateway client at {@code https://<tenant>.lakeward.localhost:<gatewayPort>}.
     */
    public TenantRealmPool tenantRealmPool(int size, int gatewayPort, boolean withDemoUsers) {
        return tenantRealmPool(size, tenantId -> URI.create("https://" + tenantId + "." + BASE_DOMAIN + ":" + gatewayPort), withDemoUsers);
    }

    /** As {@link #tenantRealmPool(int, int, boolean)}, with each tenant's gateway origin chosen by the caller. */
    public TenantRealmPool tenantRealmPool(int size, Function<String, URI> gatewayOrigin, boolean withDemoUsers) {
        if (size < 1 || size > 100) {
            throw new IllegalArgumentException("a pool holds 1 to 100 realms");
        }
        List<TenantRealmSpec> specs = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String tenantId = "t-" + randomHex(4);
            specs.add(TenantRealmSpec.of(tenantId, "Test tenant " + tenantId, gatewayOrigin.apply(tenantId).toString(), withDemoUsers));
            TestingHosts.register(tenantId + "." + BASE_DOMAIN);
        }
        return new TenantRealmPool(provisionAll(specs));
    }

    private List<ProvisionedRealm> provisionAll(List<TenantRealmSpec> specs) {
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(specs.size(), PARALLEL_REALM_CREATIONS),
                runnable -> {
                    Thread thread = new Thread(runnable, "testing-keycloak-provisioning");
                    thread.setDaemon(true);
                    return thread;
                });
        try {
            List<Future<ProvisionedRealm>> futures = new ArrayList<>();
            for (TenantRealmSpec spec : specs) {
                futures.add(executor.submit(() -> provisioner.ensureTenantRealm(spec, secretsDirectory())));
            }
            List<ProvisionedRealm> realms = new ArrayList<>();
            for (Future<ProvisionedRealm> future : futures) {
                realms.add(future.get());
            }
            return realms;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create test tenant realms: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating test tenant realms", e);
        } finally {
            executor.shutdownNow();
        }
    }

    private ProvisionedRealm provisionDemo(String tenantId, String displayName) {
        TestingHosts.register(tenantId + "." + BASE_DOMAIN);
        TenantRealmSpec spec = TenantRealmSpec.of(tenantId, displayName, "https://" + tenantId + "." + BASE_DOMAIN + ":" + DEFAULT_GATEWAY_PORT, true);
        try {
            return provisioner.ensureTenantRealm(spec, secretsDirectory());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot provision the demo realm " + tenantId, e);
        }
    }

    private void stopAndClean() {
        server.close();
        deleteQuietly(stateDirectory);
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static void deleteQuietly(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("TestingKeycloak: cannot remove " + root + ": " + e.getMessage());
        }
    }

    /** Fresh tenant realms made up front; each is handed out once. Thread-safe. */
    public static final class TenantRealmPool {
        private final int size;
        private final Queue<ProvisionedRealm> available;

        private TenantRealmPool(List<ProvisionedRealm> realms) {
            this.size = realms.size();
            this.available = new ConcurrentLinkedQueue<>(realms);
        }

        /** The next unused realm; fails when all {@code size} have been taken. */
        public ProvisionedRealm take() {
            ProvisionedRealm realm = available.poll();
            if (realm == null) {
                throw new IllegalStateException("all " + size + " realms of this pool were taken; make the pool larger");
            }
            return realm;
        }

        public int remaining() {
            return available.size();
        }
    }
}

package io.lakeward.infra.keycloak;

import io.lakeward.common.config.Secret;
import io.lakeward.keyvault.tls.DevCertificateAuthority;
import io.lakeward.keyvault.tls.ServerCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The one Keycloak of this test JVM for the infra module's own tests (the shared fixture in
 * {@code testing} depends on this module, so it cannot be used here). Started on first use on
 * free ports, stopped when the JVM exits; a start failure fails the test.
 */
final class TestKeycloak {
    static final String HOSTNAME = "auth.lakeward.localhost";

    private static ProvisionedRealm acme;

    private TestKeycloak() {
    }

    static KeycloakServer server() {
        return Holder.SERVER;
    }

    static DevCertificateAuthority certificateAuthority() {
        return Holder.CA;
    }

    static SSLContext sslContext() {
        return Holder.CA.sslContext();
    }

    static Path stateDirectory() {
        return Holder.STATE;
    }

    static Path secretsDirectory() {
        return Holder.STATE.resolve("secrets");
    }

    /** The demo tenant {@code acme}, with demo users, provisioned on first use. */
    static synchronized ProvisionedRealm acme() throws IOException {
        if (acme == null) {
            long started = System.nanoTime();
            acme = server().provisioner().ensureTenantRealm(
                    TenantRealmSpec.of("acme", "Acme Corporation", "https://acme.lakeward.localhost:9443", true), secretsDirectory());
            System.out.printf("TestKeycloak: realm acme provisioned in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        }
        return acme;
    }

    /** The state directory shared by every test JVM of this module build (CA, pristine Keycloak copy). */
    static Path buildStateDirectory() {
        String configured = System.getProperty("lakeward.test.state-dir");
        if (configured == null) {
            throw new IllegalStateException("run the tests through Maven: the system property lakeward.test.state-dir is not set");
        }
        return Path.of(configured);
    }

    static Path hostsFile() {
        String configured = System.getProperty("jdk.net.hosts.file");
        if (configured == null) {
            throw new IllegalStateException("run the tests through Maven: the test JVM needs -Djdk.net.hosts.file (see infra/pom.xml)");
        }
        return Path.of(configured);
    }

    /** A prepared Keycloak copy of its own, in a new directory (for tests that start a server of their own). */
    static Path freshHome() throws IOException {
        Path directory = Files.createTempDirectory(Holder.STATE, "home-");
        return KeycloakDistribution.copyInto(directory, buildStateDirectory().resolve("keycloak-template"));
    }

    static KeycloakOptions options(Path home, ServerCertificate certificate, int httpsPort, int managementPort, Path logFile) {
        return options(home, certificate, httpsPort, managementPort, logFile, Duration.ofMinutes(2));
    }

    static KeycloakOptions options(Path home, ServerCertificate certificate, int httpsPort, int managementPort, Path logFile,
                                   Duration startTimeout) {
        return new KeycloakOptions(home, HOSTNAME, httpsPort, managementPort, certificate.certificatePem(), certificate.privateKeyPem(),
                Holder.CA.caCertificatePem(), hostsFile(), "lakeward-admin", Secret.of(RealmSecrets.password()), logFile, null,
                startTimeout);
    }

    private static final class Holder {
        static final Path STATE;
        static final DevCertificateAuthority CA;
        static final KeycloakServer SERVER;

        static {
            try {
                Path root = buildStateDirectory();
                Files.createDirectories(root);
                STATE = Files.createTempDirectory(root, "jvm-");
                CA = DevCertificateAuthority.loadOrCreate(root.resolve("ca"));
                ServerCertificate certificate = CA.issueServerCertificate("keycloak", List.of(HOSTNAME));
                long started = System.nanoTime();
                Path home = KeycloakDistribution.copyInto(STATE, root.resolve("keycloak-template"));
                long prepared = System.nanoTime();
                SERVER = KeycloakServer.start(options(home, certificate, 0, 0, STATE.resolve("keycloak.log")));
                System.out.printf("TestKeycloak: copy prepared in %d ms, server ready in %d ms%n",
                        (prepared - started) / 1_000_000, SERVER.startupTime().toMillis());
                Runtime.getRuntime().addShutdownHook(new Thread(Holder::stopAndClean, "stop-test-keycloak"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the test Keycloak", e);
            }
        }

        /** Stops the server and removes this JVM's state (a Keycloak copy is 170 MB); the shared template stays. */
        private static void stopAndClean() {
            SERVER.close();
            try {
                ChildProcesses.deleteRecursively(STATE);
            } catch (IOException e) {
                System.err.println("TestKeycloak: cannot remove " + STATE + ": " + e.getMessage());
            }
        }
    }
}

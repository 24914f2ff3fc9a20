package io.lakeward.keyvault.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevCertificateAuthorityTest {
    private static final List<String> GATEWAY_NAMES = List.of("lakeward.localhost", "*.lakeward.localhost");

    @TempDir
    Path state;

    @Test
    void tenantHostsVerifyAgainstTheCaAndOtherHostsDoNot() throws Exception {
        DevCertificateAuthority ca = DevCertificateAuthority.loadOrCreate(state.resolve("ca"));
        ServerCertificate gateway = ca.issueServerCertificate("gateway", GATEWAY_NAMES);

        handshake(ca.sslContext(), gateway, "acme.lakeward.localhost");
        handshake(ca.sslContext(), gateway, "globex.lakeward.localhost");
        handshake(ca.sslContext(), gateway, "lakeward.localhost");
        // a wildcard covers exactly one label
        assertThrows(SSLHandshakeException.class, () -> handshake(ca.sslContext(), gateway, "a.b.lakeward.localhost"));
        assertThrows(SSLHandshakeException.class, () -> handshake(ca.sslContext(), gateway, "acme.lakeward.example"));
    }

    @Test
    void aClientOfOneCaRejectsTheCertificatesOfAnother() throws Exception {
        DevCertificateAuthority ours = DevCertificateAuthority.loadOrCreate(state.resolve("ours"));
        DevCertificateAuthority theirs = DevCertificateAuthority.loadOrCreate(state.resolve("theirs"));
        ServerCertificate impostor = theirs.issueServerCertificate("gateway", GATEWAY_NAMES);
        assertNotEquals(ours.caCertificate().getSubjectX500Principal(), theirs.caCertificate().getSubjectX500Principal());
        assertThrows(SSLHandshakeException.class, () -> handshake(ours.sslContext(), impostor, "acme.lakeward.localhost"));
    }

    @Test
    void keysAreOwnerOnlyAndTheCaSurvivesARestart() throws Exception {
        DevCertificateAuthority first = DevCertificateAuthority.loadOrCreate(state.resolve("ca"));
        ServerCertificate issued = first.issueServerCertificate("keycloak", List.of("auth.lakeward.localhost"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("ca/ca-key.pem"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(issued.privateKeyPem())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("ca"))));

        DevCertificateAuthority again = DevCertificateAuthority.loadOrCreate(state.resolve("ca"));
        assertEquals(first.caCertificate(), again.caCertificate());
        ServerCertificate reused = again.issueServerCertificate("keycloak", List.of("auth.lakeward.localhost"));
        assertEquals(issued.certificate(), reused.certificate());

        KeyStore truststore = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(again.truststore())) {
            truststore.load(in, DevCertificateAuthority.TRUSTSTORE_PASSWORD.toCharArray());
        }
        assertEquals(first.caCertificate(), truststore.getCertificate("lakeward-dev-ca"));
    }

    @Test
    void certificatesAreReissuedWhenNamesChangeOrTheEndNears() throws Exception {
        DevCertificateAuthority ca = DevCertificateAuthority.loadOrCreate(state.resolve("ca"));
        X509Certificate original = ca.issueServerCertificate("gateway", GATEWAY_NAMES).certificate();
        X509Certificate renamed = ca.issueServerCertificate("gateway", List.of("lakeward.test", "*.lakeward.test")).certificate();
        assertNotEquals(original, renamed);

        Clock later = Clock.fixed(Instant.now().plus(DevCertificateAuthority.SERVER_VALIDITY).minus(Duration.ofDays(10)), ZoneOffset.UTC);
        DevCertificateAuthority agedCa = DevCertificateAuthority.loadOrCreate(state.resolve("ca"), later);
        X509Certificate renewed = agedCa.issueServerCertificate("gateway", List.of("lakeward.test", "*.lakeward.test")).certificate();
        assertNotEquals(renamed, renewed);
        assertTrue(renewed.getNotAfter().after(renamed.getNotAfter()));
    }

    @Test
    void theRenewalWindowIsConfigurable() throws Exception {
        DevCertificateAuthority ca = DevCertificateAuthority.loadOrCreate(state.resolve("ca"));
        X509Certificate issued = ca.issueServerCertificate("gateway", GATEWAY_NAMES).certificate();
        Clock elevenDaysOn = Clock.fixed(Instant.now().plus(Duration.ofDays(11)), ZoneOffset.UTC);
        // 79 days left: inside an 80-day window, outside the default 30-day one
        assertEquals(issued, DevCertificateAuthority.loadOrCreate(state.resolve("ca"), elevenDaysOn, Duration.ofDays(30))
                .issueServerCertificate("gateway", GATEWAY_NAMES).certificate());
        X509Certificate renewed = DevCertificateAuthority.loadOrCreate(state.resolve("ca"), elevenDaysOn, Duration.ofDays(80))
                .issueServerCertificate("gateway", GATEWAY_NAMES).certificate();
        assertNotEquals(issued, renewed);
        assertThrows(IllegalArgumentException.class, () -> DevCertificateAuthority.loadOrCreate(state.resolve("ca"), Duration.ofDays(90)));
    }

    @Test
    void providedCertificatesAreCheckedBeforeUse() throws Exception {
        DevCertificateAuthority ca = DevCertificateAuthority.loadOrCreate(state.resolve("ca"));
        ServerCertificate gateway = ca.issueServerCertificate("gateway", GATEWAY_NAMES);
        ServerCertificate other = ca.issueServerCertificate("other", GATEWAY_NAMES);
        Clock now = Clock.systemUTC();
        ProvidedCertificate.check(gateway.certificatePem(), gateway.privateKeyPem(), List.of("lakeward.localhost", "*.lakeward.localhost"),
                Duration.ofDays(30), now);
        ProvidedCertificate.check(gateway.certificatePem(), gateway.privateKeyPem(), List.of("acme.lakeward.localhost"), Duration.ofDays(30), now);

        IllegalStateException wrongKey = assertThrows(IllegalStateException.class, () -> ProvidedCertificate.check(gateway.certificatePem(),
                other.privateKeyPem(), List.of("lakeward.localhost"), Duration.ofDays(30), now));
        assertTrue(wrongKey.getMessage().contains("does not belong"), wrongKey.getMessage());
        IllegalStateException names = assertThrows(IllegalStateException.class, () -> ProvidedCertificate.check(gateway.certificatePem(),
                gateway.privateKeyPem(), List.of("lakeward.example", "a.b.lakeward.localhost"), Duration.ofDays(30), now));
        assertTrue(names.getMessage().contains("does not cover"), names.getMessage());
        Clock expired = Clock.fixed(Instant.now().plus(Duration.ofDays(91)), ZoneOffset.UTC);
        assertTrue(assertThrows(IllegalStateException.class, () -> ProvidedCertificate.check(gateway.certificatePem(), gateway.privateKeyPem(),
                List.of("lakeward.localhost"), Duration.ofDays(30), expired)).getMessage().contains("not valid now"));
        Path garbage = Files.writeString(state.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        assertThrows(IllegalStateException.class, () -> ProvidedCertificate.check(garbage, gateway.privateKeyPem(),
                List.of("lakeward.localhost"), Duration.ofDays(30), now));
        assertThrows(IllegalStateException.class, () -> ProvidedCertificate.check(state.resolve("missing.pem"), gateway.privateKeyPem(),
                List.of("lakeward.localhost"), Duration.ofDays(30), now));
    }

    @Test
    void rejectsNamesThatCouldEscapeTheDirectory() throws Exception {
        DevCertificateAuthority ca = DevCertificateAuthority.loadOrCreate(state.resolve("ca"));
        assertThrows(IllegalArgumentException.class, () -> ca.issueServerCertificate("../ca", GATEWAY_NAMES));
        assertThrows(IllegalArgumentException.class, () -> ca.issueServerCertificate("gateway", List.of()));
    }

    /** A real TLS handshake on loopback, with the client checking the host name as HTTPS does. */
    private static void handshake(SSLContext client, ServerCertificate server, String hostName) throws Exception {
        SSLContext serverContext = serverContext(server);
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.startHandshake();
                } catch (IOException ignored) {
                    // the client decides the outcome
                }
            });
            try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                 SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(plain, hostName, listener.getLocalPort(), true)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
            } finally {
                accepted.get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static SSLContext serverContext(ServerCertificate server) throws Exception {
        List<X509Certificate> chain = DevCertificateAuthority.readCertificates(server.certificatePem());
        String pem = Files.readString(server.privateKeyPem()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, new char[0], chain.toArray(Certificate[]::new));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}

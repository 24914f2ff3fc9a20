package io.lakeward.keyvault.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development certificate authority of one state directory. It is created on first use
 * (an ECDSA P-256 root, valid {@value #CA_VALIDITY_DAYS} days) and issues the TLS server
 * certificates of the gateway and of Keycloak. Clients and tests trust it through the PEM file
 * {@link #caCertificatePem()} or the PKCS#12 truststore {@link #truststore()}.
 *
 * <p>Files in the directory: {@code ca.pem} (public), {@code ca-key.pem} (owner-only),
 * {@code truststore.p12} (public; its password {@value #TRUSTSTORE_PASSWORD} only guards the
 * file's integrity, as a truststore holds no secret), and per issued name {@code <name>.pem}
 * (chain) and {@code <name>-key.pem} (owner-only). A server certificate is issued again when it
 * comes within its renewal window (default {@link #RENEW_BEFORE}, {@code keyvault.tls.renew-before})
 * of its end, or when the requested names change. A running listener keeps the certificate it
 * started with: the renewal happens at start, so a platform restarted within the window serves the
 * new one.
 */
public final class DevCertificateAuthority {
    public static final String TRUSTSTORE_PASSWORD = "lakeward-truststore";
    static final int CA_VALIDITY_DAYS = 3650;
    static final int SERVER_VALIDITY_DAYS = 90;
    static final Duration SERVER_VALIDITY = Duration.ofDays(SERVER_VALIDITY_DAYS);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private static final Logger LOG = LoggerFactory.getLogger(DevCertificateAuthority.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final X509Certificate caCertificate;
    private final PrivateKey caKey;
    private final Clock clock;
    private final Duration renewBefore;

    private DevCertificateAuthority(Path directory, X509Certificate caCertificate, PrivateKey caKey, Clock clock, Duration renewBefore) {
        this.renewBefore = renewBefore;
        this.directory = directory;
        this.caCertificate = caCertificate;
        this.caKey = caKey;
        this.clock = clock;
    }

    /** Loads the CA kept in {@code directory}, creating it (and the directory, owner-only) on first use. */
    public static DevCertificateAuthority loadOrCreate(Path directory) throws IOException {
        return loadOrCreate(directory, Clock.systemUTC(), RENEW_BEFORE);
    }

    /**
     * Like {@link #loadOrCreate(Path)}, renewing server certificates that end within {@code renewBefore}
     * (shorter than their {@value #SERVER_VALIDITY_DAYS}-day validity).
     */
    public static DevCertificateAuthority loadOrCreate(Path directory, Duration renewBefore) throws IOException {
        return loadOrCreate(directory, Clock.systemUTC(), renewBefore);
    }

    static DevCertificateAuthority loadOrCreate(Path directory, Clock clock) throws IOException {
        return loadOrCreate(directory, clock, RENEW_BEFORE);
    }

    static DevCertificateAuthority loadOrCreate(Path directory, Clock clock, Duration renewBefore) throws IOException {
        if (renewBefore.isNegative() || renewBefore.compareTo(SERVER_VALIDITY) >= 0) {
            throw new IllegalArgumentException("the renewal window must be shorter than the certificates' validity");
        }
        createOwnerOnlyDirectory(directory);
        Path certificateFile = directory.resolve("ca.pem");
        Path keyFile = directory.resolve("ca-key.pem");
        if (!Files.exists(certificateFile) || !Files.exists(keyFile)) {
            createCa(directory, clock);
        }
        X509Certificate certificate = readCertificates(certificateFile).get(0);
        PrivateKey key = readPrivateKey(keyFile);
        DevCertificateAuthority ca = new DevCertificateAuthority(directory, certificate, key, clock, renewBefore);
        if (!Files.exists(ca.truststore())) {
            ca.writeTruststore();
        }
        return ca;
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    public Path caCertificatePem() {
        return directory.resolve("ca.pem");
    }

    public Path truststore() {
        return directory.resolve("truststore.p12");
    }

    /**
     * The certificate for {@code name} covering exactly {@code dnsNames} (wildcards such as
     * {@code *.lakeward.localhost} allowed) and the loopback addresses; reuses the one on disk
     * while it is valid for long enough and names the same hosts.
     */
    public synchronized ServerCertificate issueServerCertificate(String name, List<String> dnsNames) throws IOException {
        if (!name.matches("[a-z][a-z0-9-]{0,40}")) {
            throw new IllegalArgumentException("certificate name must be a short lowercase word");
        }
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one DNS name");
        }
        Path certificateFile = directory.resolve(name + ".pem");
        Path keyFile = directory.resolve(name + "-key.pem");
        if (Files.exists(certificateFile) && Files.exists(keyFile)) {
            X509Certificate existing = readCertificates(certificateFile).get(0);
            if (stillGood(existing, dnsNames)) {
                return new ServerCertificate(certificateFile, keyFile, existing);
            }
            LOG.info("Renewing the development certificate '{}' (near its end, or its names changed)", name);
        }
        KeyPair keyPair = newKeyPair();
        X509Certificate certificate = signServerCertificate(keyPair, dnsNames);
        writeAtomically(keyFile, pem(new PrivateKeyInfoHolder(keyPair.getPrivate())), true);
        writeAtomically(certificateFile, pem(certificate) + pem(caCertificate), false);
        return new ServerCertificate(certificateFile, keyFile, certificate);
    }

    /** A TLS client context that trusts this CA and nothing else. */
    public SSLContext sslContext() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("lakeward-dev-ca", caCertificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), RANDOM);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context for the development CA", e);
        }
    }

    private boolean stillGood(X509Certificate certificate, List<String> dnsNames) {
        Instant renewAt = certificate.getNotAfter().toInstant().minus(renewBefore);
        if (clock.instant().isAfter(renewAt) || !certificate.getIssuerX500Principal().equals(caCertificate.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(caCertificate.getPublicKey());
            Set<String> present = new HashSet<>();
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> entry : names) {
                    if (Integer.valueOf(GeneralName.dNSName).equals(entry.get(0))) {
                        present.add((String) entry.get(1));
                    }
                }
            }
            return present.equals(new HashSet<>(dnsNames));
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private X509Certificate signServerCertificate(KeyPair keyPair, List<String> dnsNames) throws IOException {
        Instant now = clock.instant();
        List<GeneralName> names = new ArrayList<>();
        for (String dnsName : dnsNames) {
            names.add(new GeneralName(GeneralName.dNSName, dnsName));
        }
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        names.add(new GeneralName(GeneralName.iPAddress, "::1"));
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    caCertificate,
                    serialNumber(),
                    Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(SERVER_VALIDITY)),
                    new X500Name("CN=" + dnsNames.get(0).replace("*.", "wildcard.") + ",O=Lakeward development"),
                    keyPair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keyPair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(caCertificate));
            return sign(builder, caKey);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot issue a server certificate", e);
        }
    }

    private static void createCa(Path directory, Clock clock) throws IOException {
        LOG.info("Creating the development certificate authority in {}", directory);
        KeyPair keyPair = newKeyPair();
        Instant now = clock.instant();
        X500Name subject = new X500Name("CN=Lakeward development CA " + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE) + ",O=Lakeward development");
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject, serialNumber(),
                    Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(CA_VALIDITY_DAYS))),
                    subject, keyPair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
            X509Certificate certificate = sign(builder, keyPair.getPrivate());
            // key first: a certificate without its key would be an unusable CA on the next start
            writeAtomically(directory.resolve("ca-key.pem"), pem(new PrivateKeyInfoHolder(keyPair.getPrivate())), true);
            writeAtomically(directory.resolve("ca.pem"), pem(certificate), false);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create the development CA", e);
        }
    }

    private void writeTruststore() throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("lakeward-dev-ca", caCertificate);
            Path temporary = Files.createTempFile(directory, "truststore", ".tmp");
            try (var out = Files.newOutputStream(temporary)) {
                store.store(out, TRUSTSTORE_PASSWORD.toCharArray());
            }
            move(temporary, truststore());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the truststore", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signingKey);
            X509CertificateHolder holder = builder.build(signer);
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available in this JVM", e);
        }
    }

    private static BigInteger serialNumber() {
        return new BigInteger(159, RANDOM);
    }

    static List<X509Certificate> readCertificates(Path file) throws IOException {
        List<X509Certificate> certificates = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (CertificateException e) {
            throw new IOException("not a certificate: " + file.getFileName(), e);
        }
        if (certificates.isEmpty()) {
            throw new IOException("no certificate in " + file.getFileName());
        }
        return certificates;
    }

    static PrivateKey readPrivateKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            Object item = parser.readObject();
            if (item instanceof PrivateKeyInfo info) {
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
            if (item instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
                return new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
            }
            throw new IOException("no PKCS#8 private key in " + file.getFileName());
        }
    }

    private static String pem(Object object) throws IOException {
        if (object instanceof PrivateKeyInfoHolder holder) {
            // PKCS#8 ("PRIVATE KEY"), the form Vert.x, Quarkus and OpenSSL all read
            return "-----BEGIN PRIVATE KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(holder.info().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
        }
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private static void writeAtomically(Path target, String content, boolean ownerOnly) throws IOException {
        Path temporary = Files.createTempFile(target.getParent(), ".tmp-", ".pem",
                PosixFilePermissions.asFileAttribute(ownerOnly ? OWNER_ONLY : PosixFilePermissions.fromString("rw-r--r--")));
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.US_ASCII)) {
            writer.write(content);
        }
        move(temporary, target);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void createOwnerOnlyDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory.getParent());
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            } catch (FileAlreadyExistsException e) {
                // created by a concurrent caller; fine
            }
        }
    }

    /** PKCS#8 form for the PEM writer, so keys are written as "PRIVATE KEY" whatever their algorithm. */
    private record PrivateKeyInfoHolder(PrivateKey key) {
        PrivateKeyInfoHolder {
            Objects.requireNonNull(key);
        }

        PrivateKeyInfo info() {
            return PrivateKeyInfo.getInstance(key.getEncoded());
        }
    }
}

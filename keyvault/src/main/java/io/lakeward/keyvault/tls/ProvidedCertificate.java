package io.lakeward.keyvault.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A production TLS certificate from operator-provided PEM files (chain and PKCS#8 key), checked at
 * start so that a listener never comes up with a certificate that cannot work: both files readable,
 * the key matching the leaf, the leaf valid now and covering every required host name. A
 * certificate that ends within the warning window is logged at warn level on every start. The
 * files are the operator's to renew; a restart picks up new ones.
 */
public final class ProvidedCertificate {
    private static final Logger LOG = LoggerFactory.getLogger(ProvidedCertificate.class);

    private ProvidedCertificate() {
    }

    /**
     * Checks the files and returns them as a {@link ServerCertificate}.
     *
     * @throws IllegalStateException naming what is wrong (never the key's content)
     */
    public static ServerCertificate check(Path certificatePem, Path privateKeyPem, List<String> requiredNames, Duration warnBefore, Clock clock) {
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            if (!Files.isReadable(certificatePem) || !Files.isReadable(privateKeyPem)) {
                throw new IllegalStateException("the TLS certificate or key file cannot be read: " + certificatePem + ", " + privateKeyPem);
            }
            chain = DevCertificateAuthority.readCertificates(certificatePem);
            key = DevCertificateAuthority.readPrivateKey(privateKeyPem);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalStateException known) {
                throw known;
            }
            throw new IllegalStateException("the TLS certificate " + certificatePem + " or its key " + privateKeyPem
                    + " is not a PEM certificate chain and PKCS#8 private key");
        }
        X509Certificate leaf = chain.get(0);
        if (!matches(key, leaf)) {
            throw new IllegalStateException("the TLS private key " + privateKeyPem + " does not belong to the certificate " + certificatePem);
        }
        Instant now = clock.instant();
        if (now.isBefore(leaf.getNotBefore().toInstant()) || !now.isBefore(leaf.getNotAfter().toInstant())) {
            throw new IllegalStateException("the TLS certificate " + certificatePem + " is not valid now (valid "
                    + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant() + ")");
        }
        List<String> names = dnsNames(leaf);
        List<String> uncovered = requiredNames.stream().filter(name -> !covers(names, name)).toList();
        if (!uncovered.isEmpty()) {
            throw new IllegalStateException("the TLS certificate " + certificatePem + " does not cover " + uncovered + " (it names " + names + ")");
        }
        if (now.plus(warnBefore).isAfter(leaf.getNotAfter().toInstant())) {
            LOG.warn("the TLS certificate {} ends at {}: renew it (the platform picks the new files up at its next start)",
                    certificatePem, leaf.getNotAfter().toInstant());
        }
        return new ServerCertificate(certificatePem, privateKeyPem, leaf);
    }

    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "ED25519" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            byte[] probe = "lakeward/tls-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (Integer.valueOf(2).equals(entry.get(0))) {
                        names.add(((String) entry.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return names;
        }
        return names;
    }

    /** Whether {@code names} covers {@code host}: exactly, or by a wildcard of one label ({@code *.example.com}). */
    static boolean covers(List<String> names, String host) {
        String wanted = host.toLowerCase(Locale.ROOT);
        for (String name : names) {
            if (name.equals(wanted)) {
                return true;
            }
            if (wanted.startsWith("*.") && name.equals(wanted)) {
                return true;
            }
            if (name.startsWith("*.") && !wanted.startsWith("*.")) {
                int dot = wanted.indexOf('.');
                if (dot > 0 && wanted.substring(dot + 1).equals(name.substring(2))) {
                    return true;
                }
            }
        }
        return false;
    }
}

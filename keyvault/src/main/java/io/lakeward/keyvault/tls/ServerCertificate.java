package io.lakeward.keyvault.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * A TLS server certificate issued by the development CA: the PEM chain (leaf, then CA) and the
 * PKCS#8 PEM private key, readable only by the owner.
 */
public record ServerCertificate(Path certificatePem, Path privateKeyPem, X509Certificate certificate) {
}

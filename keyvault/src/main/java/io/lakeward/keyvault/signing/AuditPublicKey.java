package io.lakeward.keyvault.signing;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The public half of the platform's Ed25519 audit-signing key: what an auditor needs, besides an
 * export, to check it offline. Exported as a PEM {@code PUBLIC KEY} block (X.509
 * SubjectPublicKeyInfo); its fingerprint is {@code SHA256:} followed by the lowercase hexadecimal
 * SHA-256 of that DER encoding, and is named in every checkpoint and export manifest.
 */
public final class AuditPublicKey {
    static final String ALGORITHM = "Ed25519";
    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";

    private final PublicKey key;
    private final byte[] encoded;
    private final String fingerprint;

    AuditPublicKey(PublicKey key) {
        this.key = Objects.requireNonNull(key, "key");
        if (!ALGORITHM.equals(key.getAlgorithm()) && !"EdDSA".equals(key.getAlgorithm())) {
            throw LakewardException.invalidParameter("the audit public key must be an Ed25519 key");
        }
        this.encoded = key.getEncoded();
        this.fingerprint = fingerprintOf(encoded);
    }

    /** Reads a PEM {@code PUBLIC KEY} block holding an Ed25519 key; anything else is refused. */
    public static AuditPublicKey fromPem(String pem) {
        Objects.requireNonNull(pem, "pem");
        int begin = pem.indexOf(PEM_BEGIN);
        int end = pem.indexOf(PEM_END);
        if (begin < 0 || end < begin) {
            throw LakewardException.invalidParameter("the audit public key is not a PEM PUBLIC KEY block");
        }
        String body = pem.substring(begin + PEM_BEGIN.length(), end).replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(body);
            return new AuditPublicKey(KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new LakewardException(ErrorCode.INVALID_PARAMETER_VALUE, "the audit public key is not a readable Ed25519 key", e);
        }
    }

    /** The key as a PEM {@code PUBLIC KEY} block, ending with a newline. */
    public String toPem() {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(encoded);
        return PEM_BEGIN + "\n" + body + "\n" + PEM_END + "\n";
    }

    /** {@code SHA256:<64 hexadecimal digits>} of the SubjectPublicKeyInfo encoding. */
    public String fingerprint() {
        return fingerprint;
    }

    /** Whether {@code signature} is this key's Ed25519 signature of {@code message}; never throws for bad input. */
    public boolean verifies(byte[] message, byte[] signature) {
        if (message == null || signature == null || signature.length != 64) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Same as {@link #verifies(byte[], byte[])} with the signature in base64; false if it is not base64. */
    public boolean verifiesBase64(byte[] message, String signature) {
        try {
            return signature != null && verifies(message, Base64.getDecoder().decode(signature));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String fingerprintOf(byte[] encoded) {
        try {
            return "SHA256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "AuditPublicKey[" + fingerprint + "]";
    }
}

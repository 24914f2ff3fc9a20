package io.lakeward.keyvault.signing;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.files.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * The platform's Ed25519 audit-signing key: it signs the audit log's checkpoints and export
 * manifests. Generated at first start into a directory of its own: the private key as a PKCS#8
 * PEM file readable by the owner alone ({@value #PRIVATE_KEY_FILE}, written atomically), the
 * public key beside it ({@value #PUBLIC_KEY_FILE}) for auditors. The private key never leaves
 * this object: there is no accessor, and {@code toString()} names only the fingerprint.
 *
 * <p>Thread-safe: every signature uses a fresh {@link Signature} instance.
 */
public final class AuditSigningKey {
    public static final String PRIVATE_KEY_FILE = "audit-signing-key.pem";
    public static final String PUBLIC_KEY_FILE = "audit-signing-public.pem";
    private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PEM_END = "-----END PRIVATE KEY-----";
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /** SubjectPublicKeyInfo of an Ed25519 key up to the 32 key bytes (RFC 8410, section 4). */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final PrivateKey privateKey;
    private final AuditPublicKey publicKey;

    private AuditSigningKey(PrivateKey privateKey, AuditPublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** A fresh key held in memory only (tests and benchmarks). */
    public static AuditSigningKey generate() {
        KeyPair pair = newKeyPair(new SecureRandom());
        return new AuditSigningKey(pair.getPrivate(), new AuditPublicKey(pair.getPublic()));
    }

    /**
     * The key kept in {@code directory}, generated there at first use. A private key file that
     * group or others may access is refused (the key may have leaked: replace it deliberately),
     * and so is a public key file that does not belong to the private key.
     */
    public static AuditSigningKey loadOrCreate(Path directory) {
        Path privateFile = directory.resolve(PRIVATE_KEY_FILE);
        Path publicFile = directory.resolve(PUBLIC_KEY_FILE);
        try {
            if (!Files.exists(privateFile)) {
                KeyPair pair = newKeyPair(new SecureRandom());
                AuditSigningKey key = new AuditSigningKey(pair.getPrivate(), new AuditPublicKey(pair.getPublic()));
                SecretFiles.writeOwnerOnly(privateFile, toPem(pair.getPrivate()));
                SecretFiles.writeOwnerOnly(publicFile, key.publicKey.toPem());
                return key;
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(privateFile);
            if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the audit signing key " + privateFile
                        + " is accessible to group or others; it must be owner-only (rw-------)");
            }
            PrivateKey privateKey = parsePrivate(SecretFiles.read(privateFile));
            AuditSigningKey key = new AuditSigningKey(privateKey, new AuditPublicKey(derivePublic(privateKey)));
            if (!Files.exists(publicFile)) {
                SecretFiles.writeOwnerOnly(publicFile, key.publicKey.toPem());
            } else if (!AuditPublicKey.fromPem(Files.readString(publicFile)).fingerprint().equals(key.fingerprint())) {
                throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the audit public key " + publicFile
                        + " does not belong to the audit signing key beside it");
            }
            return key;
        } catch (IOException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the audit signing key in " + directory + " cannot be read or written", e);
        } catch (GeneralSecurityException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the audit signing key in " + directory + " is not a usable Ed25519 key", e);
        }
    }

    /** The Ed25519 signature (64 bytes) of {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature signer = Signature.getInstance(AuditPublicKey.ALGORITHM);
            signer.initSign(privateKey);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** The signature of {@code message} in base64. */
    public String signBase64(byte[] message) {
        return Base64.getEncoder().encodeToString(sign(message));
    }

    public AuditPublicKey publicKey() {
        return publicKey;
    }

    /** The public key's fingerprint, {@code SHA256:<hex>}. */
    public String fingerprint() {
        return publicKey.fingerprint();
    }

    @Override
    public String toString() {
        return "AuditSigningKey[" + fingerprint() + "]";
    }

    private static KeyPair newKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(AuditPublicKey.ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is missing from this JVM", e);
        }
    }

    private static String toPem(PrivateKey key) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return PEM_BEGIN + "\n" + body + "\n" + PEM_END + "\n";
    }

    private static PrivateKey parsePrivate(String pem) {
        int begin = pem.indexOf(PEM_BEGIN);
        int end = pem.indexOf(PEM_END);
        if (begin < 0 || end < begin) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the audit signing key file is not a PEM PRIVATE KEY block");
        }
        try {
            byte[] der = Base64.getDecoder().decode(pem.substring(begin + PEM_BEGIN.length(), end).replaceAll("\\s", ""));
            return KeyFactory.getInstance(AuditPublicKey.ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the audit signing key file is not a readable Ed25519 key", e);
        }
    }

    /**
     * The public key of an Ed25519 private key, computed from its seed (Bouncy Castle; the JDK
     * offers no derivation) and wrapped in the fixed SubjectPublicKeyInfo prefix of RFC 8410.
     */
    private static PublicKey derivePublic(PrivateKey privateKey) throws GeneralSecurityException {
        byte[] seed = ((EdECPrivateKey) privateKey).getBytes()
                .orElseThrow(() -> new GeneralSecurityException("the Ed25519 private key has no seed"));
        byte[] raw = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
        return KeyFactory.getInstance(AuditPublicKey.ALGORITHM).generatePublic(new X509EncodedKeySpec(spki));
    }
}

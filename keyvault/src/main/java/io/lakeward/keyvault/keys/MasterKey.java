package io.lakeward.keyvault.keys;

import io.lakeward.common.files.SecretFiles;
import io.lakeward.common.config.Secret;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The platform master key: 256 random bits at the root of the key hierarchy. It never encrypts
 * data itself; subkeys for a stated purpose are derived from it with HKDF-SHA256 (RFC 5869, Bouncy
 * Castle), e.g. the password of the {@link TenantKeyStore}.
 *
 * <p>In production it comes from a {@link Secret} (environment variable or file, base64 of 32
 * bytes); the embedded default generates it at first start into an owner-only file
 * ({@link #loadOrCreate(Path)}). Its bytes never appear in {@code toString()}, logs or errors.
 */
public final class MasterKey {
    /** Length of the master key in bytes. */
    public static final int LENGTH = 32;

    private static final byte[] HKDF_SALT = "lakeward/master-key/hkdf-salt/v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;

    private MasterKey(byte[] key) {
        if (key.length != LENGTH) {
            throw LakewardException.invalidParameter("the master key must be " + LENGTH + " bytes, base64-encoded");
        }
        this.key = key.clone();
    }

    /** A new random master key. */
    public static MasterKey generate(SecureRandom random) {
        byte[] bytes = new byte[LENGTH];
        random.nextBytes(bytes);
        try {
            return new MasterKey(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The master key from its base64 text form (environment variable or secret file). */
    public static MasterKey fromSecret(Secret secret) {
        Objects.requireNonNull(secret, "secret");
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(secret.reveal().strip());
        } catch (IllegalArgumentException e) {
            // the decoder's message may quote the offending character: do not pass it on
            throw LakewardException.invalidParameter("the master key must be " + LENGTH + " bytes, base64-encoded");
        }
        try {
            return new MasterKey(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Reads the master key from {@code file}, or generates one and writes it there (owner-only,
     * written to a temporary file, synced, then atomically renamed) when the file does not exist.
     * An existing file that group or others may access is refused rather than used.
     */
    public static MasterKey loadOrCreate(Path file) {
        return loadOrCreate(file, new SecureRandom());
    }

    static MasterKey loadOrCreate(Path file, SecureRandom random) {
        Objects.requireNonNull(file, "file");
        try {
            return load(file);
        } catch (NoSuchFileException missing) {
            MasterKey created = generate(random);
            byte[] text = Base64.getEncoder().encode(created.key);
            try {
                SecretFiles.writeOwnerOnly(file, text);
            } catch (IOException e) {
                throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the master key file cannot be written", e);
            } finally {
                Arrays.fill(text, (byte) 0);
            }
            return created;
        } catch (IOException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the master key file cannot be read", e);
        }
    }

    private static MasterKey load(Path file) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (!SecretFiles.OWNER_ONLY_FILE.containsAll(permissions)) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR,
                    "the master key file " + file + " must be readable by its owner only (chmod 600)");
        }
        byte[] text = Files.readAllBytes(file);
        try {
            return fromSecret(Secret.of(new String(text, StandardCharsets.US_ASCII)));
        } catch (LakewardException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR,
                    "the master key file " + file + " does not hold " + LENGTH + " base64-encoded bytes");
        } finally {
            Arrays.fill(text, (byte) 0);
        }
    }

    /**
     * Derives {@code length} bytes for one purpose with HKDF-SHA256; different {@code purpose}
     * strings give independent keys. The caller owns (and should clear) the result.
     */
    byte[] derive(String purpose, int length) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(key, HKDF_SALT, purpose.getBytes(StandardCharsets.UTF_8)));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }

    @Override
    public String toString() {
        return "MasterKey[redacted]";
    }
}

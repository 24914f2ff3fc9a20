package io.lakeward.keyvault;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.keyvault.api.ScopedToken;
import io.lakeward.keyvault.api.ScopedTokens;
import io.lakeward.keyvault.api.TokenScope;
import io.lakeward.keyvault.keys.EnvelopeCipher;
import io.lakeward.keyvault.keys.MasterKey;
import io.lakeward.keyvault.keys.TenantKeyStore;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keyvault of one platform process, opened once by the composition root: the master key, the
 * tenants' keystore, envelope encryption for the services in this JVM, the scoped tokens of the
 * wrap/unwrap API, and tenant key life cycle (create at provisioning, destroy at deletion).
 *
 * <p>Blocking (keystore writes, crypto): call from a worker pool. Thread-safe.
 */
public final class Keyvault {
    private static final Logger LOG = LoggerFactory.getLogger(Keyvault.class);
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}");
    /** Largest data key the wrap API takes: 512 bits is more than any AES or HMAC key needs. */
    public static final int MAX_DATA_KEY_BYTES = 64;

    private final TenantKeyStore keys;
    private final EnvelopeCipher cipher;
    private final ScopedTokens tokens;
    private final boolean createdNow;

    private Keyvault(TenantKeyStore keys, ScopedTokens tokens, boolean createdNow) {
        this.keys = keys;
        this.cipher = new EnvelopeCipher(keys);
        this.tokens = tokens;
        this.createdNow = createdNow;
    }

    /**
     * Opens the master key and the tenant keystore.
     *
     * @throws LakewardException {@code INTERNAL_ERROR} with an operator-readable message when the
     *     keystore cannot be opened with this master key (wrong key, corrupted file) or when the
     *     keystore exists but the generated master key file is gone: the platform must not start,
     *     and it never starts with a new key in place of a lost one
     */
    public static Keyvault open(KeyvaultConfig config, Clock clock) {
        Objects.requireNonNull(config, "config");
        boolean keystoreExists = Files.exists(config.keystoreFile());
        MasterKey master;
        if (config.masterKey().isPresent()) {
            try {
                master = MasterKey.fromSecret(config.masterKey().get());
            } catch (LakewardException e) {
                throw new LakewardException(ErrorCode.INTERNAL_ERROR, "keyvault.master-key: " + e.getMessage());
            }
        } else {
            if (keystoreExists && !Files.exists(config.masterKeyFile())) {
                throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the tenant keystore " + config.keystoreFile()
                        + " exists but its master key file " + config.masterKeyFile() + " does not: restore the master key"
                        + " (or set keyvault.master-key); the platform does not start with a new key in place of a lost one");
            }
            master = MasterKey.loadOrCreate(config.masterKeyFile());
        }
        TenantKeyStore store = TenantKeyStore.open(config.keystoreFile(), master, new BouncyCastleProvider());
        LOG.info("keyvault opened: {} ({})", config.keystoreFile(), keystoreExists ? "existing" : "new");
        return new Keyvault(store, new ScopedTokens(config.tokenLifetime(), clock), !keystoreExists);
    }

    /** Whether this opening created the keystore (it did not exist before). */
    public boolean keystoreCreatedNow() {
        return createdNow;
    }

    /** Gives the tenant its first key-encryption key unless it has one; returns its current version. */
    public int ensureTenantKey(TenantId tenant) {
        synchronized (keys) {
            if (keys.hasTenant(tenant)) {
                return keys.currentVersion(tenant);
            }
            int version = keys.createTenant(tenant);
            LOG.info("created the key-encryption key of tenant {}", tenant);
            return version;
        }
    }

    /** Whether the tenant has key-encryption keys. */
    public boolean hasTenantKey(TenantId tenant) {
        return keys.hasTenant(tenant);
    }

    /**
     * Crypto-shredding: revokes every scoped token of the tenant, then destroys every version of
     * its key-encryption key. Returns the number of tokens revoked.
     */
    public ShredResult shred(TenantId tenant) {
        int revoked = tokens.revokeTenant(tenant);
        boolean destroyed = keys.destroyTenant(tenant);
        // a token issued between the two steps finds no key; revoke once more for a clean table
        revoked += tokens.revokeTenant(tenant);
        LOG.info("shredded tenant {}: keys destroyed {}, {} token(s) revoked", tenant, destroyed, revoked);
        return new ShredResult(destroyed, revoked);
    }

    /** What {@link #shred} did. */
    public record ShredResult(boolean keysDestroyed, int tokensRevoked) {
    }

    /** Envelope encryption under the tenants' keys, for the services in this JVM. */
    public EnvelopeCipher cipher() {
        return cipher;
    }

    /** The tenants' key-encryption keys (versions, rotation). */
    public TenantKeyStore keys() {
        return keys;
    }

    /** The scoped tokens of the wrap/unwrap API. */
    public ScopedTokens tokens() {
        return tokens;
    }

    /**
     * Issues a token for a caller outside the platform JVM (e.g. a cluster driver) to wrap and
     * unwrap the tenant's data keys. The tenant must have a key.
     */
    public ScopedToken issueToken(TenantId tenant, String caller) {
        TokenScope scope = new TokenScope(tenant, caller);
        if (!keys.hasTenant(tenant)) {
            throw LakewardException.notFound("the tenant has no key-encryption key");
        }
        return tokens.issue(scope);
    }

    /**
     * Wraps a data key under the tenant's current key-encryption key, bound to the tenant and to
     * {@code keyId} (e.g. the table the key encrypts): unwrapping it for another tenant or key id fails.
     */
    public byte[] wrapKey(TenantId tenant, String keyId, byte[] dataKey) {
        checkKeyId(keyId);
        if (dataKey == null || dataKey.length < 16 || dataKey.length > MAX_DATA_KEY_BYTES) {
            throw LakewardException.invalidParameter("a data key is 16 to " + MAX_DATA_KEY_BYTES + " bytes");
        }
        return cipher.encrypt(tenant, wrapObjectId(keyId), dataKey);
    }

    /**
     * Unwraps what {@link #wrapKey} made for the same tenant and key id.
     *
     * @throws LakewardException {@code INVALID_PARAMETER_VALUE} when it cannot (tampered, another
     *     tenant or key id, destroyed key): the reason is not told
     */
    public byte[] unwrapKey(TenantId tenant, String keyId, byte[] wrapped) {
        checkKeyId(keyId);
        if (wrapped == null || wrapped.length > 1024) {
            throw LakewardException.invalidParameter("the wrapped key cannot be unwrapped");
        }
        try {
            return cipher.decrypt(tenant, wrapObjectId(keyId), wrapped);
        } catch (LakewardException e) {
            throw LakewardException.invalidParameter("the wrapped key cannot be unwrapped");
        }
    }

    private static String wrapObjectId(String keyId) {
        return "wrapped-key/" + keyId;
    }

    private static void checkKeyId(String keyId) {
        if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
            throw LakewardException.invalidParameter("a key id is 1 to 256 of A-Z a-z 0-9 . _ : / - and starts with a letter or digit");
        }
    }

    static void clearBytes(byte[] bytes) {
        if (bytes != null) {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "Keyvault[" + keys + "]";
    }
}

package io.lakeward.keyvault.keys;

import io.lakeward.common.files.SecretFiles;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants' key-encryption keys (KEK): AES-256 keys, versioned per tenant, kept in one BCFKS
 * keystore file (Bouncy Castle FIPS-style keystore, encrypted and MAC-protected as a whole).
 * Entries are named {@code tenant/<tenant id>/v<version>}.
 *
 * <p>The keystore password is derived from the {@link MasterKey} with HKDF-SHA256 (purpose
 * {@value #PASSWORD_PURPOSE}); it is 256 bits of key material, so the PBKDF2 that BCFKS applies to
 * it on top adds no weakness. Without the master key the file yields neither keys nor aliases; a
 * wrong master key or a corrupted file makes {@link #open} fail.
 *
 * <p>Thread-safe. Changes ({@link #createTenant}, {@link #rotate}, {@link #destroyTenant}) are
 * serialized and each rewrites the whole file atomically (temporary file, fsync, rename), owner-only;
 * readers use an immutable in-memory snapshot that is swapped only after the file is durable, so
 * they never see a half-applied change. A change whose write fails is undone in memory too.
 */
public final class TenantKeyStore {
    static final String PASSWORD_PURPOSE = "lakeward/keyvault/tenant-keystore-password/v1";
    private static final String KEYSTORE_TYPE = "BCFKS";
    private static final int KEY_BYTES = 32;
    private static final Pattern ALIAS = Pattern.compile("tenant/([a-z0-9-]+)/v([1-9][0-9]{0,8})");
    private static final Logger LOG = LoggerFactory.getLogger(TenantKeyStore.class);

    private final Path file;
    private final char[] password;
    private final SecureRandom random;
    private final Object writeLock = new Object();
    /** Guarded by {@link #writeLock}. */
    private final KeyStore keyStore;
    /** Immutable; replaced as a whole under {@link #writeLock}. */
    private volatile Map<TenantId, NavigableMap<Integer, TenantKey>> snapshot;

    private TenantKeyStore(Path file, char[] password, SecureRandom random, KeyStore keyStore,
            Map<TenantId, NavigableMap<Integer, TenantKey>> snapshot) {
        this.file = file;
        this.password = password;
        this.random = random;
        this.keyStore = keyStore;
        this.snapshot = snapshot;
    }

    /**
     * Opens the keystore at {@code file}, creating an empty one when the file does not exist.
     *
     * @param bouncyCastle a Bouncy Castle provider instance; it is used explicitly, never registered
     * @throws LakewardException {@code INTERNAL_ERROR} when the file cannot be opened with this master
     *     key (wrong key or corrupted file); the platform must then refuse to start
     */
    public static TenantKeyStore open(Path file, MasterKey masterKey, Provider bouncyCastle) {
        return open(file, masterKey, bouncyCastle, new SecureRandom());
    }

    static TenantKeyStore open(Path file, MasterKey masterKey, Provider bouncyCastle, SecureRandom random) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(masterKey, "masterKey");
        Objects.requireNonNull(bouncyCastle, "bouncyCastle");
        char[] password = password(masterKey);
        KeyStore keyStore;
        Map<TenantId, NavigableMap<Integer, TenantKey>> keys = new HashMap<>();
        boolean exists = Files.exists(file);
        try {
            keyStore = KeyStore.getInstance(KEYSTORE_TYPE, bouncyCastle);
            if (exists) {
                byte[] content = Files.readAllBytes(file);
                keyStore.load(new ByteArrayInputStream(content), password);
                for (String alias : Collections.list(keyStore.aliases())) {
                    readEntry(keyStore, alias, password, keys);
                }
            } else {
                keyStore.load(null, null);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            Arrays.fill(password, '\0');
            if (e instanceof LakewardException known) {
                throw known;
            }
            // BCFKS reports a wrong password and a damaged file alike; neither may be guessed around
            LOG.error("Cannot open the tenant keystore {}: {}", file, e.getClass().getSimpleName());
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the tenant keystore " + file
                    + " cannot be opened: the master key is wrong or the file is corrupted");
        }
        TenantKeyStore store = new TenantKeyStore(file, password, random, keyStore, freeze(keys));
        if (!exists) {
            synchronized (store.writeLock) {
                store.persist();
            }
            LOG.info("Created an empty tenant keystore at {}", file);
        }
        return store;
    }

    private static void readEntry(KeyStore keyStore, String alias, char[] password,
            Map<TenantId, NavigableMap<Integer, TenantKey>> keys) throws GeneralSecurityException {
        Matcher matcher = ALIAS.matcher(alias);
        if (!matcher.matches()) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the tenant keystore holds an unexpected entry");
        }
        Key key = keyStore.getKey(alias, password);
        if (!(key instanceof SecretKey secret) || secret.getEncoded() == null || secret.getEncoded().length != KEY_BYTES) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the tenant keystore holds an entry that is not an AES-256 key");
        }
        int version = Integer.parseInt(matcher.group(2));
        SecretKey aes = new SecretKeySpec(secret.getEncoded(), "AES");
        keys.computeIfAbsent(TenantId.of(matcher.group(1)), id -> new TreeMap<>()).put(version, new TenantKey(version, aes));
    }

    static char[] password(MasterKey masterKey) {
        byte[] derived = masterKey.derive(PASSWORD_PURPOSE, 32);
        try {
            return Base64.getEncoder().withoutPadding().encodeToString(derived).toCharArray();
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    /**
     * Gives a tenant its first key-encryption key, version 1.
     *
     * @throws LakewardException {@code RESOURCE_ALREADY_EXISTS} when the tenant already has keys
     */
    public int createTenant(TenantId tenant) {
        Objects.requireNonNull(tenant, "tenant");
        synchronized (writeLock) {
            if (snapshot.containsKey(tenant)) {
                throw new LakewardException(ErrorCode.RESOURCE_ALREADY_EXISTS, "the tenant already has a key-encryption key");
            }
            addVersion(tenant, 1);
            return 1;
        }
    }

    /**
     * Adds a new key-encryption key version for the tenant and makes it current. Older versions stay
     * available for decryption until the tenant is destroyed.
     *
     * @return the new current version
     */
    public int rotate(TenantId tenant) {
        Objects.requireNonNull(tenant, "tenant");
        synchronized (writeLock) {
            int next = versionsOf(tenant).lastKey() + 1;
            addVersion(tenant, next);
            LOG.info("Rotated the key-encryption key of tenant {} to version {}", tenant, next);
            return next;
        }
    }

    /**
     * Destroys every key-encryption key version of the tenant (crypto-shredding): once this returns,
     * the keystore file no longer holds them and data wrapped under them cannot be decrypted.
     *
     * @return whether the tenant had keys
     */
    public boolean destroyTenant(TenantId tenant) {
        Objects.requireNonNull(tenant, "tenant");
        synchronized (writeLock) {
            NavigableMap<Integer, TenantKey> versions = snapshot.get(tenant);
            if (versions == null) {
                return false;
            }
            try {
                for (int version : versions.keySet()) {
                    keyStore.deleteEntry(alias(tenant, version));
                }
            } catch (GeneralSecurityException e) {
                restore(tenant, versions);
                throw failure("the tenant's keys cannot be destroyed", e);
            }
            try {
                persist();
            } catch (LakewardException e) {
                restore(tenant, versions);
                throw e;
            }
            Map<TenantId, NavigableMap<Integer, TenantKey>> next = new HashMap<>(snapshot);
            next.remove(tenant);
            snapshot = Collections.unmodifiableMap(next);
            LOG.info("Destroyed {} key-encryption key version(s) of tenant {}", versions.size(), tenant);
            return true;
        }
    }

    /** The tenant's current (newest) key version. */
    public int currentVersion(TenantId tenant) {
        return versionsOf(tenant).lastKey();
    }

    /** The tenant's key versions, oldest first. */
    public List<Integer> versions(TenantId tenant) {
        return List.copyOf(versionsOf(tenant).keySet());
    }

    /** Whether the tenant has key-encryption keys. */
    public boolean hasTenant(TenantId tenant) {
        return snapshot.containsKey(tenant);
    }

    TenantKey currentKey(TenantId tenant) {
        return versionsOf(tenant).lastEntry().getValue();
    }

    Optional<TenantKey> key(TenantId tenant, int version) {
        NavigableMap<Integer, TenantKey> versions = snapshot.get(tenant);
        return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(version));
    }

    Path file() {
        return file;
    }

    private NavigableMap<Integer, TenantKey> versionsOf(TenantId tenant) {
        Objects.requireNonNull(tenant, "tenant");
        NavigableMap<Integer, TenantKey> versions = snapshot.get(tenant);
        if (versions == null) {
            throw LakewardException.notFound("the tenant has no key-encryption key");
        }
        return versions;
    }

    private void addVersion(TenantId tenant, int version) {
        byte[] bytes = new byte[KEY_BYTES];
        random.nextBytes(bytes);
        SecretKey key = new SecretKeySpec(bytes, "AES");
        Arrays.fill(bytes, (byte) 0);
        String alias = alias(tenant, version);
        try {
            keyStore.setEntry(alias, new KeyStore.SecretKeyEntry(key), new KeyStore.PasswordProtection(password));
        } catch (GeneralSecurityException e) {
            throw failure("a key-encryption key cannot be stored", e);
        }
        try {
            persist();
        } catch (LakewardException e) {
            try {
                keyStore.deleteEntry(alias);
            } catch (GeneralSecurityException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
        Map<TenantId, NavigableMap<Integer, TenantKey>> next = new HashMap<>(snapshot);
        NavigableMap<Integer, TenantKey> versions = new TreeMap<>(next.getOrDefault(tenant, Collections.emptyNavigableMap()));
        versions.put(version, new TenantKey(version, key));
        next.put(tenant, Collections.unmodifiableNavigableMap(versions));
        snapshot = Collections.unmodifiableMap(next);
    }

    private void restore(TenantId tenant, NavigableMap<Integer, TenantKey> versions) {
        for (TenantKey key : versions.values()) {
            try {
                keyStore.setEntry(alias(tenant, key.version()), new KeyStore.SecretKeyEntry(key.key()),
                        new KeyStore.PasswordProtection(password));
            } catch (GeneralSecurityException e) {
                LOG.error("Cannot restore key version {} of tenant {} in memory after a failed write; reopen the keystore",
                        key.version(), tenant);
            }
        }
    }

    private void persist() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            keyStore.store(out, password);
            SecretFiles.writeOwnerOnly(file, out.toByteArray());
        } catch (IOException | GeneralSecurityException e) {
            throw failure("the tenant keystore cannot be written", e);
        }
    }

    private static LakewardException failure(String message, Exception cause) {
        LOG.error("{}: {}", message, cause.getClass().getSimpleName());
        return new LakewardException(ErrorCode.INTERNAL_ERROR, message);
    }

    static String alias(TenantId tenant, int version) {
        return "tenant/" + tenant.value() + "/v" + version;
    }

    private static Map<TenantId, NavigableMap<Integer, TenantKey>> freeze(Map<TenantId, NavigableMap<Integer, TenantKey>> keys) {
        Map<TenantId, NavigableMap<Integer, TenantKey>> frozen = new HashMap<>();
        keys.forEach((tenant, versions) -> frozen.put(tenant, Collections.unmodifiableNavigableMap(versions)));
        return Collections.unmodifiableMap(frozen);
    }

    @Override
    public String toString() {
        return "TenantKeyStore[" + file + ", " + snapshot.size() + " tenant(s)]";
    }
}

package io.lakeward.workspace.secret;

import io.lakeward.common.id.TenantId;
import io.lakeward.keyvault.keys.EnvelopeCipher;
import io.lakeward.keyvault.keys.TenantKeyStore;
import io.lakeward.metastore.secret.SecretLocation;
import io.lakeward.metastore.secret.SecretStore;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background rewrap of a tenant's secrets after its key rotation: every envelope still under an
 * older key version gets its data key wrapped again under the current one (the payload is not
 * touched, {@link EnvelopeCipher#rewrap}). Each row is replaced only if it is unchanged since it
 * was read, so a value put meanwhile (already under the new version) is never lost; readers keep
 * reading throughout, old and new envelopes alike. Progress is visible while it runs.
 */
public final class SecretRewrap {
    private static final Logger LOG = LoggerFactory.getLogger(SecretRewrap.class);
    private static final int BATCH = 100;

    private final SecretStore store;
    private final EnvelopeCipher cipher;
    private final TenantKeyStore keys;

    public SecretRewrap(SecretStore store, EnvelopeCipher cipher, TenantKeyStore keys) {
        this.store = Objects.requireNonNull(store, "store");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** Live counts of one rewrap; read them from any thread. */
    public static final class Progress {
        private final AtomicLong rewrapped = new AtomicLong();
        private final AtomicLong changedMeanwhile = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private volatile boolean done;
        private final int targetVersion;

        Progress(int targetVersion) {
            this.targetVersion = targetVersion;
        }

        public long rewrapped() {
            return rewrapped.get();
        }

        /** Rows a writer changed between the read and the replace (they were left as the writer put them). */
        public long changedMeanwhile() {
            return changedMeanwhile.get();
        }

        /** Envelopes that could not be unwrapped (left as they were, and logged). */
        public long failed() {
            return failed.get();
        }

        public boolean done() {
            return done;
        }

        public int targetVersion() {
            return targetVersion;
        }

        @Override
        public String toString() {
            return "rewrap to v" + targetVersion + ": " + rewrapped() + " rewrapped, " + changedMeanwhile() + " changed meanwhile, "
                    + failed() + " failed" + (done ? ", done" : ", running");
        }
    }

    /** Rewraps everything below the tenant's current key version; blocking, returns when done. */
    public Progress run(TenantId tenant) {
        Progress progress = new Progress(keys.currentVersion(tenant));
        run(tenant, progress);
        return progress;
    }

    /** A progress to pass to {@link #run(TenantId, Progress)} on another thread and watch from this one. */
    public Progress newProgress(TenantId tenant) {
        return new Progress(keys.currentVersion(tenant));
    }

    public void run(TenantId tenant, Progress progress) {
        try {
            java.util.Set<String> skipped = new java.util.HashSet<>();
            while (true) {
                var batch = store.secretsBelowKeyVersion(tenant, progress.targetVersion, BATCH + skipped.size());
                batch = batch.stream().filter(s -> !skipped.contains(s.scope() + "/" + s.key())).limit(BATCH).toList();
                if (batch.isEmpty()) {
                    break;
                }
                for (SecretLocation secret : batch) {
                    byte[] replacement;
                    try {
                        replacement = cipher.rewrap(tenant, SecretService.objectId(secret.scope(), secret.key()), secret.envelope());
                    } catch (RuntimeException e) {
                        progress.failed.incrementAndGet();
                        skipped.add(secret.scope() + "/" + secret.key());
                        LOG.warn("tenant {}: a secret's envelope cannot be rewrapped; left as it is", tenant);
                        continue;
                    }
                    if (store.replaceEnvelope(tenant, secret, secret.envelope(), replacement, EnvelopeCipher.keyVersionOf(replacement))) {
                        progress.rewrapped.incrementAndGet();
                    } else {
                        progress.changedMeanwhile.incrementAndGet();
                    }
                }
            }
        } finally {
            progress.done = true;
            LOG.info("tenant {}: {}", tenant, progress);
        }
    }
}

package io.lakeward.policy.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.common.error.LakewardException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps decision points on the policy store's current data: polls every tenant's revision every
 * {@code interval}, loads the whole document of each tenant that changed, and replaces the data of
 * every client with one new document holding all tenants ({@code {"revision": id, "tenants":
 * {tenant: document}}}). A client swaps whole documents atomically, so no decision sees a
 * half-applied change; the tenant's revision travels inside its document.
 *
 * <p>The data revision is a digest of the tenants' revisions, the same on every platform instance
 * for the same store state, and naming no tenant. A poll that fails leaves the clients on their
 * data and is retried on the next tick; a client whose update failed is updated again.
 */
public final class PolicyDataSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyDataSync.class);
    /** Every this many polls, remote servers get the current data again. */
    static final int REPUBLISH_TICKS = 40;

    private final TenantPolicySource source;
    private final List<PolicyClient> clients;
    private final Duration interval;
    private final ScheduledExecutorService poller;
    private final Map<String, ObjectNode> documents = new HashMap<>(); // guarded by this
    private final Map<PolicyClient, String> applied = new HashMap<>(); // guarded by this
    private long ticks; // guarded by this

    public PolicyDataSync(TenantPolicySource source, List<PolicyClient> clients, Duration interval) {
        this.source = Objects.requireNonNull(source, "source");
        this.clients = List.copyOf(clients);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the poll interval must be positive");
        }
        this.interval = interval;
        this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "policy-data-sync");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Applies the store's current data to every client (throwing if it cannot), then polls. */
    public PolicyDataSync start(Duration timeout) {
        syncOnce(timeout);
        poller.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick() {
        try {
            synchronized (this) {
                // an OPA server that restarted has lost what was pushed (and denies everything: the
                // policies refuse to decide without data); push to remote servers again now and then
                if (++ticks % REPUBLISH_TICKS == 0) {
                    applied.keySet().removeIf(client -> client instanceof RemotePolicyClient);
                }
            }
            syncOnce(interval.multipliedBy(8));
        } catch (RuntimeException e) {
            LOG.warn("policy data sync failed, retrying in {} ms: {}", interval.toMillis(), e.toString());
        }
    }

    /** One poll: load what changed and update the clients that are not on it; returns the data revision. */
    public synchronized String syncOnce(Duration timeout) {
        Map<String, Long> revisions = source.revisions();
        documents.keySet().retainAll(revisions.keySet());
        for (Map.Entry<String, Long> tenant : revisions.entrySet()) {
            ObjectNode known = documents.get(tenant.getKey());
            if (known == null || known.path("revision").asLong() != tenant.getValue()) {
                documents.put(tenant.getKey(), source.document(tenant.getKey()));
            }
        }
        String revision = revisionOf(documents);
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("revision", revision);
        ObjectNode tenants = root.putObject("tenants");
        new TreeMap<>(documents).forEach(tenants::set);
        PolicyData data = PolicyData.of(revision, root);
        for (PolicyClient client : clients) {
            if (revision.equals(applied.get(client))) {
                continue;
            }
            try {
                client.updateData(data).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                applied.put(client, revision);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while applying policy data", e);
            } catch (Exception e) {
                applied.remove(client);
                throw new IllegalStateException("cannot apply policy data revision " + revision
                        + (e.getCause() instanceof LakewardException known ? ": " + known.getMessage() : ""), e);
            }
        }
        return revision;
    }

    /** A digest of the tenants' revisions: equal store states give equal revisions everywhere. */
    static String revisionOf(Map<String, ObjectNode> documents) {
        StringBuilder state = new StringBuilder();
        new TreeMap<>(documents).forEach((tenant, document) -> state.append(tenant).append('=').append(document.path("revision").asLong()).append(';'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(state.toString().getBytes(StandardCharsets.UTF_8));
            return "d" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }

    /** Completes when a poll has run after this call (for callers that just changed the store). */
    public CompletableFuture<String> syncSoon() {
        return CompletableFuture.supplyAsync(() -> syncOnce(interval.multipliedBy(8)), poller);
    }
}

package io.lakeward.metastore.tenant;

import io.lakeward.common.id.TenantId;
import io.lakeward.common.tenant.InMemoryTenantDirectory;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantDirectory;
import io.lakeward.common.tenant.TenantStatus;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant registry of one process: writes go to the {@link TenantRegistryStore}, reads that sit
 * on the request path (tenant by host, by issuer) come from an {@link InMemoryTenantDirectory}
 * loaded at start. The directory is reloaded right after each of this instance's own writes and
 * every {@code reloadInterval}, so tenants registered or suspended by another instance arrive
 * within about one interval. A failed periodic reload keeps the last good directory and is logged.
 *
 * <p>Blocking (JDBC): call its writes from a worker pool. Reloads run on one daemon thread of its own.
 */
public final class TenantRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TenantRegistry.class);

    private final TenantRegistryStore store;
    private final InMemoryTenantDirectory directory = new InMemoryTenantDirectory(List.of());
    private final ScheduledExecutorService reloader;
    private final List<Consumer<List<TenantRecord>>> listeners = new CopyOnWriteArrayList<>();
    private final Object reloadLock = new Object();

    private TenantRegistry(TenantRegistryStore store) {
        this.store = store;
        this.reloader = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tenant-registry-reload");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Loads every tenant and schedules the periodic reload.
     *
     * @throws io.lakeward.common.error.LakewardException if the first load fails: a process that cannot
     *         know its tenants does not start
     */
    public static TenantRegistry start(TenantRegistryStore store, Duration reloadInterval) {
        Objects.requireNonNull(store, "store");
        if (reloadInterval.isNegative() || reloadInterval.isZero()) {
            throw new IllegalArgumentException("the reload interval must be positive");
        }
        TenantRegistry registry = new TenantRegistry(store);
        try {
            registry.reload();
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        long millis = reloadInterval.toMillis();
        registry.reloader.scheduleWithFixedDelay(registry::reloadQuietly, millis, millis, TimeUnit.MILLISECONDS);
        LOG.info("tenant registry loaded {} active tenant(s); reloading every {} ms", registry.directory.all().size(), millis);
        return registry;
    }

    /** Active tenants by host and issuer, always current to the last reload. */
    public TenantDirectory directory() {
        return directory;
    }

    /** Registers a tenant; the directory knows it when this returns. */
    public TenantRecord register(NewTenant tenant) {
        TenantRecord created = store.create(tenant);
        reload();
        return created;
    }

    /** Changes a tenant's status; the directory reflects it when this returns (only active tenants are served). */
    public TenantRecord updateStatus(TenantId id, TenantStatus status) {
        TenantRecord updated = store.updateStatus(id, status);
        reload();
        return updated;
    }

    public Optional<TenantRecord> get(TenantId id) {
        return store.get(id);
    }

    public List<TenantRecord> list() {
        return store.list();
    }

    /** Called with every tenant after each successful reload, on the reloading thread. */
    public void onReload(Consumer<List<TenantRecord>> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Reloads now. Reloads are serialized, so one that began after a write always lands after any
     * periodic reload that read the state before it.
     */
    public void reload() {
        synchronized (reloadLock) {
            List<TenantRecord> all = store.list();
            List<Tenant> tenants = all.stream().map(TenantRecord::tenant).toList();
            directory.replace(tenants);
            for (Consumer<List<TenantRecord>> listener : listeners) {
                try {
                    listener.accept(all);
                } catch (RuntimeException e) {
                    LOG.warn("a tenant registry listener failed: {}", e.toString());
                }
            }
        }
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.warn("tenant registry reload failed; serving the tenants loaded before: {}", e.getMessage());
        }
    }

    /** Stops the periodic reload, waiting a bounded time for one in progress. */
    @Override
    public void close() {
        reloader.shutdownNow();
        try {
            if (!reloader.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("tenant registry reload did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

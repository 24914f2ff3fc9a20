package io.lakeward.launcher;

import io.lakeward.audit.client.event.Actor;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.audit.client.event.ResourceReference;
import io.lakeward.audit.client.event.Source;
import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.tenant.TenantStatus;
import io.lakeward.keyvault.Keyvault;
import io.lakeward.metastore.tenant.TenantRecord;
import io.lakeward.metastore.tenant.TenantRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deleting a tenant, an operator action: crypto-shredding. In this order, so that each step
 * narrows what the next could leak: the registry marks the tenant {@code DELETED} (its host answers
 * 404 from then on and no new request reaches its data), its keyvault tokens are revoked (drivers
 * can unwrap nothing more), then every version of its key-encryption key is destroyed, which
 * makes everything encrypted under them (secrets, envelopes, wrapped table keys) unreadable with
 * the remaining keystore and master key. Its rows stay (they are ciphertext now) and its audit
 * records are kept: the audit trail is under platform-held keys, not the tenant's.
 *
 * <p>Drivers: there is no compute service yet; when it lands, its cluster stop for the tenant
 * belongs between the revocation and the key destruction.
 */
public final class TenantDeletion {
    private static final Logger LOG = LoggerFactory.getLogger(TenantDeletion.class);

    private final TenantRegistry registry;
    private final Keyvault keyvault;
    private final AuditOutbox audit;

    public TenantDeletion(TenantRegistry registry, Keyvault keyvault, AuditOutbox audit) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.keyvault = Objects.requireNonNull(keyvault, "keyvault");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * Deletes a tenant of a platform that is not running ({@code lakeward tenant delete <id>}):
     * opens the keyvault, the metadata database and the registry of the state directory, deletes,
     * and closes them. Refused while an {@code up} of the same state directory runs, because that
     * process holds the keystore in memory and would write its own copy back.
     */
    public static Result offline(PlatformConfig config, TenantId tenant) throws Exception {
        java.nio.file.Path pidFile = config.state().run().resolve("platform.pid");
        if (java.nio.file.Files.exists(pidFile)) {
            java.util.Optional<ProcessHandle> running;
            try {
                running = ProcessHandle.of(Long.parseLong(java.nio.file.Files.readString(pidFile).trim()));
            } catch (NumberFormatException e) {
                running = java.util.Optional.empty();
            }
            if (running.isPresent() && running.get().isAlive()) {
                throw new IllegalStateException("the platform of " + config.state().root() + " is running (pid "
                        + running.get().pid() + "): run ./lakeward down first");
            }
        }
        Keyvault keyvault = Keyvault.open(config.keyvault(), java.time.Clock.systemUTC());
        try (io.lakeward.metastore.MetadataDatabase database = io.lakeward.metastore.MetadataDatabase.start(config.metastore());
             TenantRegistry registry = TenantRegistry.start(new io.lakeward.metastore.tenant.JdbcTenantRegistryStore(database.transactions()),
                     config.metastore().tenantReloadInterval());
             AuditOutbox audit = io.lakeward.audit.client.outbox.FileAuditOutbox.open(
                     io.lakeward.audit.client.outbox.FileAuditOutboxConfig.defaults(config.state().auditOutbox("keyvault")))) {
            return new TenantDeletion(registry, keyvault, audit).delete(tenant, "operator-cli");
        }
    }

    /** What a deletion did. */
    public record Result(TenantId tenant, boolean keysDestroyed, int tokensRevoked) {
    }

    /**
     * Deletes the tenant; blocking. A tenant already deleted has its keys destroyed again if any are
     * left (a deletion interrupted between the steps is finished by running it again).
     *
     * @throws LakewardException {@code RESOURCE_DOES_NOT_EXIST} for a tenant the registry does not know
     */
    public Result delete(TenantId tenant, String operator) throws Exception {
        TenantRecord record = registry.get(tenant).orElseThrow(() -> LakewardException.notFound("no tenant " + tenant));
        if (record.tenant().status() != TenantStatus.DELETED) {
            registry.updateStatus(tenant, TenantStatus.DELETED);
        }
        Keyvault.ShredResult shred = keyvault.shred(tenant);
        AuditEvent event = AuditEvent.builder()
                .tenant(tenant)
                // key destruction is a keyvault action, and it ships through the keyvault's outbox, whose events name the keyvault
                .service(PlatformService.KEYVAULT)
                .action("tenant.delete")
                .actor(Actor.system(operator))
                .source(Source.none())
                .requestId(RequestId.random())
                .requestParameters(Map.of("keys_destroyed", Boolean.toString(shred.keysDestroyed()),
                        "tokens_revoked", Integer.toString(shred.tokensRevoked())))
                .outcome(Outcome.SUCCESS)
                .touched(ResourceReference.of("tenant", tenant.value()))
                .build();
        audit.append(event).get(30, TimeUnit.SECONDS);
        LOG.info("tenant {} deleted: registry DELETED, {} token(s) revoked, keys destroyed: {}", tenant, shred.tokensRevoked(), shred.keysDestroyed());
        return new Result(tenant, shred.keysDestroyed(), shred.tokensRevoked());
    }
}

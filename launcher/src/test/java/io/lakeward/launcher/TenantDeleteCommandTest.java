package io.lakeward.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.config.ConfigSource;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.tenant.TenantStatus;
import io.lakeward.keyvault.Keyvault;
import io.lakeward.metastore.MetadataDatabase;
import io.lakeward.metastore.tenant.JdbcTenantRegistryStore;
import io.lakeward.metastore.tenant.NewTenant;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code lakeward tenant delete <id>} on a stopped platform: its state directory's keystore and registry. */
class TenantDeleteCommandTest {
    @Test
    void deletingAStoppedPlatformsTenantShredsItAndRefusesWhileItRuns() throws Exception {
        Path state = Path.of("target", "tenant-delete-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        PlatformConfig config = PlatformConfig.load(ConfigSource.ofMap(RunningPlatform.settings(state)));
        TenantId doomed = TenantId.of("doomed");
        TenantId kept = TenantId.of("kept");
        Keyvault keyvault = Keyvault.open(config.keyvault(), Clock.systemUTC());
        byte[] doomedData;
        byte[] keptData;
        try (MetadataDatabase database = MetadataDatabase.start(config.metastore())) {
            JdbcTenantRegistryStore registry = new JdbcTenantRegistryStore(database.transactions());
            for (TenantId tenant : new TenantId[] {doomed, kept}) {
                keyvault.ensureTenantKey(tenant);
                registry.create(new NewTenant(tenant, tenant.value(), tenant.value() + ".lakeward.test",
                        URI.create("https://auth.lakeward.test/realms/" + tenant.value()), EmbeddedPlatform.keyReference(tenant)));
            }
            doomedData = keyvault.cipher().encrypt(doomed, "notebook/1", "doomed".getBytes(StandardCharsets.UTF_8));
            keptData = keyvault.cipher().encrypt(kept, "notebook/1", "kept".getBytes(StandardCharsets.UTF_8));
        }

        // a running platform of this state directory (this very JVM stands in for it) blocks the command
        Files.createDirectories(config.state().run());
        Files.writeString(config.state().run().resolve("platform.pid"), Long.toString(ProcessHandle.current().pid()));
        IllegalStateException running = assertThrows(IllegalStateException.class, () -> TenantDeletion.offline(config, doomed));
        assertTrue(running.getMessage().contains("is running"), running.getMessage());
        Files.delete(config.state().run().resolve("platform.pid"));

        TenantDeletion.Result result = TenantDeletion.offline(config, doomed);
        assertTrue(result.keysDestroyed());
        assertThrows(LakewardException.class, () -> TenantDeletion.offline(config, TenantId.of("nobody")));

        Keyvault reopened = Keyvault.open(config.keyvault(), Clock.systemUTC());
        assertFalse(reopened.hasTenantKey(doomed));
        assertThrows(LakewardException.class, () -> reopened.cipher().decrypt(doomed, "notebook/1", doomedData));
        assertEquals("kept", new String(reopened.cipher().decrypt(kept, "notebook/1", keptData), StandardCharsets.UTF_8));
        try (MetadataDatabase database = MetadataDatabase.start(config.metastore())) {
            assertEquals(TenantStatus.DELETED, new JdbcTenantRegistryStore(database.transactions()).get(doomed).orElseThrow().tenant().status());
            assertEquals(TenantStatus.ACTIVE, new JdbcTenantRegistryStore(database.transactions()).get(kept).orElseThrow().tenant().status());
            // a registry whose deleted tenant has no key does not stop the next start
            try (var registry = io.lakeward.metastore.tenant.TenantRegistry.start(new JdbcTenantRegistryStore(database.transactions()),
                    java.time.Duration.ofSeconds(5))) {
                EmbeddedPlatform.requireTenantKeys(registry, reopened);
                // but an active tenant without its key does
                reopened.shred(kept);
                IllegalStateException lost = assertThrows(IllegalStateException.class, () -> EmbeddedPlatform.requireTenantKeys(registry, reopened));
                assertTrue(lost.getMessage().contains("[kept]"), lost.getMessage());
            }
        }
    }
}

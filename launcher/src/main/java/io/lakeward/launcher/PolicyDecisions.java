package io.lakeward.launcher;

import io.lakeward.common.tenant.TenantDirectory;
import io.lakeward.infra.keycloak.KeycloakServer;
import io.lakeward.metastore.MetadataDatabase;
import io.lakeward.metastore.policy.JdbcPolicyStore;
import io.lakeward.policy.client.EmbeddedPolicyClient;
import io.lakeward.policy.client.EmbeddedPolicyConfig;
import io.lakeward.policy.client.PolicyClient;
import io.lakeward.policy.client.PolicyData;
import io.lakeward.policy.client.PolicyDataSync;
import io.lakeward.policy.client.RemotePolicyClient;
import io.lakeward.policy.client.RemotePolicyConfig;
import io.lakeward.policy.client.WasmPolicy;
import io.lakeward.workspace.identity.KeycloakIdentityDirectory;
import io.lakeward.workspace.policy.PolicyAdminService;
import io.lakeward.workspace.policy.StoreTenantPolicySource;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy part of the composition: the decision point (embedded Wasm or a remote OPA server),
 * the policy store, the sync that keeps the decision point on the store's current revision of
 * every tenant, and the admin service. Closing it stops the sync and the client.
 */
final class PolicyDecisions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyDecisions.class);

    private final PolicyClient client;
    private final PolicyDataSync sync;
    private final PolicyAdminService admin;

    private PolicyDecisions(PolicyClient client, PolicyDataSync sync, PolicyAdminService admin) {
        this.client = client;
        this.sync = sync;
        this.admin = admin;
    }

    static PolicyDecisions start(PlatformConfig config, MetadataDatabase database, TenantDirectory tenants, KeycloakServer keycloak)
            throws IOException {
        PolicyConfig policy = config.policy();
        PolicyClient client = switch (policy.mode()) {
            case EMBEDDED -> EmbeddedPolicyClient.start(WasmPolicy.fromClasspath(), PolicyData.empty("initial"),
                    EmbeddedPolicyConfig.defaults().withTimeout(policy.timeout()));
            case REMOTE -> {
                RemotePolicyConfig remote = RemotePolicyConfig.of(policy.remoteUrl().orElseThrow()).withRequestTimeout(policy.timeout());
                yield new RemotePolicyClient(policy.remoteToken().map(remote::withToken).orElse(remote));
            }
        };
        try {
            JdbcPolicyStore store = new JdbcPolicyStore(database.transactions());
            PolicyDataSync sync = new PolicyDataSync(new StoreTenantPolicySource(store, tenants), List.of(client), policy.syncInterval())
                    .start(Duration.ofSeconds(30));
            PolicyAdminService admin = new PolicyAdminService(store,
                    new KeycloakIdentityDirectory(keycloak.adminClient(), keycloak.provisioner(), config.state().secrets()), client, Clock.systemUTC());
            LOG.info("policy decisions: {} engine, policy store polled every {} ms", policy.mode().name().toLowerCase(java.util.Locale.ROOT),
                    policy.syncInterval().toMillis());
            return new PolicyDecisions(client, sync, admin);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    PlatformServices.Policies services() {
        return new PlatformServices.Policies(client, admin, sync::syncSoon);
    }

    PolicyClient client() {
        return client;
    }

    PolicyDataSync sync() {
        return sync;
    }

    @Override
    public void close() {
        sync.close();
        client.close();
    }
}

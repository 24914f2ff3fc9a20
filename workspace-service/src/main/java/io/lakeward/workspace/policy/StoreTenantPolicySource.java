package io.lakeward.workspace.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantDirectory;
import io.lakeward.metastore.policy.PolicyRevision;
import io.lakeward.metastore.policy.PolicyStore;
import io.lakeward.policy.client.TenantPolicySource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The policy store as decision points read it: every registered tenant's current revision (one
 * tenant transaction each, so row-level security stays the tenant's own), and a tenant's document
 * compiled to the form the Rego policies read.
 */
public final class StoreTenantPolicySource implements TenantPolicySource {
    private final PolicyStore store;
    private final Supplier<? extends Iterable<Tenant>> tenants;

    public StoreTenantPolicySource(PolicyStore store, TenantDirectory directory) {
        this(store, directory::all);
    }

    StoreTenantPolicySource(PolicyStore store, Supplier<? extends Iterable<Tenant>> tenants) {
        this.store = Objects.requireNonNull(store, "store");
        this.tenants = Objects.requireNonNull(tenants, "tenants");
    }

    @Override
    public Map<String, Long> revisions() {
        Map<String, Long> revisions = new HashMap<>();
        for (Tenant tenant : tenants.get()) {
            long revision = store.currentRevision(tenant.id());
            if (revision > 0) {
                revisions.put(tenant.id().value(), revision);
            }
        }
        return revisions;
    }

    @Override
    public ObjectNode document(String tenant) {
        PolicyRevision current = store.current(TenantId.of(tenant)).orElseThrow(() ->
                new IllegalStateException("tenant " + tenant + " has no policy revision"));
        return PolicyCompiler.compile(PolicyAdminService.read(current.document()), current.revision());
    }
}

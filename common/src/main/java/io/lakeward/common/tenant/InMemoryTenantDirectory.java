package io.lakeward.common.tenant;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant directory held in memory as an immutable snapshot that is replaced whole, so readers
 * on any thread see either the old or the new set of tenants, never a mix.
 */
public final class InMemoryTenantDirectory implements TenantDirectory {
    private volatile Snapshot snapshot = new Snapshot(List.of());

    public InMemoryTenantDirectory(List<Tenant> tenants) {
        replace(tenants);
    }

    public void replace(List<Tenant> tenants) {
        snapshot = new Snapshot(tenants);
    }

    @Override
    public Optional<Tenant> byHost(String hostName) {
        if (hostName == null) {
            return Optional.empty();
        }
        String normalized = hostName.toLowerCase(Locale.ROOT);
        if (normalized.endsWith(".")) {
            normalized = normalized.substring(0, normalized.length() - 1);
        }
        return Optional.ofNullable(snapshot.byHost.get(normalized));
    }

    @Override
    public Optional<Tenant> byIssuer(String issuer) {
        return issuer == null ? Optional.empty() : Optional.ofNullable(snapshot.byIssuer.get(issuer));
    }

    @Override
    public List<Tenant> all() {
        return snapshot.tenants;
    }

    private static final class Snapshot {
        final List<Tenant> tenants;
        final Map<String, Tenant> byHost = new HashMap<>();
        final Map<String, Tenant> byIssuer = new HashMap<>();

        Snapshot(List<Tenant> all) {
            tenants = all.stream().filter(t -> t.status() == TenantStatus.ACTIVE).toList();
            for (Tenant tenant : tenants) {
                if (byHost.put(tenant.hostName(), tenant) != null) {
                    throw new IllegalArgumentException("two tenants share the host " + tenant.hostName());
                }
                if (byIssuer.put(tenant.issuer().toString(), tenant) != null) {
                    throw new IllegalArgumentException("two tenants share an issuer: each tenant has exactly one of its own");
                }
            }
        }
    }
}

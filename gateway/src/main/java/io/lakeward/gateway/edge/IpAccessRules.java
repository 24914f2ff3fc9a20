package io.lakeward.gateway.edge;

import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.gateway.tenant.TenantResolver;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Optional per-tenant IP access lists, checked right after tenant resolution, before any credential
 * is looked at. A tenant without lists is open to every address. With a block list, an address in
 * it is refused; with an allow list, only addresses in it are admitted; an address in both is
 * refused (block wins). Refused requests get 403 {@code PERMISSION_DENIED}. The address is the
 * peer of the TLS connection: the gateway is the edge, so no forwarding header is believed.
 *
 * <p>Configuration ({@code gateway.ip-access.allow}, {@code gateway.ip-access.block}):
 * {@code <tenant>=<cidr> <cidr> ...;<tenant>=...}, e.g. {@code acme=10.0.0.0/8 2001:db8::/32;globex=192.0.2.7/32}.
 */
public final class IpAccessRules {
    private static final Pattern ENTRY = Pattern.compile("\\s*([a-z][a-z0-9-]*)\\s*=\\s*(.*)");

    private final Map<TenantId, List<Cidr>> allow;
    private final Map<TenantId, List<Cidr>> block;

    public IpAccessRules(Map<TenantId, List<Cidr>> allow, Map<TenantId, List<Cidr>> block) {
        this.allow = Map.copyOf(allow);
        this.block = Map.copyOf(block);
    }

    /** No lists: every tenant open to every address. */
    public static IpAccessRules none() {
        return new IpAccessRules(Map.of(), Map.of());
    }

    public static IpAccessRules parse(String allowText, String blockText, ConfigProblems problems) {
        return new IpAccessRules(lists("gateway.ip-access.allow", allowText, problems), lists("gateway.ip-access.block", blockText, problems));
    }

    /** Whether {@code address} may reach {@code tenant}'s host. */
    public boolean permits(TenantId tenant, InetAddress address) {
        if (block.getOrDefault(tenant, List.of()).stream().anyMatch(cidr -> cidr.contains(address))) {
            return false;
        }
        List<Cidr> allowed = allow.get(tenant);
        return allowed == null || allowed.stream().anyMatch(cidr -> cidr.contains(address));
    }

    /** The route handler: after tenant resolution. */
    public void check(RoutingContext context) {
        TenantId tenant = TenantResolver.of(context).id();
        if (!allow.containsKey(tenant) && !block.containsKey(tenant)) {
            context.next();
            return;
        }
        SocketAddress remote = context.request().remoteAddress();
        InetAddress address = null;
        try {
            address = remote == null || remote.hostAddress() == null ? null : InetAddress.getByName(remote.hostAddress());
        } catch (UnknownHostException e) {
            // a literal address never needs a lookup; anything else is refused below
        }
        if (address == null || !permits(tenant, address)) {
            context.fail(LakewardException.permissionDenied("access from this network address is not allowed for this workspace"));
            return;
        }
        context.next();
    }

    private static Map<TenantId, List<Cidr>> lists(String key, String text, ConfigProblems problems) {
        Map<TenantId, List<Cidr>> lists = new HashMap<>();
        if (text == null || text.isBlank()) {
            return lists;
        }
        for (String entry : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            var matcher = ENTRY.matcher(entry);
            if (!matcher.matches()) {
                problems.add(key, "each entry is <tenant>=<cidr> <cidr> ..., was '" + entry.strip() + "'");
                continue;
            }
            TenantId tenant;
            try {
                tenant = TenantId.of(matcher.group(1));
            } catch (IllegalArgumentException e) {
                problems.add(key, e.getMessage());
                continue;
            }
            List<Cidr> cidrs = new ArrayList<>();
            String ranges = matcher.group(2).trim();
            for (String cidr : ranges.isEmpty() ? new String[0] : ranges.split("\\s+")) {
                try {
                    cidrs.add(Cidr.parse(cidr));
                } catch (IllegalArgumentException e) {
                    problems.add(key, e.getMessage());
                }
            }
            if (cidrs.isEmpty()) {
                problems.add(key, "tenant " + tenant + " has an empty list");
            }
            lists.computeIfAbsent(tenant, ignored -> new ArrayList<>()).addAll(cidrs);
        }
        return lists;
    }

    /** An address range: a network address and a prefix length, IPv4 or IPv6. */
    public record Cidr(byte[] network, int prefix) {
        public Cidr {
            network = network.clone();
        }

        /** Parses {@code a.b.c.d/n}, {@code x:y::/n}, or a bare address (a single host). Literal addresses only. */
        public static Cidr parse(String text) {
            String trimmed = text.trim();
            int slash = trimmed.indexOf('/');
            String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
            if (host.isEmpty() || !host.matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("not an IP address range: '" + trimmed + "'");
            }
            byte[] address;
            try {
                address = InetAddress.getByName(host).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP address range: '" + trimmed + "'");
            }
            int bits = address.length * 8;
            int prefix;
            try {
                prefix = slash < 0 ? bits : Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a prefix length in '" + trimmed + "'");
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix length out of range in '" + trimmed + "'");
            }
            return new Cidr(address, prefix);
        }

        @Override
        public byte[] network() {
            return network.clone();
        }

        public boolean contains(InetAddress candidate) {
            byte[] bytes = candidate.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (bytes[whole] & mask) == (network[whole] & mask);
        }
    }
}

package io.lakeward.audit;

import io.lakeward.audit.service.AuditRetention;
import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.config.ConfigSource;
import io.lakeward.common.id.TenantId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Configuration of the audit service (keys in the README's configuration table).
 *
 * @param port               {@code audit.port}: its loopback listener
 * @param checkpointEvents   {@code audit.checkpoint.events}: a checkpoint at least every N records of a log
 * @param checkpointInterval {@code audit.checkpoint.interval}: ... or this long after the last one
 * @param retention          {@code audit.retention}, {@code audit.retention.tenants}, {@code audit.queryable-window}
 * @param identityEventsInterval {@code audit.identity-events.interval}: how often the identity provider's login events are read
 */
public record AuditConfig(int port, int checkpointEvents, Duration checkpointInterval, AuditRetention retention, Duration identityEventsInterval) {
    public static AuditConfig from(ConfigSource source, ConfigProblems problems) {
        int port = source.port("audit.port", 9453, problems);
        int events = source.integer("audit.checkpoint.events", 1000, 1, 1_000_000, problems);
        Duration interval = source.duration("audit.checkpoint.interval", Duration.ofSeconds(10), problems);
        if (interval.isZero()) {
            problems.add("audit.checkpoint.interval", "must be positive");
            interval = Duration.ofSeconds(10);
        }
        Duration period = source.duration("audit.retention", Duration.ofDays(365), problems);
        Duration window = source.duration("audit.queryable-window", Duration.ofDays(92), problems);
        Map<TenantId, Duration> perTenant = perTenant(source.string("audit.retention.tenants", ""), problems);
        AuditRetention retention = AuditRetention.defaults();
        try {
            retention = new AuditRetention(period, perTenant, window);
        } catch (IllegalArgumentException e) {
            problems.add("audit.retention", e.getMessage());
        }
        Duration identityEvents = source.duration("audit.identity-events.interval", Duration.ofSeconds(10), problems);
        if (identityEvents.isZero()) {
            problems.add("audit.identity-events.interval", "must be positive");
            identityEvents = Duration.ofSeconds(10);
        }
        return new AuditConfig(port, events, interval, retention, identityEvents);
    }

    /** {@code acme=730d,globex=400d}. */
    private static Map<TenantId, Duration> perTenant(String text, ConfigProblems problems) {
        Map<TenantId, Duration> periods = new LinkedHashMap<>();
        if (text.isBlank()) {
            return periods;
        }
        for (String entry : text.split(",")) {
            String[] parts = entry.trim().split("=", 2);
            try {
                Duration period = ConfigSource.ofMap(Map.of("period", parts.length > 1 ? parts[1].trim() : ""))
                        .duration("period", null, problems);
                if (period == null) {
                    throw new IllegalArgumentException("missing period");
                }
                periods.put(TenantId.of(parts[0].trim()), period);
            } catch (IllegalArgumentException e) {
                problems.add("audit.retention.tenants", "entries are <tenant>=<period> such as acme=730d (was '" + entry.trim() + "')");
            }
        }
        return periods;
    }
}

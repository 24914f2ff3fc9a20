package io.lakeward.audit.export;

import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.audit.query.AuditFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the PDF report summarizes, gathered while the export streams the view: counts by action
 * and outcome, and (up to a limit each) failed logins, denied accesses, and changes to users,
 * roles, groups, credentials, policies and the audit log itself.
 */
final class ReportStatistics {
    static final int MAX_LISTED = 200;

    final AuditFilter filter;
    final Map<String, long[]> byAction = new TreeMap<>();
    final long[] byOutcome = new long[Outcome.values().length];
    long total;
    long failedLogins;
    long deniedAccesses;
    long administrativeChanges;
    long auditLogAccesses;
    long auditLoggingEvents;
    final List<AuditEvent> failedLoginSamples = new ArrayList<>();
    final List<AuditEvent> deniedSamples = new ArrayList<>();
    final List<AuditEvent> adminSamples = new ArrayList<>();

    ReportStatistics(AuditFilter filter) {
        this.filter = filter;
    }

    void add(AuditEvent event) {
        total++;
        byAction.computeIfAbsent(event.action(), action -> new long[Outcome.values().length])[event.outcome().ordinal()]++;
        byOutcome[event.outcome().ordinal()]++;
        if (isLogin(event.action()) && event.outcome() != Outcome.SUCCESS) {
            failedLogins++;
            sample(failedLoginSamples, event);
        }
        if (event.outcome() == Outcome.DENIED) {
            deniedAccesses++;
            sample(deniedSamples, event);
        }
        if (isAdministrative(event.action())) {
            administrativeChanges++;
            sample(adminSamples, event);
        }
        if (event.action().startsWith("audit.") && (event.action().contains("read") || event.action().contains("query")
                || event.action().contains("export"))) {
            auditLogAccesses++;
        }
        if (event.action().startsWith("audit.logging_") || event.action().equals("audit.log_recovered")) {
            auditLoggingEvents++;
        }
    }

    static boolean isLogin(String action) {
        return action.startsWith("identity.login");
    }

    /** Changes to who may do what: users, roles, groups, credentials, policies, tenants, keys. */
    static boolean isAdministrative(String action) {
        String resource = action.substring(0, action.indexOf('.'));
        boolean change = !(action.endsWith(".read") || action.endsWith(".list") || action.endsWith(".view") || action.endsWith(".read_self"));
        return change && switch (resource) {
            case "user", "role", "group", "credential", "policy", "tenant", "token", "key", "member", "grant" -> true;
            default -> false;
        };
    }

    private static void sample(List<AuditEvent> samples, AuditEvent event) {
        if (samples.size() < MAX_LISTED) {
            samples.add(event);
        }
    }
}

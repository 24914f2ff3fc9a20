package io.lakeward.audit.bench;

import io.lakeward.audit.TestEvents;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuditEventId;
import io.lakeward.audit.client.event.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Batches of realistic, distinct events for the benchmarks (fresh ids, so none is a duplicate). */
final class BenchEvents {
    private static final AuditEvent[] TEMPLATES = {
            TestEvents.read("acme", "ada", "/Users/ada/reports/quarterly", Instant.now()),
            TestEvents.event("acme", "bob", "notebook.read", Outcome.DENIED, "/Users/ada/reports/secret", Instant.now()),
            TestEvents.read("globex", "gus", "/Users/gus/etl", Instant.now()),
    };

    private BenchEvents() {
    }

    /** Events of acme and globex, two to one. */
    static List<AuditEvent> batch(int size, long counter) {
        return batch(size, counter, TEMPLATES.length);
    }

    /** Events of acme only. */
    static List<AuditEvent> acmeBatch(int size, long counter) {
        return batch(size, counter, 2);
    }

    private static List<AuditEvent> batch(int size, long counter, int templates) {
        List<AuditEvent> batch = new ArrayList<>(size);
        Instant now = Instant.now();
        for (int i = 0; i < size; i++) {
            AuditEvent template = TEMPLATES[(int) ((counter + i) % templates)];
            batch.add(new AuditEvent(AuditEvent.SCHEMA_VERSION, AuditEventId.random(), now, template.tenantId(), template.workspaceId(),
                    template.service(), template.action(), template.actor(), template.source(), template.sessionIdHash(), template.requestId(),
                    template.requestParameters(), template.response(), template.outcome(), template.policyDecision(), template.dataTouched()));
        }
        return batch;
    }
}

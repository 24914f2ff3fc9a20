package io.lakeward.audit.client.shipping;

import io.lakeward.audit.client.event.AuditEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a batch of audit events to the audit service. The future completes once the service has
 * stored the whole batch durably, and fails otherwise (the batch is then sent again, whole).
 * The same events may arrive more than once: the receiver deduplicates on event id.
 */
@FunctionalInterface
public interface AuditShipper {
    CompletableFuture<Void> ship(List<AuditEvent> batch);
}

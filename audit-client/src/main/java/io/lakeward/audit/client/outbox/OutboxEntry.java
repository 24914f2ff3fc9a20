package io.lakeward.audit.client.outbox;

import io.lakeward.audit.client.event.AuditEvent;
import java.util.Objects;

/**
 * An event as stored in an outbox, with its sequence number: the outbox's order, increasing by
 * one per append (gaps appear only where recovery discarded damaged records).
 */
public record OutboxEntry(long sequence, AuditEvent event) {
    public OutboxEntry {
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must not be negative");
        }
        Objects.requireNonNull(event, "event");
    }
}

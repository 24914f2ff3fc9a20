package io.lakeward.gateway.audit;

import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.outbox.AuditOutbox;
import io.lakeward.audit.client.outbox.OutboxEntry;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An in-memory outbox for gateway tests: records what is appended and completes appends at once,
 * refuses them all ({@link #refusing()}), or holds them until the test releases them ({@link #holding()}).
 */
public final class FakeAuditOutbox implements AuditOutbox {
    private enum Mode { ACCEPT, REFUSE, HOLD }

    private final Mode mode;
    private final List<AuditEvent> events = new ArrayList<>();
    private final List<CompletableFuture<Void>> held = new ArrayList<>();

    private FakeAuditOutbox(Mode mode) {
        this.mode = mode;
    }

    public static FakeAuditOutbox accepting() {
        return new FakeAuditOutbox(Mode.ACCEPT);
    }

    /** Fails every append as a full queue does. */
    public static FakeAuditOutbox refusing() {
        return new FakeAuditOutbox(Mode.REFUSE);
    }

    /** Completes no append until {@link #release()}. */
    public static FakeAuditOutbox holding() {
        return new FakeAuditOutbox(Mode.HOLD);
    }

    @Override
    public synchronized CompletableFuture<Void> append(AuditEvent event) {
        switch (mode) {
            case REFUSE -> {
                return CompletableFuture.failedFuture(new LakewardException(ErrorCode.RESOURCE_EXHAUSTED, "the audit outbox is full"));
            }
            case HOLD -> {
                events.add(event);
                CompletableFuture<Void> future = new CompletableFuture<>();
                held.add(future);
                return future;
            }
            default -> {
                events.add(event);
                return CompletableFuture.completedFuture(null);
            }
        }
    }

    public synchronized List<AuditEvent> events() {
        return List.copyOf(events);
    }

    public synchronized void release() {
        held.forEach(future -> future.complete(null));
        held.clear();
    }

    @Override
    public List<OutboxEntry> read(long fromSequence, int maxEntries) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long shippedThrough() {
        return -1;
    }

    @Override
    public void markShipped(long sequence) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean awaitDurable(long sequence, Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}

package io.lakeward.audit.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuditJson;
import io.lakeward.audit.store.AuditLogId;
import io.lakeward.audit.store.AuditStore;
import io.lakeward.audit.store.ChainRecord;
import io.lakeward.audit.store.LogState;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Queries one log of the store: the events a filter selects, in sequence order, a page at a time.
 * The page token is the next sequence to read, opaque to callers. A query may span at most the
 * queryable window (3 months by default) and may not reach before the retention horizon.
 * Blocking (file reads): call it on a worker.
 */
public final class AuditQueryService {
    public static final int MAX_PAGE_SIZE = 1000;
    private static final String TOKEN_PREFIX = "seq:";

    private final AuditStore store;
    private final Duration queryableWindow;
    private final ObjectMapper mapper = AuditJson.newMapper();

    public AuditQueryService(AuditStore store, Duration queryableWindow) {
        this.store = store;
        this.queryableWindow = queryableWindow;
    }

    public Duration queryableWindow() {
        return queryableWindow;
    }

    public AuditPage query(AuditLogId log, AuditFilter filter, String pageToken, int pageSize) {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw LakewardException.invalidParameter("page_size must be from 1 to " + MAX_PAGE_SIZE);
        }
        if (Duration.between(filter.from(), filter.to()).compareTo(queryableWindow) > 0) {
            throw LakewardException.invalidParameter("a query spans at most " + queryableWindow.toDays()
                    + " days; use an export for longer periods");
        }
        Optional<LogState> state = store.state(log);
        if (state.isEmpty()) {
            return new AuditPage(List.of(), null);
        }
        long from = Math.max(state.get().firstSequence(), parseToken(pageToken));
        long to = state.get().lastSequence();
        List<AuditPage.Entry> entries = new ArrayList<>();
        long[] resumeAt = {-1};
        for (LogState.SegmentSpan segment : state.get().segments()) {
            if (segment.lastSequence() < from || entries.size() > pageSize || resumeAt[0] >= 0) {
                continue;
            }
            if (segment.maxTime() != null && segment.maxTime().isBefore(filter.from())
                    || segment.minTime() != null && !segment.minTime().isBefore(filter.to())) {
                continue;
            }
            store.read(log, Math.max(from, segment.firstSequence()), Math.min(to, segment.lastSequence()), record -> {
                if (resumeAt[0] >= 0) {
                    return;
                }
                Instant time = record.time();
                if (time == null || !filter.inRange(time)) {
                    return;
                }
                AuditEvent event = parse(record);
                if (!filter.matches(event)) {
                    return;
                }
                if (entries.size() == pageSize) {
                    resumeAt[0] = record.sequence();
                    return;
                }
                entries.add(new AuditPage.Entry(record.sequence(), record.hash(), tree(record)));
            });
        }
        return new AuditPage(entries, resumeAt[0] >= 0 ? token(resumeAt[0]) : null);
    }

    private AuditEvent parse(ChainRecord record) {
        try {
            return mapper.readValue(record.eventJson(), AuditEvent.class);
        } catch (IOException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "audit record " + record.sequence() + " is unreadable", e);
        }
    }

    private com.fasterxml.jackson.databind.JsonNode tree(ChainRecord record) {
        try {
            return mapper.readTree(record.eventJson());
        } catch (IOException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "audit record " + record.sequence() + " is unreadable", e);
        }
    }

    static String token(long sequence) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((TOKEN_PREFIX + sequence).getBytes(StandardCharsets.US_ASCII));
    }

    static long parseToken(String token) {
        if (token == null || token.isEmpty()) {
            return 1;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
            if (text.startsWith(TOKEN_PREFIX)) {
                long sequence = Long.parseLong(text.substring(TOKEN_PREFIX.length()));
                if (sequence >= 1) {
                    return sequence;
                }
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw LakewardException.invalidParameter("page_token is not a token this API returned");
    }
}

package io.lakeward.audit.store;

/** What an append did: events stored now, and events already stored before (same event id). */
public record AppendResult(int stored, int duplicates) {
}

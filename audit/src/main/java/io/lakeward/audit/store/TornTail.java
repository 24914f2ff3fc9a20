package io.lakeward.audit.store;

import java.nio.file.Path;

/**
 * What recovery cut from the end of a log after a crash: bytes of a write that never completed its
 * fsync, so never acknowledged. They are kept in {@code quarantine} for inspection, and the cut is
 * recorded as an {@code audit.log_recovered} event in the same log.
 */
public record TornTail(AuditLogId log, String file, long offset, long bytes, Path quarantine) {
}

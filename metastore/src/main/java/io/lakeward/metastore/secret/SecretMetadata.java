package io.lakeward.metastore.secret;

import java.time.Instant;

/** What listing a scope shows of a secret: its key and when it last changed, never its value. */
public record SecretMetadata(String key, Instant updatedAt) {
}

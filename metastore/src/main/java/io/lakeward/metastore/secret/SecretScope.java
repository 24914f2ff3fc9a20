package io.lakeward.metastore.secret;

import java.time.Instant;

/** A secret scope of a tenant; its name is unique within the tenant. */
public record SecretScope(String name, String createdBy, Instant createdAt) {
}

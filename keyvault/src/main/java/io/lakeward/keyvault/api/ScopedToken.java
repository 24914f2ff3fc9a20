package io.lakeward.keyvault.api;

import io.lakeward.common.config.Secret;
import java.time.Instant;
import java.util.Objects;

/** A token as handed to its holder: the secret itself, what it is for, and when it stops working. */
public record ScopedToken(Secret token, TokenScope scope, Instant expiresAt) {
    public ScopedToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}

package io.lakeward.infra.keycloak;

import io.lakeward.common.config.Secret;
import java.util.Objects;

/** A confidential OIDC client's id and secret. */
public record ClientCredentials(String clientId, Secret secret) {
    public ClientCredentials {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(secret, "secret");
    }
}

package io.lakeward.infra.keycloak;

import java.io.IOException;

/** A Keycloak admin or token endpoint answered with an unexpected HTTP status. */
public final class KeycloakAdminException extends IOException {
    private final int statusCode;

    public KeycloakAdminException(String message, int statusCode) {
        super(message);
        this.statusCode = statusCode;
    }

    public int statusCode() {
        return statusCode;
    }
}

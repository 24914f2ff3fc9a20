package io.lakeward.workspace.identity;

import java.util.Objects;
import java.util.Optional;

/**
 * A person in a tenant's identity directory.
 *
 * @param id the directory's stable id of the user (the {@code sub} of the user's tokens)
 * @param username the sign-in name, unique within the tenant
 * @param email the e-mail address, if the directory has one
 * @param enabled false when the user may not sign in
 */
public record DirectoryUser(String id, String username, Optional<String> email, boolean enabled) {
    public DirectoryUser {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(email, "email");
    }
}

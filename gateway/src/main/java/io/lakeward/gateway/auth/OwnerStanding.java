package io.lakeward.gateway.auth;

import io.lakeward.common.identity.Principal;
import java.util.List;
import java.util.Objects;

/**
 * What the tenant's identity directory says now of a personal access token's owner: a token made
 * months ago must stop working when its owner is disabled or deleted, and act with the roles and
 * groups the owner holds today, not those it held when the token was made. Blocking: called on the
 * worker pool that verifies personal access tokens, once per token per verification cache period.
 */
@FunctionalInterface
public interface OwnerStanding {

    /** The owner's standing; {@link Standing#UNKNOWN} when the directory cannot say. */
    Standing of(Principal owner);

    /** No directory to ask: every token acts with what it recorded. */
    static OwnerStanding unknown() {
        return owner -> Standing.UNKNOWN;
    }

    /** The answer: current (with membership), gone (disabled or deleted), or unknown. */
    record Standing(Kind kind, List<String> roles, List<String> groups) {
        public static final Standing UNKNOWN = new Standing(Kind.UNKNOWN, List.of(), List.of());
        public static final Standing GONE = new Standing(Kind.GONE, List.of(), List.of());

        public Standing {
            Objects.requireNonNull(kind, "kind");
            roles = List.copyOf(roles);
            groups = List.copyOf(groups);
        }

        public static Standing current(List<String> roles, List<String> groups) {
            return new Standing(Kind.CURRENT, roles, groups);
        }
    }

    enum Kind {
        /** The owner exists and is enabled; its membership is as given. */
        CURRENT,
        /** The owner is disabled or no longer exists: its tokens are refused. */
        GONE,
        /** The directory is not Lakeward's to read, or cannot be reached: the token's own record stands. */
        UNKNOWN
    }
}

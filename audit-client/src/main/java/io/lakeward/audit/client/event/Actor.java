package io.lakeward.audit.client.event;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Objects;

/**
 * Who performed an audited action (PCI DSS 10.2.2 "user identification", NIST AU-3 "identity of
 * subjects"). Users and services carry an id and the method they authenticated with; the system
 * authenticates with nothing; an anonymous actor may name the method it tried and, when known,
 * the identity it claimed.
 *
 * @param id   a stable subject id (identity-provider subject, service name); never a credential
 * @param name a display name (user name, e-mail), optional
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Actor(ActorType type, String id, String name, AuthenticationMethod authenticationMethod) {
    static final int MAX_LENGTH = 256;

    public Actor {
        Objects.requireNonNull(type, "actor type");
        Objects.requireNonNull(authenticationMethod, "actor authentication method");
        Checks.optionalText(id, "actor id", MAX_LENGTH);
        Checks.optionalText(name, "actor name", MAX_LENGTH);
        switch (type) {
            case USER, SERVICE -> {
                Checks.requireText(id, "actor id", MAX_LENGTH);
                if (authenticationMethod == AuthenticationMethod.NONE) {
                    throw new IllegalArgumentException("a " + type + " actor must have authenticated");
                }
            }
            case SYSTEM -> {
                Checks.requireText(id, "actor id", MAX_LENGTH);
                if (authenticationMethod != AuthenticationMethod.NONE) {
                    throw new IllegalArgumentException("the SYSTEM actor does not authenticate");
                }
            }
            case ANONYMOUS -> {
                // the method tried (and a claimed id) may be recorded for a rejected attempt
            }
        }
    }

    public static Actor user(String id, String name, AuthenticationMethod method) {
        return new Actor(ActorType.USER, id, name, method);
    }

    public static Actor service(String id, AuthenticationMethod method) {
        return new Actor(ActorType.SERVICE, id, null, method);
    }

    /** The platform itself, e.g. {@code system("retention")}. */
    public static Actor system(String component) {
        return new Actor(ActorType.SYSTEM, component, null, AuthenticationMethod.NONE);
    }

    /** A caller that presented no credentials. */
    public static Actor anonymous() {
        return new Actor(ActorType.ANONYMOUS, null, null, AuthenticationMethod.NONE);
    }

    /** A caller whose credentials of the given kind were rejected. */
    public static Actor rejected(AuthenticationMethod attempted) {
        return new Actor(ActorType.ANONYMOUS, null, null, attempted);
    }
}

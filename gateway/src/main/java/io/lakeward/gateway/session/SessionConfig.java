package io.lakeward.gateway.session;

import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.config.ConfigSource;
import java.time.Duration;
import java.util.Objects;

/**
 * Browser sessions and the login that makes them ({@code gateway.session.*}, {@code gateway.login.*}).
 *
 * @param clientId the gateway's confidential OIDC client in every tenant realm
 * @param idleTimeout a session unused this long ends
 * @param absoluteTimeout a session ends this long after its login, however active
 * @param loginAttemptLifetime how long a started login may take at the identity provider
 * @param refreshAhead the access token of a session is refreshed this long before it expires
 * @param keyRefreshInterval the least time between two fetches of an issuer's keys for unknown key ids
 */
public record SessionConfig(String clientId, Duration idleTimeout, Duration absoluteTimeout, Duration loginAttemptLifetime,
                            Duration refreshAhead, Duration keyRefreshInterval) {
    public SessionConfig {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(absoluteTimeout, "absoluteTimeout");
        Objects.requireNonNull(loginAttemptLifetime, "loginAttemptLifetime");
        Objects.requireNonNull(refreshAhead, "refreshAhead");
        Objects.requireNonNull(keyRefreshInterval, "keyRefreshInterval");
    }

    /** The defaults: those of the realm template (30 minutes idle, 10 hours at most). */
    public static SessionConfig defaults() {
        return new SessionConfig("lakeward-gateway", Duration.ofMinutes(30), Duration.ofHours(10), Duration.ofMinutes(10),
                Duration.ofSeconds(15), Duration.ofSeconds(30));
    }

    public static SessionConfig from(ConfigSource source, ConfigProblems problems) {
        SessionConfig defaults = defaults();
        Duration idle = source.duration("gateway.session.idle-timeout", defaults.idleTimeout(), problems);
        Duration absolute = source.duration("gateway.session.absolute-timeout", defaults.absoluteTimeout(), problems);
        Duration attempt = source.duration("gateway.login.attempt-lifetime", defaults.loginAttemptLifetime(), problems);
        Duration keys = source.duration("gateway.login.key-refresh-interval", defaults.keyRefreshInterval(), problems);
        if (idle.compareTo(Duration.ofMinutes(1)) < 0 || idle.compareTo(Duration.ofHours(24)) > 0) {
            problems.add("gateway.session.idle-timeout", "must be from 1 minute to 24 hours");
        }
        if (absolute.compareTo(idle) < 0 || absolute.compareTo(Duration.ofDays(7)) > 0) {
            problems.add("gateway.session.absolute-timeout", "must be at least the idle timeout and at most 7 days");
        }
        if (attempt.compareTo(Duration.ofMinutes(1)) < 0 || attempt.compareTo(Duration.ofMinutes(30)) > 0) {
            problems.add("gateway.login.attempt-lifetime", "must be from 1 to 30 minutes");
        }
        if (keys.compareTo(Duration.ofSeconds(1)) < 0 || keys.compareTo(Duration.ofMinutes(10)) > 0) {
            problems.add("gateway.login.key-refresh-interval", "must be from 1 second to 10 minutes");
        }
        return new SessionConfig(source.string("gateway.login.client-id", defaults.clientId()), idle, absolute, attempt,
                defaults.refreshAhead(), keys);
    }
}

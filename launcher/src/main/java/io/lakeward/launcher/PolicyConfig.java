package io.lakeward.launcher;

import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.config.ConfigSource;
import io.lakeward.common.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Where policy decisions are made ({@code policy.*} keys): the embedded Wasm engine in this JVM,
 * or a remote OPA server; and how often decision points look for policy changes.
 *
 * @param remoteUrl   the OPA server, for {@code remote} mode
 * @param timeout     bound of every decision (embedded: queueing included; remote: the whole HTTP call)
 * @param syncInterval how often the policy store's revisions are polled (changes reach every decision
 *                    point within about this, plus the time to load the new data)
 */
public record PolicyConfig(Mode mode, Optional<URI> remoteUrl, Optional<Secret> remoteToken, Duration timeout, Duration syncInterval) {

    /** The two decision points. */
    public enum Mode {
        EMBEDDED,
        REMOTE
    }

    public static PolicyConfig from(ConfigSource source, ConfigProblems problems) {
        Mode mode = Mode.EMBEDDED;
        String modeText = source.string("policy.mode", "embedded").toUpperCase(Locale.ROOT);
        try {
            mode = Mode.valueOf(modeText);
        } catch (IllegalArgumentException e) {
            problems.add("policy.mode", "must be embedded or remote");
        }
        Optional<URI> url = source.raw("policy.remote.url").map(text -> {
            try {
                URI uri = URI.create(text);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    problems.add("policy.remote.url", "must be an http or https URL of an OPA server");
                }
                return uri;
            } catch (IllegalArgumentException e) {
                problems.add("policy.remote.url", "must be an http or https URL of an OPA server");
                return null;
            }
        });
        if (mode == Mode.REMOTE && url.isEmpty()) {
            problems.add("policy.remote.url", "is required when policy.mode is remote");
        }
        Optional<Secret> token = source.secret("policy.remote.token", problems);
        Duration timeout = source.duration("policy.timeout", mode == Mode.REMOTE ? Duration.ofSeconds(1) : Duration.ofMillis(500), problems);
        Duration interval = source.duration("policy.sync-interval", Duration.ofMillis(250), problems);
        if (interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofSeconds(10)) > 0) {
            problems.add("policy.sync-interval", "must be from 10ms to 10s");
        }
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofSeconds(30)) > 0) {
            problems.add("policy.timeout", "must be positive and at most 30s");
        }
        return new PolicyConfig(mode, url, token, timeout, interval);
    }
}

package io.lakeward.policy.client;

import io.lakeward.common.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a {@link RemotePolicyClient}.
 *
 * @param baseUri        the OPA server, e.g. {@code http://127.0.0.1:8181}
 * @param connectTimeout budget of establishing a connection
 * @param requestTimeout the whole budget of one decision or data push, connection included
 * @param token          bearer token, for an OPA server started with {@code --authentication=token}
 */
public record RemotePolicyConfig(URI baseUri, Duration connectTimeout, Duration requestTimeout, Optional<Secret> token) {

    public RemotePolicyConfig {
        Objects.requireNonNull(baseUri, "baseUri");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(token, "token");
        List<String> problems = new ArrayList<>();
        if (!"http".equals(baseUri.getScheme()) && !"https".equals(baseUri.getScheme())) {
            problems.add("baseUri must be an http or https URI");
        }
        if (baseUri.getHost() == null) {
            problems.add("baseUri must name a host");
        }
        if (baseUri.getRawPath() != null && !baseUri.getRawPath().isEmpty() && !baseUri.getRawPath().equals("/")) {
            problems.add("baseUri must not have a path (the OPA API paths are appended to it)");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            problems.add("connectTimeout must be positive");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            problems.add("requestTimeout must be positive");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid remote policy settings: " + String.join("; ", problems));
        }
    }

    /** An OPA server without authentication; 500 ms to connect, 1 s per request. */
    public static RemotePolicyConfig of(URI baseUri) {
        return new RemotePolicyConfig(baseUri, Duration.ofMillis(500), Duration.ofSeconds(1), Optional.empty());
    }

    public RemotePolicyConfig withConnectTimeout(Duration connectTimeout) {
        return new RemotePolicyConfig(baseUri, connectTimeout, requestTimeout, token);
    }

    public RemotePolicyConfig withRequestTimeout(Duration requestTimeout) {
        return new RemotePolicyConfig(baseUri, connectTimeout, requestTimeout, token);
    }

    public RemotePolicyConfig withToken(Secret token) {
        return new RemotePolicyConfig(baseUri, connectTimeout, requestTimeout, Optional.of(token));
    }

    /** {@code baseUri} followed by an OPA API path such as {@code /v1/data/lakeward/authz/decision}. */
    URI resolve(String apiPath) {
        String base = baseUri.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + apiPath);
    }
}

package io.lakeward.gateway.login;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSocketFactory;

/**
 * The signing keys of each issuer the login trusts (ID and logout tokens): fetched from the
 * issuer's JWKS, cached for an hour, refreshed ahead of expiry and at once when a token names a
 * key id the cache does not hold (so a key rotated at the identity provider is picked up without
 * a restart), at most once per {@code minimumRefreshInterval}, and served from the cache for up to
 * 12 hours while the issuer is down. Blocking on a cache miss: call on a worker pool.
 */
public final class ProviderKeys {
    private final DefaultResourceRetriever retriever;
    private final OidcDiscovery discovery;
    private final Duration minimumRefreshInterval;
    private final Map<String, JWKSource<SecurityContext>> sources = new ConcurrentHashMap<>();

    public ProviderKeys(Duration timeout, SSLSocketFactory trust, OidcDiscovery discovery, Duration minimumRefreshInterval) {
        int millis = Math.toIntExact(timeout.toMillis());
        this.retriever = new DefaultResourceRetriever(millis, millis, 256 * 1024, true, trust);
        this.discovery = discovery;
        this.minimumRefreshInterval = minimumRefreshInterval;
    }

    /** The issuer's keys, at the {@code jwks_uri} of its discovery document (learnt on first use, blocking). */
    public JWKSource<SecurityContext> of(URI issuer) {
        return sources.computeIfAbsent(issuer.toString(), ignored -> discovery.keySet(issuer, keys -> JWKSourceBuilder.<SecurityContext>create(keys, retriever)
                .cache(Duration.ofHours(1).toMillis(), Duration.ofSeconds(10).toMillis())
                .refreshAheadCache(true)
                .rateLimited(minimumRefreshInterval.toMillis())
                .outageTolerant(Duration.ofHours(12).toMillis())
                .retrying(true)
                .build()));
    }
}

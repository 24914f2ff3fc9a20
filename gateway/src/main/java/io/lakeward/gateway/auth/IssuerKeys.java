package io.lakeward.gateway.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import io.lakeward.gateway.login.OidcDiscovery;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The signing keys of one issuer, from its JWKS: cached for {@code cacheTtl} and refreshed ahead
 * of expiry; fetched at most once per {@code refetchInterval} whatever asks for it (an unknown key
 * id, expiry, a failed attempt), so a flood of tokens with made-up key ids costs the issuer at most
 * one request per interval; and served from the last good set for {@code outageTolerance} while
 * the issuer cannot be reached. Only signature keys of the type the issuer's pinned algorithm
 * needs (RSA for RS and PS, EC on the algorithm's curve for ES) are ever selected.
 *
 * <p>Blocking (network): use it on a worker pool.
 */
final class IssuerKeys {
    private final JWKSource<SecurityContext> source;

    /** @param discovery tells where the issuer publishes its key set ({@code jwks_uri}), learnt on the first key asked for */
    IssuerKeys(URI issuer, OidcDiscovery discovery, ResourceRetriever retriever, Duration cacheTtl, Duration refetchInterval,
               Duration outageTolerance, Counter fetches) {
        ResourceRetriever limited = new RateLimitedRetriever(retriever, refetchInterval, fetches);
        // Nimbus requires refresh-ahead time + refresh timeout <= time to live
        long refreshAhead = Math.min(Duration.ofSeconds(30).toMillis(), cacheTtl.toMillis() / 3);
        long refreshTimeout = Math.min(Duration.ofSeconds(15).toMillis(), cacheTtl.toMillis() / 3);
        this.source = discovery.keySet(issuer, keys -> JWKSourceBuilder.<SecurityContext>create(keys, limited)
                .cache(cacheTtl.toMillis(), refreshTimeout)
                .refreshAheadCache(refreshAhead, false)
                .rateLimited(false)
                .retrying(false)
                .outageTolerant(outageTolerance.toMillis())
                .build());
    }

    /**
     * The signature key with this id for {@code algorithm}, if the issuer publishes exactly one
     * (fetching as allowed): of the algorithm's key type, on its curve for ECDSA, its use
     * signature or unstated, its algorithm {@code algorithm} or unstated.
     */
    Optional<JWK> key(String keyId, JWSAlgorithm algorithm) throws KeySourceException {
        JWKMatcher.Builder matcher = new JWKMatcher.Builder()
                .keyType(KeyType.forAlgorithm(algorithm))
                .keyID(keyId)
                .keyUses(KeyUse.SIGNATURE, null)
                .algorithms(algorithm, null)
                .publicOnly(true);
        if (JWSAlgorithm.Family.EC.contains(algorithm)) {
            matcher.curves(Curve.forJWSAlgorithm(algorithm));
        }
        List<JWK> keys = source.get(new JWKSelector(matcher.build()), null);
        return keys.size() == 1 ? Optional.of(keys.get(0)) : Optional.empty();
    }

    /** At most one fetch per interval; a refused fetch fails like an unreachable issuer, so cached keys keep serving. */
    private static final class RateLimitedRetriever implements ResourceRetriever {
        private final ResourceRetriever delegate;
        private final long intervalNanos;
        private final Counter fetches;
        private boolean fetched;
        private long lastFetchNanos;

        RateLimitedRetriever(ResourceRetriever delegate, Duration interval, Counter fetches) {
            this.delegate = delegate;
            this.intervalNanos = interval.toNanos();
            this.fetches = fetches;
        }

        @Override
        public Resource retrieveResource(URL url) throws IOException {
            synchronized (this) {
                long now = System.nanoTime();
                if (fetched && now - lastFetchNanos < intervalNanos) {
                    throw new IOException("key set fetch refused: at most one per " + Duration.ofNanos(intervalNanos));
                }
                fetched = true;
                lastFetchNanos = now;
            }
            fetches.increment();
            return delegate.retrieveResource(url);
        }
    }
}

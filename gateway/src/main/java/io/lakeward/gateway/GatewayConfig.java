package io.lakeward.gateway;

import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.config.ConfigSource;
import io.lakeward.gateway.auth.IssuerAlgorithms;
import io.lakeward.gateway.edge.IpAccessRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of the gateway. The public listener serves TLS on {@code bindHost:port}; health,
 * readiness and metrics for operators are on the plain loopback {@code managementPort}.
 *
 * @param certificatePem the server certificate chain (PEM), covering {@code baseDomain} and its subdomains
 * @param privateKeyPem its PKCS#8 private key
 * @param identityProviderTrustPem the CA certificates trusted when fetching issuer metadata and keys
 * @param audience the audience every access token must name
 * @param managedIssuerPrefix issuers starting with this belong to the identity provider the platform
 *        runs, and are part of the gateway's readiness
 * @param instances how many instances serve the public listener, each on its own event loop, sharing
 *        the port, the caches, the rate limits and the audit outbox (default: one per processor)
 */
public record GatewayConfig(
        String bindHost,
        int port,
        int managementPort,
        String baseDomain,
        Path certificatePem,
        Path privateKeyPem,
        Path identityProviderTrustPem,
        String audience,
        Duration clockSkew,
        Duration identityProviderTimeout,
        Duration upstreamTimeout,
        RateLimit tenantRateLimit,
        RateLimit principalRateLimit,
        String managedIssuerPrefix,
        TokenSettings tokens,
        IpAccessRules ipAccess,
        int instances) {

    /**
     * Bearer-token settings: the verified-token cache, the issuers' key sets, personal access tokens.
     *
     * @param cacheTtl how long a verified access token is remembered (never past its {@code exp})
     * @param cacheSize how many verified access tokens are remembered at most
     * @param keysCacheTtl how long an issuer's key set is used before it is fetched again (refreshed ahead of that)
     * @param keysRefetchInterval at most one key-set fetch per issuer in this interval, whatever the
     *        cause (unknown key id, expiry, failure)
     * @param keysOutageTolerance how long the last key set keeps being used while the issuer cannot be reached
     * @param personalTokenMaxLifetime the longest lifetime a personal access token may ask for (and the default)
     * @param personalTokenMaxPerPrincipal unexpired personal access tokens one principal may hold
     * @param personalTokenCacheTtl how long a verified personal access token is remembered: the bound
     *        on how late another gateway instance sees a revocation
     * @param personalTokenLastUseFlush how often last-use times are written, coalesced
     * @param algorithms the signature algorithm each issuer's access tokens must carry (RS256 unless configured)
     */
    public record TokenSettings(Duration cacheTtl, int cacheSize, Duration keysCacheTtl, Duration keysRefetchInterval,
                                Duration keysOutageTolerance, Duration personalTokenMaxLifetime, int personalTokenMaxPerPrincipal,
                                Duration personalTokenCacheTtl, Duration personalTokenLastUseFlush, IssuerAlgorithms algorithms) {
        public TokenSettings {
            Objects.requireNonNull(algorithms, "algorithms");
        }

        /** As the canonical constructor, with every issuer pinned to RS256. */
        public TokenSettings(Duration cacheTtl, int cacheSize, Duration keysCacheTtl, Duration keysRefetchInterval,
                             Duration keysOutageTolerance, Duration personalTokenMaxLifetime, int personalTokenMaxPerPrincipal,
                             Duration personalTokenCacheTtl, Duration personalTokenLastUseFlush) {
            this(cacheTtl, cacheSize, keysCacheTtl, keysRefetchInterval, keysOutageTolerance, personalTokenMaxLifetime,
                    personalTokenMaxPerPrincipal, personalTokenCacheTtl, personalTokenLastUseFlush, IssuerAlgorithms.rs256());
        }

        public static TokenSettings defaults() {
            return new TokenSettings(Duration.ofMinutes(5), 10_000, Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofHours(12),
                    Duration.ofDays(90), 50, Duration.ofSeconds(5), Duration.ofSeconds(30));
        }

        /** These settings with other pinned algorithms. */
        public TokenSettings withAlgorithms(IssuerAlgorithms pinned) {
            return new TokenSettings(cacheTtl, cacheSize, keysCacheTtl, keysRefetchInterval, keysOutageTolerance, personalTokenMaxLifetime,
                    personalTokenMaxPerPrincipal, personalTokenCacheTtl, personalTokenLastUseFlush, pinned);
        }

        static TokenSettings from(ConfigSource source, ConfigProblems problems) {
            TokenSettings defaults = defaults();
            TokenSettings settings = new TokenSettings(
                    source.duration("gateway.token.cache-ttl", defaults.cacheTtl(), problems),
                    source.integer("gateway.token.cache-size", defaults.cacheSize(), 0, 10_000_000, problems),
                    source.duration("gateway.token.jwks.cache-ttl", defaults.keysCacheTtl(), problems),
                    source.duration("gateway.token.jwks.refetch-interval", defaults.keysRefetchInterval(), problems),
                    source.duration("gateway.token.jwks.outage-tolerance", defaults.keysOutageTolerance(), problems),
                    source.duration("gateway.personal-access-token.max-lifetime", defaults.personalTokenMaxLifetime(), problems),
                    source.integer("gateway.personal-access-token.max-per-principal", defaults.personalTokenMaxPerPrincipal(), 1, 10_000, problems),
                    source.duration("gateway.personal-access-token.cache-ttl", defaults.personalTokenCacheTtl(), problems),
                    source.duration("gateway.personal-access-token.last-use-flush-interval", defaults.personalTokenLastUseFlush(), problems),
                    IssuerAlgorithms.parse(source.string("gateway.token.algorithms", ""), "gateway.token.algorithms", problems));
            if (settings.keysCacheTtl().compareTo(Duration.ofSeconds(10)) < 0) {
                problems.add("gateway.token.jwks.cache-ttl", "must be at least 10s");
            }
            if (settings.personalTokenMaxLifetime().compareTo(Duration.ofHours(1)) < 0
                    || settings.personalTokenMaxLifetime().compareTo(Duration.ofDays(730)) > 0) {
                problems.add("gateway.personal-access-token.max-lifetime", "must be from 1h to 730d");
            }
            if (settings.personalTokenCacheTtl().compareTo(Duration.ofMinutes(1)) > 0) {
                problems.add("gateway.personal-access-token.cache-ttl", "must be at most 1m: it bounds how late a revocation takes effect");
            }
            if (settings.personalTokenLastUseFlush().compareTo(Duration.ofSeconds(1)) < 0) {
                problems.add("gateway.personal-access-token.last-use-flush-interval", "must be at least 1s");
            }
            return settings;
        }
    }

    /** As the canonical constructor, with the default token settings and no IP access lists. */
    public GatewayConfig(String bindHost, int port, int managementPort, String baseDomain, Path certificatePem, Path privateKeyPem,
                         Path identityProviderTrustPem, String audience, Duration clockSkew, Duration identityProviderTimeout,
                         Duration upstreamTimeout, RateLimit tenantRateLimit, RateLimit principalRateLimit, String managedIssuerPrefix) {
        this(bindHost, port, managementPort, baseDomain, certificatePem, privateKeyPem, identityProviderTrustPem, audience, clockSkew,
                identityProviderTimeout, upstreamTimeout, tenantRateLimit, principalRateLimit, managedIssuerPrefix, TokenSettings.defaults(),
                IpAccessRules.none(), defaultInstances());
    }

    /** This configuration with other token settings. */
    public GatewayConfig withTokens(TokenSettings settings) {
        return new GatewayConfig(bindHost, port, managementPort, baseDomain, certificatePem, privateKeyPem, identityProviderTrustPem,
                audience, clockSkew, identityProviderTimeout, upstreamTimeout, tenantRateLimit, principalRateLimit, managedIssuerPrefix, settings,
                ipAccess, instances);
    }

    /** This configuration with other IP access lists. */
    public GatewayConfig withIpAccess(IpAccessRules rules) {
        return new GatewayConfig(bindHost, port, managementPort, baseDomain, certificatePem, privateKeyPem, identityProviderTrustPem,
                audience, clockSkew, identityProviderTimeout, upstreamTimeout, tenantRateLimit, principalRateLimit, managedIssuerPrefix, tokens,
                rules, instances);
    }

    /** This configuration with another number of public listener instances. */
    public GatewayConfig withInstances(int count) {
        return new GatewayConfig(bindHost, port, managementPort, baseDomain, certificatePem, privateKeyPem, identityProviderTrustPem,
                audience, clockSkew, identityProviderTimeout, upstreamTimeout, tenantRateLimit, principalRateLimit, managedIssuerPrefix, tokens,
                ipAccess, count);
    }

    /** One public listener instance per processor. */
    public static int defaultInstances() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** A token-bucket limit: requests per second, and how many may come at once. */
    public record RateLimit(int perSecond, int burst) {
        static RateLimit from(ConfigSource source, ConfigProblems problems, String prefix, int perSecond, int burst) {
            return new RateLimit(source.integer(prefix + ".per-second", perSecond, 1, 1_000_000, problems),
                    source.integer(prefix + ".burst", burst, 1, 10_000_000, problems));
        }
    }

    public GatewayConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(baseDomain, "baseDomain");
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        Objects.requireNonNull(identityProviderTrustPem, "identityProviderTrustPem");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(managedIssuerPrefix, "managedIssuerPrefix");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(ipAccess, "ipAccess");
        if (instances < 1) {
            throw new IllegalArgumentException("the gateway needs at least one instance");
        }
    }

    /** Reads {@code gateway.*} keys; the TLS files come from the composition root, which owns the certificates. */
    public static GatewayConfig from(ConfigSource source, ConfigProblems problems, String baseDomain,
                                     Path certificatePem, Path privateKeyPem, Path identityProviderTrustPem, String managedIssuerPrefix) {
        Duration clockSkew = source.duration("gateway.token.clock-skew", Duration.ofSeconds(30), problems);
        if (clockSkew.compareTo(Duration.ofMinutes(2)) > 0) {
            problems.add("gateway.token.clock-skew", "must be at most 2 minutes");
        }
        return new GatewayConfig(
                source.string("gateway.bind-host", "127.0.0.1"),
                source.port("gateway.port", 9443, problems),
                source.port("gateway.management-port", 9440, problems),
                baseDomain,
                certificatePem,
                privateKeyPem,
                identityProviderTrustPem,
                source.string("gateway.token.audience", "lakeward-gateway"),
                clockSkew,
                source.duration("gateway.identity-provider.timeout", Duration.ofSeconds(5), problems),
                source.duration("gateway.upstream.timeout", Duration.ofSeconds(60), problems),
                RateLimit.from(source, problems, "gateway.rate-limit.tenant", 500, 1000),
                RateLimit.from(source, problems, "gateway.rate-limit.principal", 100, 200),
                managedIssuerPrefix,
                TokenSettings.from(source, problems),
                IpAccessRules.parse(source.string("gateway.ip-access.allow", ""), source.string("gateway.ip-access.block", ""), problems),
                source.integer("gateway.instances", defaultInstances(), 1, 256, problems));
    }
}

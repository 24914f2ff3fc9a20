package io.lakeward.gateway;

import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.config.ConfigSource;
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
        IpAccessRules ipAccess) {

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
        Objects.requireNonNull(ipAccess, "ipAccess");
    }

    /** Without IP access lists. */
    public GatewayConfig(String bindHost, int port, int managementPort, String baseDomain, Path certificatePem, Path privateKeyPem,
                         Path identityProviderTrustPem, String audience, Duration clockSkew, Duration identityProviderTimeout,
                         Duration upstreamTimeout, RateLimit tenantRateLimit, RateLimit principalRateLimit, String managedIssuerPrefix) {
        this(bindHost, port, managementPort, baseDomain, certificatePem, privateKeyPem, identityProviderTrustPem, audience, clockSkew,
                identityProviderTimeout, upstreamTimeout, tenantRateLimit, principalRateLimit, managedIssuerPrefix, IpAccessRules.none());
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
                IpAccessRules.parse(source.string("gateway.ip-access.allow", ""), source.string("gateway.ip-access.block", ""), problems));
    }
}

package io.lakeward.gateway.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.identity.Principal;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantDirectory;
import io.lakeward.gateway.login.OidcDiscovery;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies OIDC access tokens for the tenant a request came to. Each tenant trusts exactly one
 * issuer, whose keys come from the JWKS its discovery document names ({@link IssuerKeys}: cached, refreshed ahead, at most one
 * fetch per interval, served from cache while the issuer is down). In order, before any key is
 * looked up: the size is bounded; the compact form must be three base64url parts; header and
 * payload must be JSON objects without duplicate members; the algorithm must be a public-key
 * one ({@link IssuerAlgorithms#PINNABLE}: {@code none} in any casing and HMAC are refused) and,
 * once the issuer is known, exactly the one that issuer is pinned to; headers that carry or point to
 * keys ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}) and any {@code crit} are refused; the
 * header {@code typ} must be {@code JWT} and the key id a plain token of at most 128 characters.
 * Then the issuer chooses the tenant (never a key fetch at another tenant's issuer), the signature
 * is checked with that issuer's key of that id, and the claims: payload {@code typ} {@code Bearer}
 * (an ID or logout token is never an access token), the gateway in {@code aud}, {@code exp} and
 * {@code iat} present, not expired, not before {@code nbf}, not issued in the future (all with
 * the configured clock skew), {@code sub} and {@code azp} present.
 *
 * <p>Verified tokens are remembered by their SHA-256 until {@code min(exp, now + ttl)}
 * ({@link #cached}); refused ones never.
 *
 * <p>Blocking: an uncached token may fetch keys over the network. Call {@link #verify} on a worker pool.
 */
public final class AccessTokenVerifier {
    /** Tokens larger than this are refused before they are parsed. */
    public static final int MAX_TOKEN_LENGTH = 8192;
    private static final Logger LOG = LoggerFactory.getLogger(AccessTokenVerifier.class);
    private static final Pattern COMPACT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Set<String> KEY_CARRYING_HEADERS = Set.of("jwk", "jku", "x5u", "x5c");
    private static final JsonFactory STRICT_JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** What the verifier needs to know besides the tenants. */
    public record Settings(String audience, Duration clockSkew, Duration cacheTtl, int cacheSize, Duration keysCacheTtl,
                           Duration keysRefetchInterval, Duration keysOutageTolerance, IssuerAlgorithms algorithms) {
        public Settings {
            java.util.Objects.requireNonNull(algorithms, "algorithms");
        }
    }

    private final TenantDirectory tenants;
    private final Settings settings;
    private final ResourceRetriever retriever;
    private final OidcDiscovery discovery;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final VerifiedTokenCache<Principal> cache;
    private final Map<String, IssuerKeys> keys = new ConcurrentHashMap<>();

    /**
     * @param timeout bounds each key-set fetch (connect and read)
     * @param trust the TLS trust for the issuers' key sets
     * @param metrics counts key-set fetches per tenant ({@code lakeward.gateway.jwks.fetches})
     */
    public AccessTokenVerifier(TenantDirectory tenants, Settings settings, Duration timeout, SSLSocketFactory trust,
                               MeterRegistry metrics, Clock clock) {
        this(tenants, settings, retriever(timeout, trust), metrics, clock);
    }

    AccessTokenVerifier(TenantDirectory tenants, Settings settings, ResourceRetriever retriever, MeterRegistry metrics, Clock clock) {
        this.tenants = tenants;
        this.settings = settings;
        this.retriever = retriever;
        this.discovery = new OidcDiscovery(retriever, settings.algorithms()::of, settings.keysRefetchInterval());
        this.metrics = metrics;
        this.clock = clock;
        this.cache = new VerifiedTokenCache<>(settings.cacheTtl(), settings.cacheSize(), clock);
    }

    private static ResourceRetriever retriever(Duration timeout, SSLSocketFactory trust) {
        int millis = Math.toIntExact(timeout.toMillis());
        return new DefaultResourceRetriever(millis, millis, 256 * 1024, true, trust);
    }

    /**
     * The principal of an already verified {@code token} for {@code tenant}, or {@code null} when
     * the token must be verified ({@link #verify}). Cheap: no crypto, no I/O.
     *
     * @throws TokenRefusedException ({@link RefusalReason#OTHER_TENANT}) for a token verified for another tenant
     */
    public Principal cached(Tenant tenant, String token) {
        Principal principal = token.length() > MAX_TOKEN_LENGTH ? null : cache.get(token);
        return principal == null ? null : forTenant(tenant, principal);
    }

    /**
     * The principal of {@code token} if it is a valid access token of {@code tenant}.
     *
     * @throws TokenRefusedException for any token that is not; {@link RefusalReason#OTHER_TENANT}
     *         for a valid token of another tenant
     * @throws LakewardException {@code TEMPORARILY_UNAVAILABLE} when the issuer's keys cannot be had
     */
    public Principal verify(Tenant tenant, String token) {
        Principal cached = cached(tenant, token);
        if (cached != null) {
            return cached;
        }
        VerifiedToken verified = verifyUncached(tenant, token);
        cache.put(token, verified.principal(), verified.expiresAt());
        return forTenant(tenant, verified.principal());
    }

    private record VerifiedToken(Principal principal, Instant expiresAt) {
    }

    private Principal forTenant(Tenant tenant, Principal principal) {
        if (!principal.tenant().equals(tenant.id())) {
            LOG.info("a valid token of another tenant was presented at {}", tenant.hostName());
            throw new TokenRefusedException(RefusalReason.OTHER_TENANT);
        }
        return principal;
    }

    private VerifiedToken verifyUncached(Tenant hostTenant, String token) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw refused(RefusalReason.OVERSIZED);
        }
        if (!COMPACT.matcher(token).matches()) {
            throw refused(RefusalReason.MALFORMED);
        }
        String[] parts = token.split("\\.", -1);
        Map<String, Object> headerMembers = jsonObject(parts[0]);
        JWSAlgorithm algorithm = pinnable(headerMembers.get("alg"));
        if (algorithm == null) {
            throw refused(RefusalReason.ALGORITHM_NOT_ALLOWED);
        }
        if (headerMembers.keySet().stream().anyMatch(KEY_CARRYING_HEADERS::contains)) {
            throw refused(RefusalReason.HEADER_NOT_ALLOWED);
        }
        if (headerMembers.containsKey("crit")) {
            throw refused(RefusalReason.CRITICAL_HEADER);
        }
        if (!"JWT".equals(headerMembers.get("typ"))) {
            throw refused(RefusalReason.WRONG_TOKEN_TYPE);
        }
        if (!(headerMembers.get("kid") instanceof String keyId) || !KEY_ID.matcher(keyId).matches()) {
            throw refused(RefusalReason.BAD_KEY_ID);
        }
        if (parts[2].isEmpty()) {
            throw refused(RefusalReason.BAD_SIGNATURE);
        }
        JWTClaimsSet claims;
        SignedJWT jwt;
        try {
            claims = JWTClaimsSet.parse(jsonObject(parts[1]));
            jwt = new SignedJWT(new Base64URL(parts[0]), new Base64URL(parts[1]), new Base64URL(parts[2]));
        } catch (ParseException e) {
            throw refused(RefusalReason.MALFORMED);
        }
        Tenant tokenTenant = tenantOfIssuer(hostTenant, claims.getIssuer());
        if (!algorithm.equals(settings.algorithms().of(tokenTenant.issuer()))) {
            throw refused(RefusalReason.ALGORITHM_NOT_ALLOWED);
        }
        JWK key = key(tokenTenant, keyId, algorithm);
        try {
            if (!jwt.verify(verifierFor(algorithm, key))) {
                throw refused(RefusalReason.BAD_SIGNATURE);
            }
        } catch (JOSEException | IllegalStateException e) {
            throw refused(RefusalReason.BAD_SIGNATURE);
        }
        Instant expiresAt = checkClaims(claims);
        return new VerifiedToken(principal(tokenTenant, claims), expiresAt);
    }

    /** The token's tenant: the host's if it names the host's issuer; another tenant's issuer is looked up, never fetched for the host. */
    private Tenant tenantOfIssuer(Tenant hostTenant, String issuer) {
        if (issuer != null && hostTenant.issuer().toString().equals(issuer)) {
            return hostTenant;
        }
        Optional<Tenant> other = issuer == null ? Optional.empty() : tenants.byIssuer(issuer);
        if (other.isEmpty()) {
            throw refused(RefusalReason.UNKNOWN_ISSUER);
        }
        return other.get();
    }

    /** The pinnable algorithm the header names exactly (case and all), or {@code null}. */
    private static JWSAlgorithm pinnable(Object name) {
        for (JWSAlgorithm algorithm : IssuerAlgorithms.PINNABLE) {
            if (algorithm.getName().equals(name)) {
                return algorithm;
            }
        }
        return null;
    }

    /** A verifier of exactly {@code algorithm} with the issuer's public key. */
    private static JWSVerifier verifierFor(JWSAlgorithm algorithm, JWK key) throws JOSEException {
        if (JWSAlgorithm.Family.EC.contains(algorithm)) {
            return new ECDSAVerifier(key.toECKey().toECPublicKey());
        }
        return new RSASSAVerifier(key.toRSAKey().toRSAPublicKey());
    }

    private JWK key(Tenant tenant, String keyId, JWSAlgorithm algorithm) {
        try {
            return keysOf(tenant).key(keyId, algorithm).orElseThrow(() -> refused(RefusalReason.UNKNOWN_KEY));
        } catch (KeySourceException e) {
            // the issuer's keys cannot be fetched and none are cached: not the caller's fault
            LOG.warn("cannot fetch the signing keys of {}: {}", tenant.issuer(), e.toString());
            throw LakewardException.unavailable("the identity provider is unavailable", e);
        }
    }

    private IssuerKeys keysOf(Tenant tenant) {
        return keys.computeIfAbsent(tenant.issuer().toString(), issuer -> {
            Counter fetches = Counter.builder("lakeward.gateway.jwks.fetches")
                    .description("JWKS fetches from a tenant's issuer (attempts, failed or not)")
                    .tag("tenant", tenant.id().value())
                    .register(metrics);
            return new IssuerKeys(tenant.issuer(), discovery, retriever, settings.keysCacheTtl(), settings.keysRefetchInterval(),
                    settings.keysOutageTolerance(), fetches);
        });
    }

    private Instant checkClaims(JWTClaimsSet claims) {
        Object type = claims.getClaim("typ");
        if (!"Bearer".equals(type)) {
            throw refused(RefusalReason.WRONG_TOKEN_TYPE);
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(settings.audience())) {
            throw refused(RefusalReason.WRONG_AUDIENCE);
        }
        Date expiration = claims.getExpirationTime();
        Date issuedAt = claims.getIssueTime();
        if (expiration == null || issuedAt == null || claims.getSubject() == null || !(claims.getClaim("azp") instanceof String)) {
            throw refused(RefusalReason.MISSING_CLAIM);
        }
        Instant now = clock.instant();
        Duration skew = settings.clockSkew();
        if (!expiration.toInstant().plus(skew).isAfter(now)) {
            throw refused(RefusalReason.EXPIRED);
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && notBefore.toInstant().minus(skew).isAfter(now)) {
            throw refused(RefusalReason.NOT_YET_VALID);
        }
        if (issuedAt.toInstant().minus(skew).isAfter(now)) {
            throw refused(RefusalReason.ISSUED_IN_FUTURE);
        }
        return expiration.toInstant();
    }

    /** The decoded JSON object of one part, refusing duplicate members (which parsers resolve differently). */
    private static Map<String, Object> jsonObject(String part) {
        String json;
        try {
            json = new String(Base64URL.from(part).decode(), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            throw refused(RefusalReason.MALFORMED);
        }
        try (JsonParser parser = STRICT_JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw refused(RefusalReason.MALFORMED);
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw refused(RefusalReason.MALFORMED);
            }
        } catch (com.fasterxml.jackson.core.exc.StreamReadException e) {
            throw refused(e.getMessage() != null && e.getMessage().startsWith("Duplicate field")
                    ? RefusalReason.DUPLICATE_MEMBER : RefusalReason.MALFORMED);
        } catch (IOException e) {
            throw refused(RefusalReason.MALFORMED);
        }
        try {
            return JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            throw refused(RefusalReason.MALFORMED);
        }
    }

    private static TokenRefusedException refused(RefusalReason reason) {
        return new TokenRefusedException(reason);
    }

    private static Principal principal(Tenant tenant, JWTClaimsSet claims) {
        try {
            return principalOf(tenant, claims);
        } catch (ParseException | RuntimeException e) {
            throw refused(RefusalReason.MALFORMED);
        }
    }

    private static Principal principalOf(Tenant tenant, JWTClaimsSet claims) throws ParseException {
        String username = Optional.ofNullable(claims.getStringClaim("preferred_username")).orElse(claims.getSubject());
        boolean service = username.startsWith("service-account-");
        List<String> roles = new ArrayList<>();
        Map<String, Object> realmAccess = claims.getJSONObjectClaim("realm_access");
        if (realmAccess != null && realmAccess.get("roles") instanceof List<?> list) {
            list.forEach(role -> roles.add(String.valueOf(role)));
        }
        List<String> groups = Optional.ofNullable(claims.getStringListClaim("groups")).orElse(List.of());
        return new Principal(tenant.id(), claims.getSubject(),
                service ? claims.getStringClaim("azp") : username,
                service ? Principal.PrincipalType.SERVICE : Principal.PrincipalType.USER,
                roles, groups, service ? "client_credentials" : "oidc_access_token");
    }
}

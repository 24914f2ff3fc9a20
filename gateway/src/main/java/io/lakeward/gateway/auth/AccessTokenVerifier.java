package io.lakeward.gateway.auth;

import io.lakeward.common.identity.Principal;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantDirectory;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies OIDC access tokens for the tenant a request came to. Each tenant trusts exactly one
 * issuer, with its signing keys fetched from that issuer's JWKS (cached, refreshed ahead,
 * rate-limited on unknown key ids, served from cache while the issuer is down), and the algorithm
 * pinned to RS256. The header {@code typ} must be {@code JWT} and the payload {@code typ}
 * {@code Bearer}, so ID and logout tokens are never taken for access tokens; the audience must
 * name the gateway. Token size is bounded before any parsing.
 *
 * <p>Blocking: the first use of a tenant fetches its keys over the network. Call on a worker pool.
 */
public final class AccessTokenVerifier {
    /** Tokens larger than this are refused before they are parsed. */
    public static final int MAX_TOKEN_LENGTH = 8192;
    private static final Logger LOG = LoggerFactory.getLogger(AccessTokenVerifier.class);
    private static final JOSEObjectType JWT = JOSEObjectType.JWT;

    private final TenantDirectory tenants;
    private final String audience;
    private final Duration clockSkew;
    private final DefaultResourceRetriever retriever;
    private final Map<String, ConfigurableJWTProcessor<SecurityContext>> processors = new ConcurrentHashMap<>();

    public AccessTokenVerifier(TenantDirectory tenants, String audience, Duration clockSkew, Duration timeout, SSLSocketFactory trust) {
        this.tenants = tenants;
        this.audience = audience;
        this.clockSkew = clockSkew;
        int millis = Math.toIntExact(timeout.toMillis());
        this.retriever = new DefaultResourceRetriever(millis, millis, 256 * 1024, true, trust);
    }

    /**
     * The principal of {@code token} if it is a valid access token of {@code tenant}. A valid token
     * of another tenant is answered as if the resource did not exist (404), so that a host never
     * confirms what another tenant holds; anything else invalid is 401 with a generic message.
     */
    public Principal verify(Tenant tenant, String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw LakewardException.unauthenticated();
        }
        // The claimed issuer only chooses whose keys to check the token with; the check itself
        // requires that exact issuer again. A token is never checked against another tenant's
        // keys, so a foreign token costs no key fetch at this tenant's issuer.
        String claimedIssuer;
        try {
            claimedIssuer = JWTParser.parse(token).getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw LakewardException.unauthenticated();
        }
        if (tenant.issuer().toString().equals(claimedIssuer)) {
            return principal(tenant, process(tenant, token));
        }
        Optional<Tenant> other = tenants.byIssuer(claimedIssuer);
        if (other.isPresent()) {
            process(other.get(), token);
            LOG.info("a valid token of another tenant was presented at {}", tenant.hostName());
            throw new LakewardException(ErrorCode.RESOURCE_DOES_NOT_EXIST, "no workspace at this address");
        }
        LOG.debug("access token of an unknown issuer refused at {}", tenant.hostName());
        throw LakewardException.unauthenticated();
    }

    /** The verified claims; 401 for any invalid token, 503 when the issuer's keys cannot be had. */
    private JWTClaimsSet process(Tenant tenant, String token) {
        try {
            return processorFor(tenant).process(token, null);
        } catch (com.nimbusds.jose.KeySourceException e) {
            // the issuer's keys cannot be fetched and none are cached: not the caller's fault
            LOG.warn("cannot fetch the signing keys of {}: {}", tenant.issuer(), e.toString());
            throw LakewardException.unavailable("the identity provider is unavailable", e);
        } catch (ParseException | BadJOSEException | com.nimbusds.jose.JOSEException e) {
            LOG.debug("access token refused for {}: {}", tenant.hostName(), e.getMessage());
            throw LakewardException.unauthenticated();
        } catch (RuntimeException e) {
            LOG.warn("cannot verify tokens for {}: {}", tenant.hostName(), e.toString());
            throw LakewardException.unavailable("the identity provider is unavailable", e);
        }
    }

    private ConfigurableJWTProcessor<SecurityContext> processorFor(Tenant tenant) {
        return processors.computeIfAbsent(tenant.issuer().toString(), issuer -> newProcessor(tenant.issuer()));
    }

    private ConfigurableJWTProcessor<SecurityContext> newProcessor(URI issuer) {
        JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(jwksUrl(issuer), retriever)
                .cache(Duration.ofHours(1).toMillis(), Duration.ofSeconds(10).toMillis())
                .refreshAheadCache(true)
                .rateLimited(Duration.ofSeconds(30).toMillis())
                .outageTolerant(Duration.ofHours(12).toMillis())
                .retrying(true)
                .build();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JWT));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                new HashSet<>(Set.of(audience)),
                new JWTClaimsSet.Builder().issuer(issuer.toString()).claim("typ", "Bearer").build(),
                new HashSet<>(Set.of("sub", "exp", "iat", "azp")),
                new HashSet<>(Set.of("nonce")));
        claims.setMaxClockSkew(Math.toIntExact(clockSkew.toSeconds()));
        processor.setJWTClaimsSetVerifier(claims);
        return processor;
    }

    /** Keycloak publishes its keys at a fixed place under the issuer; discovery would say the same. */
    private static URL jwksUrl(URI issuer) {
        try {
            return URI.create(issuer + "/protocol/openid-connect/certs").toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("bad issuer URL", e);
        }
    }

    private static Principal principal(Tenant tenant, JWTClaimsSet claims) {
        try {
            return principalOf(tenant, claims);
        } catch (ParseException e) {
            throw LakewardException.unauthenticated();
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

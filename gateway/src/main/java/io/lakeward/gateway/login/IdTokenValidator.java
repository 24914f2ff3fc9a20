package io.lakeward.gateway.login;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.lakeward.common.error.LakewardException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates the ID token of a login (OpenID Connect Core 3.1.3.7) and the logout token of a
 * back-channel logout (OpenID Connect Back-Channel Logout 2.6), each against the one issuer of the
 * tenant. Both: the one algorithm the issuer is pinned to ({@code gateway.token.algorithms}, RS256
 * by default), signature by a key of that issuer, {@code iss} exactly the issuer,
 * {@code aud} exactly the gateway's client, {@code iat} not in the future beyond the clock skew
 * and not older than {@code maximumAge}, {@code exp} (when present) not past beyond the skew.
 * ID tokens: header {@code typ: JWT}, payload {@code typ: ID}, {@code azp} the client, {@code nonce}
 * exactly the login's. Logout tokens: header {@code typ: logout+jwt}, the back-channel logout
 * event, {@code sid} or {@code sub}, a {@code jti}, and no {@code nonce}.
 *
 * <p>Failures are a generic 401 for the caller; why goes to the debug log. Blocking on a key cache
 * miss: call on a worker pool.
 */
public final class IdTokenValidator {
    public static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
    private static final Logger LOG = LoggerFactory.getLogger(IdTokenValidator.class);
    private static final JOSEObjectType LOGOUT_JWT = new JOSEObjectType("logout+jwt");
    private static final int MAXIMUM_TOKEN_LENGTH = 16 * 1024;

    private final Function<URI, JWKSource<SecurityContext>> keys;
    private final Function<URI, JWSAlgorithm> algorithms;
    private final String clientId;
    private final Duration clockSkew;
    private final Duration maximumAge;
    private final Clock clock;

    public IdTokenValidator(Function<URI, JWKSource<SecurityContext>> keys, Function<URI, JWSAlgorithm> algorithms, String clientId,
                            Duration clockSkew, Duration maximumAge, Clock clock) {
        this.keys = keys;
        this.algorithms = algorithms;
        this.clientId = clientId;
        this.clockSkew = clockSkew;
        this.maximumAge = maximumAge;
        this.clock = clock;
    }

    /** The identity the provider's session stands for, as the logout token names it. */
    public record LogoutRequest(String subject, String providerSessionId) {
    }

    /** The claims of {@code idToken} if it is a valid ID token of {@code issuer} for this login's {@code nonce}. */
    public JWTClaimsSet validateIdToken(URI issuer, String idToken, String nonce) {
        if (nonce == null || nonce.isEmpty()) {
            throw new IllegalArgumentException("an ID token is checked against the nonce of its login");
        }
        JWTClaimsSet claims = process(issuer, idToken, JOSEObjectType.JWT, new JWTClaimsSet.Builder()
                .issuer(issuer.toString()).claim("typ", "ID").claim("azp", clientId).claim("nonce", nonce).build(),
                Set.of("sub", "exp", "iat", "azp", "nonce"), Set.of());
        LOG.debug("ID token of {} accepted", issuer);
        return claims;
    }

    /** What to end, if {@code logoutToken} is a valid logout token of {@code issuer}. */
    public LogoutRequest validateLogoutToken(URI issuer, String logoutToken) {
        JWTClaimsSet claims = process(issuer, logoutToken, LOGOUT_JWT, new JWTClaimsSet.Builder().issuer(issuer.toString()).build(),
                Set.of("iat", "jti", "events"), Set.of("nonce"));
        try {
            Object event = claims.getJSONObjectClaim("events") == null ? null : claims.getJSONObjectClaim("events").get(BACKCHANNEL_LOGOUT_EVENT);
            if (!(event instanceof java.util.Map<?, ?>)) {
                throw refused(issuer, "no back-channel logout event");
            }
            String subject = claims.getSubject();
            String sid = claims.getStringClaim("sid");
            if ((subject == null || subject.isEmpty()) && (sid == null || sid.isEmpty())) {
                throw refused(issuer, "neither sub nor sid");
            }
            return new LogoutRequest(subject, sid);
        } catch (ParseException e) {
            throw refused(issuer, "malformed events or sid");
        }
    }

    private JWTClaimsSet process(URI issuer, String token, JOSEObjectType headerType, JWTClaimsSet exact, Set<String> required,
                                 Set<String> prohibited) {
        if (token == null || token.isEmpty() || token.length() > MAXIMUM_TOKEN_LENGTH) {
            throw refused(issuer, "missing or oversized token");
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(headerType));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms.apply(issuer), keys.apply(issuer)));
        DefaultJWTClaimsVerifier<SecurityContext> verifier = new DefaultJWTClaimsVerifier<>(
                new HashSet<>(Set.of(clientId)), exact, new HashSet<>(required), new HashSet<>(prohibited)) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        verifier.setMaxClockSkew(Math.toIntExact(clockSkew.toSeconds()));
        processor.setJWTClaimsSetVerifier(verifier);
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (KeySourceException e) {
            LOG.warn("cannot fetch the signing keys of {}: {}", issuer, e.toString());
            throw LakewardException.unavailable("the identity provider is unavailable", e);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw refused(issuer, e.getMessage());
        }
        // the audience must be this client alone: a token also meant for others is not ours to accept
        if (!List.of(clientId).equals(claims.getAudience())) {
            throw refused(issuer, "audience is not exactly the gateway client");
        }
        Instant now = clock.instant();
        Instant issuedAt = claims.getIssueTime().toInstant();
        if (issuedAt.isAfter(now.plus(clockSkew))) {
            throw refused(issuer, "issued in the future");
        }
        if (issuedAt.isBefore(now.minus(maximumAge).minus(clockSkew))) {
            throw refused(issuer, "issued too long ago");
        }
        return claims;
    }

    private static LakewardException refused(URI issuer, String why) {
        LOG.debug("token of {} refused: {}", issuer, why);
        return LakewardException.unauthenticated();
    }
}

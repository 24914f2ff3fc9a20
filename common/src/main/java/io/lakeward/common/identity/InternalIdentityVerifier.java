package io.lakeward.common.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.HashSet;
import java.util.Set;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the internal assertion in a service's first handler: signature under this service's own
 * key (HS256 only), header type, issuer, audience equal to this service, a lifetime of at most
 * 60 seconds, not expired (5 seconds of skew), and well-formed claims. Anything else is
 * {@code UNAUTHENTICATED} with a generic message; the reason goes to the debug log.
 */
public final class InternalIdentityVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(InternalIdentityVerifier.class);
    private static final int MAX_ASSERTION_LENGTH = 8192;
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

    private final String service;
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final Clock clock;

    public InternalIdentityVerifier(String service, SecretKey key, Clock clock) {
        this.service = service;
        this.clock = clock;
        processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType(InternalIdentitySigner.TYPE)));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(key)));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                new HashSet<>(Set.of(service)),
                new JWTClaimsSet.Builder().issuer(InternalIdentitySigner.ISSUER).build(),
                new HashSet<>(Set.of("sub", "iat", "exp", "jti", "tenant", "name", "principal_type", "amr", "request_id")),
                new HashSet<>()) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew(Math.toIntExact(CLOCK_SKEW.toSeconds()));
        processor.setJWTClaimsSetVerifier(claims);
    }

    public InternalIdentity verify(String assertion) {
        if (assertion == null || assertion.isEmpty() || assertion.length() > MAX_ASSERTION_LENGTH) {
            throw LakewardException.unauthenticated();
        }
        try {
            JWTClaimsSet claims = processor.process(assertion, null);
            Instant issuedAt = claims.getIssueTime().toInstant();
            Instant expiresAt = claims.getExpirationTime().toInstant();
            if (Duration.between(issuedAt, expiresAt).compareTo(InternalIdentitySigner.MAX_LIFETIME) > 0) {
                throw new BadJWTException("lifetime longer than allowed");
            }
            if (issuedAt.isAfter(clock.instant().plus(CLOCK_SKEW))) {
                throw new BadJWTException("issued in the future");
            }
            Principal principal = new Principal(
                    TenantId.of(claims.getStringClaim("tenant")),
                    claims.getSubject(),
                    claims.getStringClaim("name"),
                    Principal.PrincipalType.valueOf(claims.getStringClaim("principal_type")),
                    Optional.ofNullable(claims.getStringListClaim("roles")).orElse(List.of()),
                    Optional.ofNullable(claims.getStringListClaim("groups")).orElse(List.of()),
                    claims.getStringClaim("amr"));
            return new InternalIdentity(
                    principal,
                    new RequestId(claims.getStringClaim("request_id")),
                    service,
                    issuedAt,
                    expiresAt);
        } catch (ParseException | BadJOSEException | JOSEException | IllegalArgumentException e) {
            LOG.debug("internal assertion refused by {}: {}", service, e.getMessage());
            throw LakewardException.unauthenticated();
        }
    }
}

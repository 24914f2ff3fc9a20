package io.lakeward.common.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.lakeward.common.id.RequestId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Makes the assertion the gateway attaches to every proxied request: a JWS (HS256) with header
 * type {@value #TYPE}, signed under the key of the target service, valid for at most
 * {@link #MAX_LIFETIME}.
 */
public final class InternalIdentitySigner {
    /** The header that carries the assertion from the gateway to a service. */
    public static final String HEADER = "X-Lakeward-Internal-Identity";
    static final String TYPE = "lakeward-internal+jwt";
    static final String ISSUER = "lakeward-gateway";
    public static final Duration MAX_LIFETIME = Duration.ofSeconds(60);

    private final InternalServiceKeys keys;
    private final Duration lifetime;
    private final Clock clock;

    public InternalIdentitySigner(InternalServiceKeys keys, Duration lifetime, Clock clock) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("an internal assertion lives more than 0 and at most 60 seconds");
        }
        this.keys = keys;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** The assertion for one request to {@code targetService}. */
    public String sign(String targetService, Principal principal, RequestId requestId) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(targetService)
                .subject(principal.subject())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .claim("tenant", principal.tenant().value())
                .claim("name", principal.name())
                .claim("principal_type", principal.type().name())
                .claim("roles", principal.roles())
                .claim("groups", principal.groups())
                .claim("amr", principal.authenticationMethod())
                .claim("request_id", requestId.value())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType(TYPE)).build(), claims);
        try {
            jwt.sign(new MACSigner(keys.keyOf(targetService)));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an internal assertion", e);
        }
        return jwt.serialize();
    }
}

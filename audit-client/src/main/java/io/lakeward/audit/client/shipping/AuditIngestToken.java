package io.lakeward.audit.client.shipping;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.lakeward.audit.client.event.PlatformService;
import io.lakeward.common.error.LakewardException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.SecretKey;

/**
 * The credential a service's outbox presents when it ships a batch to the audit service: a JWS
 * (HS256, header type {@value #TYPE}) issued by the shipping service, for audience
 * {@code audit}, valid for at most 60 s, that binds the SHA-256 of the request body. Each service
 * ships under a key of its own ({@link #keyName}), so a service can neither ship as another nor
 * alter a batch in flight; the audit service also refuses events that name another service.
 */
public final class AuditIngestToken {
    /** The header that carries the token. */
    public static final String HEADER = "X-Lakeward-Audit-Ingest";
    static final String TYPE = "lakeward-audit-ingest+jwt";
    private static final String AUDIENCE = "audit";
    private static final Duration LIFETIME = Duration.ofSeconds(30);
    private static final Duration SKEW = Duration.ofSeconds(5);

    private AuditIngestToken() {
    }

    /** The name of the internal key {@code service} ships under, e.g. {@code audit-ingest-gateway}. */
    public static String keyName(PlatformService service) {
        return "audit-ingest-" + service.wireName();
    }

    /** A token for shipping {@code body} from {@code service}. */
    public static String sign(PlatformService service, SecretKey key, byte[] body, Clock clock) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(service.wireName())
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .claim("body_sha256", sha256(body))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType(TYPE)).build(), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an audit ingest token", e);
        }
        return jwt.serialize();
    }

    /**
     * The service that shipped {@code body} under {@code token}, if the token is valid for it
     * with one of {@code keys}; otherwise {@code UNAUTHENTICATED} with a generic message.
     */
    public static PlatformService verify(String token, byte[] body, Map<PlatformService, SecretKey> keys, Clock clock) {
        if (token == null || token.isEmpty() || token.length() > 4096) {
            throw LakewardException.unauthenticated();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || jwt.getHeader().getType() == null
                    || !TYPE.equals(jwt.getHeader().getType().getType())) {
                throw LakewardException.unauthenticated();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            PlatformService service = serviceNamed(claims.getIssuer());
            SecretKey key = service == null ? null : keys.get(service);
            if (key == null || !jwt.verify(new MACVerifier(key))) {
                throw LakewardException.unauthenticated();
            }
            Instant now = clock.instant();
            List<String> audience = claims.getAudience();
            Date expires = claims.getExpirationTime();
            Date issued = claims.getIssueTime();
            if (audience == null || !audience.equals(List.of(AUDIENCE)) || expires == null || issued == null
                    || now.isAfter(expires.toInstant().plus(SKEW)) || issued.toInstant().isAfter(now.plus(SKEW))
                    || Duration.between(issued.toInstant(), expires.toInstant()).compareTo(Duration.ofSeconds(60)) > 0
                    || !sha256(body).equals(claims.getClaim("body_sha256"))) {
                throw LakewardException.unauthenticated();
            }
            return service;
        } catch (ParseException | JOSEException e) {
            throw LakewardException.unauthenticated();
        }
    }

    private static PlatformService serviceNamed(String name) {
        for (PlatformService service : PlatformService.values()) {
            if (service.wireName().equals(name)) {
                return service;
            }
        }
        return null;
    }

    static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

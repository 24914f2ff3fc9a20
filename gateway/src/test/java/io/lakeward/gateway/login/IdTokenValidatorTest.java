package io.lakeward.gateway.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ID and logout tokens signed here with keys the validator trusts (and some it does not), one claim
 * or header wrong at a time: each must be refused, and the untouched token accepted.
 */
class IdTokenValidatorTest {
    private static final URI ISSUER = URI.create("https://auth.lakeward.test/realms/acme");
    private static final String CLIENT = "lakeward-gateway";
    private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
    private static final String NONCE = "n-0S6_WzA2Mj";
    private static RSAKey trusted;
    private static RSAKey stranger;
    private static IdTokenValidator validator;

    @BeforeAll
    static void keys() throws Exception {
        trusted = new RSAKeyGenerator(2048).keyID("trusted").generate();
        stranger = new RSAKeyGenerator(2048).keyID("trusted").generate();
        ImmutableJWKSet<SecurityContext> keys = new ImmutableJWKSet<>(new JWKSet(trusted.toPublicJWK()));
        validator = new IdTokenValidator(issuer -> keys, issuer -> JWSAlgorithm.RS256, CLIENT, Duration.ofSeconds(30), Duration.ofMinutes(10),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static JWTClaimsSet.Builder idClaims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER.toString()).subject("user-1").audience(CLIENT).claim("azp", CLIENT)
                .claim("typ", "ID").claim("nonce", NONCE).claim("sid", "sid-1")
                .issueTime(Date.from(NOW.minusSeconds(5))).expirationTime(Date.from(NOW.plusSeconds(300)));
    }

    private static JWTClaimsSet.Builder logoutClaims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER.toString()).subject("user-1").audience(CLIENT).claim("sid", "sid-1")
                .jwtID("jti-1").claim("events", Map.of(IdTokenValidator.BACKCHANNEL_LOGOUT_EVENT, Map.of()))
                .issueTime(Date.from(NOW.minusSeconds(5))).expirationTime(Date.from(NOW.plusSeconds(120)));
    }

    private static String sign(RSAKey key, JOSEObjectType type, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(type).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static String id(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        return sign(trusted, JOSEObjectType.JWT, change.apply(idClaims()).build());
    }

    private static String logout(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        return sign(trusted, new JOSEObjectType("logout+jwt"), change.apply(logoutClaims()).build());
    }

    private static void refusedId(String token) {
        LakewardException refused = assertThrows(LakewardException.class, () -> validator.validateIdToken(ISSUER, token, NONCE));
        assertEquals(ErrorCode.UNAUTHENTICATED, refused.code());
    }

    private static void refusedLogout(String token) {
        LakewardException refused = assertThrows(LakewardException.class, () -> validator.validateLogoutToken(ISSUER, token));
        assertEquals(ErrorCode.UNAUTHENTICATED, refused.code());
    }

    @Test
    void aValidIdTokenIsAccepted() throws Exception {
        assertEquals("user-1", validator.validateIdToken(ISSUER, id(claims -> claims), NONCE).getSubject());
    }

    /** An issuer pinned to another algorithm refuses the same, correctly signed, RS256 tokens. */
    @Test
    void tokensOfAnotherAlgorithmThanTheIssuersPinAreRefused() throws Exception {
        ImmutableJWKSet<SecurityContext> keys = new ImmutableJWKSet<>(new JWKSet(trusted.toPublicJWK()));
        IdTokenValidator pinnedToPs256 = new IdTokenValidator(issuer -> keys, issuer -> JWSAlgorithm.PS256, CLIENT, Duration.ofSeconds(30),
                Duration.ofMinutes(10), Clock.fixed(NOW, ZoneOffset.UTC));
        String idToken = id(claims -> claims);
        assertEquals("user-1", validator.validateIdToken(ISSUER, idToken, NONCE).getSubject());
        assertEquals(ErrorCode.UNAUTHENTICATED, assertThrows(LakewardException.class,
                () -> pinnedToPs256.validateIdToken(ISSUER, idToken, NONCE)).code());
        assertEquals(ErrorCode.UNAUTHENTICATED, assertThrows(LakewardException.class,
                () -> pinnedToPs256.validateLogoutToken(ISSUER, logout(claims -> claims))).code());
    }

    @Test
    void anIdTokenForAnotherLoginIsRefused() throws Exception {
        refusedId(id(claims -> claims.claim("nonce", "another-login")));
        refusedId(id(claims -> claims.claim("nonce", null)));
    }

    @Test
    void anIdTokenOfAnotherIssuerIsRefused() throws Exception {
        refusedId(id(claims -> claims.issuer("https://auth.lakeward.test/realms/globex")));
        refusedId(id(claims -> claims.issuer(ISSUER + "/")));
        refusedId(id(claims -> claims.issuer(null)));
    }

    @Test
    void anIdTokenForAnotherAudienceIsRefused() throws Exception {
        refusedId(id(claims -> claims.audience("lakeward-automation")));
        refusedId(id(claims -> claims.audience(List.of(CLIENT, "someone-else"))));
        refusedId(id(claims -> claims.audience((String) null)));
        refusedId(id(claims -> claims.claim("azp", "lakeward-automation")));
        refusedId(id(claims -> claims.claim("azp", null)));
    }

    @Test
    void anAccessTokenOrLogoutTokenIsNotAnIdToken() throws Exception {
        refusedId(id(claims -> claims.claim("typ", "Bearer")));
        refusedId(id(claims -> claims.claim("typ", null)));
        refusedId(sign(trusted, new JOSEObjectType("logout+jwt"), idClaims().build()));
        refusedId(sign(trusted, new JOSEObjectType("at+jwt"), idClaims().build()));
    }

    @Test
    void expiredOrFutureOrStaleIdTokensAreRefused() throws Exception {
        refusedId(id(claims -> claims.expirationTime(Date.from(NOW.minusSeconds(31)))));
        refusedId(id(claims -> claims.expirationTime(null)));
        refusedId(id(claims -> claims.issueTime(Date.from(NOW.plusSeconds(120)))));
        refusedId(id(claims -> claims.issueTime(null)));
        refusedId(id(claims -> claims.issueTime(Date.from(NOW.minus(Duration.ofMinutes(11))))));
        // within the skew both ways
        assertEquals("user-1", validator.validateIdToken(ISSUER, id(claims -> claims.expirationTime(Date.from(NOW.minusSeconds(20)))
                .issueTime(Date.from(NOW.plusSeconds(20)))), NONCE).getSubject());
    }

    @Test
    void forgedSignaturesAndAlgorithmsAreRefused() throws Exception {
        refusedId(sign(stranger, JOSEObjectType.JWT, idClaims().build()));
        refusedId(new PlainJWT(idClaims().build()).serialize());
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("trusted").type(JOSEObjectType.JWT).build(),
                idClaims().build());
        hmac.sign(new MACSigner(trusted.toRSAPublicKey().getEncoded()));
        refusedId(hmac.serialize());
        String valid = id(claims -> claims);
        refusedId(valid.substring(0, valid.lastIndexOf('.') + 1) + "AAAA");
        refusedId("not-a-token");
        refusedId("a".repeat(20_000));
    }

    @Test
    void aValidLogoutTokenNamesItsSession() throws Exception {
        IdTokenValidator.LogoutRequest request = validator.validateLogoutToken(ISSUER, logout(claims -> claims));
        assertEquals("sid-1", request.providerSessionId());
        assertEquals("user-1", request.subject());
    }

    @Test
    void aLogoutTokenWithANonceIsRefused() throws Exception {
        refusedLogout(logout(claims -> claims.claim("nonce", NONCE)));
    }

    @Test
    void aLogoutTokenWithoutTheLogoutEventIsRefused() throws Exception {
        refusedLogout(logout(claims -> claims.claim("events", Map.of("http://schemas.openid.net/event/something-else", Map.of()))));
        refusedLogout(logout(claims -> claims.claim("events", Map.of(IdTokenValidator.BACKCHANNEL_LOGOUT_EVENT, "not-an-object"))));
        refusedLogout(logout(claims -> claims.claim("events", null)));
    }

    @Test
    void aLogoutTokenOfAnotherIssuerOrAudienceIsRefused() throws Exception {
        refusedLogout(logout(claims -> claims.issuer("https://auth.lakeward.test/realms/globex")));
        refusedLogout(logout(claims -> claims.audience("lakeward-automation")));
        refusedLogout(sign(stranger, new JOSEObjectType("logout+jwt"), logoutClaims().build()));
    }

    @Test
    void aLogoutTokenNeedsItsHeaderTypeAnIdentityAndAnId() throws Exception {
        refusedLogout(sign(trusted, JOSEObjectType.JWT, logoutClaims().build()));
        refusedLogout(logout(claims -> claims.subject(null).claim("sid", null)));
        refusedLogout(logout(claims -> claims.jwtID(null)));
        refusedLogout(logout(claims -> claims.issueTime(null)));
        // an ID token is not a logout token either
        refusedLogout(id(claims -> claims));
    }
}

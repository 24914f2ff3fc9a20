package io.lakeward.gateway.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.zip.CRC32;

/**
 * The form of personal access tokens: {@value #PREFIX}, then 256 random bits from
 * {@link SecureRandom} in 43 base62 digits, then a 6-digit base62 CRC-32 of everything before it.
 * The prefix makes a leaked token recognizable to secret scanners and the checksum lets them (and
 * the gateway, before any database lookup) tell a real token from a random string. Only the
 * SHA-256 of a token is ever stored.
 */
public final class PersonalAccessTokens {
    public static final String PREFIX = "lkw_";
    private static final String DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int RANDOM_DIGITS = 43;
    private static final int CHECKSUM_DIGITS = 6;
    public static final int LENGTH = PREFIX.length() + RANDOM_DIGITS + CHECKSUM_DIGITS;

    private final SecureRandom random;

    public PersonalAccessTokens(SecureRandom random) {
        this.random = random;
    }

    /** A new token. */
    public String generate() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String body = PREFIX + base62(new BigInteger(1, bytes), RANDOM_DIGITS);
        return body + checksum(body);
    }

    /** Whether {@code credential} claims to be a personal access token (it then never goes to the JWT verifier). */
    public static boolean claims(String credential) {
        return credential.startsWith(PREFIX);
    }

    /** Whether {@code token} has the exact form and a correct checksum. */
    public static boolean isWellFormed(String token) {
        if (token == null || token.length() != LENGTH || !token.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            if (DIGITS.indexOf(token.charAt(i)) < 0) {
                return false;
            }
        }
        String body = token.substring(0, LENGTH - CHECKSUM_DIGITS);
        return checksum(body).equals(token.substring(LENGTH - CHECKSUM_DIGITS));
    }

    /** The SHA-256 of the token: what is stored and looked up. */
    public static byte[] hash(String token) {
        return VerifiedTokenCache.sha256(token);
    }

    private static String checksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return base62(BigInteger.valueOf(crc.getValue()), CHECKSUM_DIGITS);
    }

    private static String base62(BigInteger value, int digits) {
        char[] out = new char[digits];
        BigInteger base = BigInteger.valueOf(DIGITS.length());
        BigInteger rest = value;
        for (int i = digits - 1; i >= 0; i--) {
            BigInteger[] division = rest.divideAndRemainder(base);
            out[i] = DIGITS.charAt(division[1].intValue());
            rest = division[0];
        }
        if (rest.signum() != 0) {
            throw new IllegalStateException("value does not fit in " + digits + " base62 digits");
        }
        return new String(out);
    }
}

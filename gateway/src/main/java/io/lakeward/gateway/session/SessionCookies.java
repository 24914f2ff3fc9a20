package io.lakeward.gateway.session;

import io.lakeward.common.id.TenantId;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The gateway's two cookies, both {@code __Host-} prefixed (so only this exact host, over TLS, with
 * {@code Path=/}, can set them), {@code Secure}, {@code HttpOnly}, {@code SameSite=Lax}:
 * the session cookie ({@code <tenant>.<secret>}, the secret 256 random bits) and the login cookie,
 * which binds a started login to the browser that started it. Only SHA-256 hashes of the secrets
 * are stored.
 */
public final class SessionCookies {
    public static final String SESSION = "__Host-lakeward-session";
    public static final String LOGIN = "__Host-lakeward-login";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");

    private SessionCookies() {
    }

    /** A session cookie as sent: the tenant it names (unverified) and its secret. */
    public record SessionCookie(TenantId tenant, String secret) {
        public String value() {
            return tenant.value() + "." + secret;
        }

        public String hash() {
            return sha256(secret);
        }

        @Override
        public String toString() {
            return "SessionCookie[" + tenant + "]";
        }
    }

    /** 256 random bits, base64url without padding (43 characters). */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static boolean isSecret(String text) {
        return text != null && SECRET.matcher(text).matches();
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The session cookie of the request, if it has one of the right form. */
    public static Optional<SessionCookie> session(RoutingContext context) {
        Cookie cookie = context.request().getCookie(SESSION);
        return cookie == null ? Optional.empty() : parse(cookie.getValue());
    }

    /** Whether the request carries a session cookie at all (well-formed or not). */
    public static boolean present(RoutingContext context) {
        return context.request().getCookie(SESSION) != null;
    }

    static Optional<SessionCookie> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        int dot = value.lastIndexOf('.');
        if (dot < 1 || !isSecret(value.substring(dot + 1))) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SessionCookie(TenantId.of(value.substring(0, dot)), value.substring(dot + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The login binding secret the request carries, if well-formed. */
    public static Optional<String> login(RoutingContext context) {
        Cookie cookie = context.request().getCookie(LOGIN);
        return cookie == null || !isSecret(cookie.getValue()) ? Optional.empty() : Optional.of(cookie.getValue());
    }

    /** Sets the session cookie; it lives as long as the browser does, the server bounds the session. */
    public static void setSession(HttpServerResponse response, SessionCookie cookie) {
        response.addCookie(hostCookie(SESSION, cookie.value()));
    }

    public static void setLogin(HttpServerResponse response, String binding, long maxAgeSeconds) {
        response.addCookie(hostCookie(LOGIN, binding).setMaxAge(maxAgeSeconds));
    }

    public static void clear(HttpServerResponse response, String name) {
        response.addCookie(hostCookie(name, "").setMaxAge(0));
    }

    private static Cookie hostCookie(String name, String value) {
        return Cookie.cookie(name, value).setPath("/").setSecure(true).setHttpOnly(true).setSameSite(CookieSameSite.LAX);
    }
}

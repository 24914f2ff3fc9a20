package io.lakeward.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import io.lakeward.common.config.Secret;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.identity.Principal;
import io.lakeward.common.json.Json;
import io.lakeward.common.session.BrowserSession;
import io.lakeward.common.session.BrowserSessionStore;
import io.lakeward.common.session.LoginAttempt;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantDirectory;
import io.lakeward.gateway.auth.AccessTokenVerifier;
import io.lakeward.gateway.login.IdTokenValidator;
import io.lakeward.gateway.login.LoginClients;
import io.lakeward.gateway.login.OidcDiscovery;
import io.lakeward.gateway.login.OidcEndpoints;
import io.lakeward.gateway.login.TokenEndpoint;
import io.lakeward.gateway.session.SessionCookies.SessionCookie;
import io.lakeward.keyvault.keys.EnvelopeCipher;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Browser sign-in and sessions: starting an OIDC authorization-code login with PKCE (S256),
 * {@code state} and {@code nonce}; completing it (single-use state bound to the browser that started
 * it, code exchange, ID token and access token validated); resolving a session cookie to its
 * principal with idle and absolute timeouts and refresh-token rotation; ending sessions by the user
 * (RP-initiated logout) or by the identity provider (back-channel logout).
 *
 * <p>Tokens are kept only as envelopes encrypted under the tenant's key, bound to the session. A
 * login always makes a new session id (the old one, if any, ends). Sessions live in the shared
 * store, with no cache here, so an ended session is ended on every gateway instance at once.
 *
 * <p>Blocking throughout (database, crypto, identity provider): call on a worker pool.
 */
public final class SessionService {
    /** How a browser session authenticates in the internal identity and the audit trail. */
    public static final String AUTHENTICATION_METHOD = "browser_session";
    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);
    private static final ObjectMapper JSON = Json.newMapper();
    /** Activity is written at most this often per session, to keep reads from turning into writes. */
    private static final java.time.Duration TOUCH_INTERVAL = java.time.Duration.ofMinutes(1);
    private static final int REFRESH_LOCKS = 64;

    private final TenantDirectory tenants;
    private final BrowserSessionStore store;
    private final EnvelopeCipher cipher;
    private final LoginClients clients;
    private final TokenEndpoint tokenEndpoint;
    private final OidcDiscovery discovery;
    private final IdTokenValidator idTokens;
    private final AccessTokenVerifier accessTokens;
    private final SessionConfig config;
    private final Clock clock;
    private final ReentrantLock[] refreshLocks = new ReentrantLock[REFRESH_LOCKS];

    public SessionService(TenantDirectory tenants, BrowserSessionStore store, EnvelopeCipher cipher, LoginClients clients,
                          TokenEndpoint tokenEndpoint, OidcDiscovery discovery, IdTokenValidator idTokens, AccessTokenVerifier accessTokens, SessionConfig config,
                          Clock clock) {
        this.tenants = tenants;
        this.store = store;
        this.cipher = cipher;
        this.clients = clients;
        this.tokenEndpoint = tokenEndpoint;
        this.discovery = discovery;
        this.idTokens = idTokens;
        this.accessTokens = accessTokens;
        this.config = config;
        this.clock = clock;
        for (int i = 0; i < REFRESH_LOCKS; i++) {
            refreshLocks[i] = new ReentrantLock();
        }
    }

    public SessionConfig config() {
        return config;
    }

    /** A login sent to the identity provider: where to send the browser, and the binding secret for its login cookie. */
    public record LoginStart(URI authorizationRedirect, String binding) {
        @Override
        public String toString() {
            return "LoginStart[redacted]";
        }
    }

    /** A completed login: the new session's cookie, where to go, and who signed in. */
    public record LoginResult(SessionCookie cookie, String returnTo, Principal principal) {
    }

    /** A live session: its principal (for the request), its CSRF token and its stored hash. */
    public record ActiveSession(Principal principal, String csrfToken, String sessionHash) {
    }

    /** What a session cookie turned out to be at a tenant's host. */
    public record Resolution(Optional<ActiveSession> session, boolean otherTenant) {
        static final Resolution NONE = new Resolution(Optional.empty(), false);
        static final Resolution FOREIGN = new Resolution(Optional.empty(), true);
    }

    /** Fails with 404 {@code ENDPOINT_NOT_FOUND} when the tenant has no gateway login client (no browser sign-in). */
    public void requireSignIn(Tenant tenant) {
        clientSecret(tenant);
    }

    /** Starts a login at {@code tenant}'s issuer; {@code returnTo} must already be a safe local path. */
    public LoginStart startLogin(Tenant tenant, OidcEndpoints endpoints, URI redirectUri, String returnTo) {
        clientSecret(tenant);
        String state = SessionCookies.newSecret();
        String nonce = SessionCookies.newSecret();
        String verifier = SessionCookies.newSecret();
        String binding = SessionCookies.newSecret();
        String stateHash = SessionCookies.sha256(state);
        ObjectNode sealed = JSON.createObjectNode().put("nonce", nonce).put("code_verifier", verifier);
        byte[] envelope = cipher.encrypt(tenant.id(), attemptObject(stateHash), bytes(sealed));
        store.saveAttempt(new LoginAttempt(tenant.id(), stateHash, SessionCookies.sha256(binding), envelope, returnTo,
                clock.instant().plus(config.loginAttemptLifetime())));
        String query = "response_type=code"
                + "&client_id=" + encode(config.clientId())
                + "&redirect_uri=" + encode(redirectUri.toString())
                + "&scope=openid"
                + "&state=" + state
                + "&nonce=" + nonce
                + "&code_challenge=" + challenge(verifier)
                + "&code_challenge_method=S256";
        return new LoginStart(URI.create(endpoints.authorization() + "?" + query), binding);
    }

    /**
     * Ends a login the identity provider answered with an error: its attempt is used up either way.
     */
    public void abandonLogin(Tenant tenant, String state) {
        if (SessionCookies.isSecret(state)) {
            store.takeAttempt(tenant.id(), SessionCookies.sha256(state), clock.instant());
        }
    }

    /**
     * Completes the login whose {@code state} came back with {@code code}. The attempt is taken
     * first (so a state works once, whatever happens next), then must be this browser's (its login
     * cookie); the code is exchanged with the attempt's PKCE verifier, the ID token must carry the
     * attempt's nonce, and the access token must be a valid one of the tenant for the same subject.
     * Any failure is 401 with one generic message.
     */
    public LoginResult completeLogin(Tenant tenant, URI redirectUri, String state, String code, Optional<String> binding,
                                     Optional<SessionCookie> previous) {
        if (!SessionCookies.isSecret(state) || code == null || code.isEmpty() || code.length() > 4096) {
            throw loginFailed("malformed callback");
        }
        Instant now = clock.instant();
        String stateHash = SessionCookies.sha256(state);
        LoginAttempt attempt = store.takeAttempt(tenant.id(), stateHash, now).orElseThrow(() -> loginFailed("unknown, used or expired state"));
        if (binding.isEmpty() || !MessageDigest.isEqual(bytes(SessionCookies.sha256(binding.get())), bytes(attempt.bindingHash()))) {
            throw loginFailed("the state belongs to a login another browser started");
        }
        JsonNode sealed = read(cipher.decrypt(tenant.id(), attemptObject(stateHash), attempt.sealed()));
        TokenEndpoint.Tokens tokens;
        try {
            tokens = tokenEndpoint.exchangeCode(tenant.issuer(), clientSecret(tenant), code, sealed.path("code_verifier").asText(), redirectUri);
        } catch (TokenEndpoint.GrantRefused e) {
            throw loginFailed(e.getMessage());
        }
        if (tokens.idToken() == null) {
            throw loginFailed("no ID token");
        }
        JWTClaimsSet idClaims = idTokens.validateIdToken(tenant.issuer(), tokens.idToken(), sealed.path("nonce").asText());
        Principal principal = sessionPrincipal(accessTokens.verify(tenant, tokens.accessToken()));
        if (!principal.subject().equals(idClaims.getSubject())) {
            throw loginFailed("the access token speaks for another subject than the ID token");
        }
        String providerSession = stringClaim(idClaims, "sid");
        previous.filter(cookie -> cookie.tenant().equals(tenant.id()))
                .ifPresent(cookie -> store.delete(tenant.id(), cookie.hash()));
        SessionCookie cookie = new SessionCookie(tenant.id(), SessionCookies.newSecret());
        String hash = cookie.hash();
        byte[] sealedTokens = cipher.encrypt(tenant.id(), sessionObject(hash), bytes(tokensJson(tokens.accessToken(),
                tokens.refreshToken(), tokens.idToken())));
        store.create(new BrowserSession(tenant.id(), hash, principal.subject(), principal.name(), principal.roles(), principal.groups(),
                providerSession, SessionCookies.newSecret(), sealedTokens, 0, expiry(tokens.accessToken()), now, now,
                now.plus(config.absoluteTimeout())));
        LOG.info("login of {} at {}", principal.subject(), tenant.hostName());
        return new LoginResult(cookie, attempt.returnTo(), principal);
    }

    /**
     * What {@code cookie} is at {@code tenant}'s host: a live session of that tenant, a live session
     * of another tenant (which the caller answers as a missing resource), or nothing.
     */
    public Resolution resolve(Tenant tenant, SessionCookie cookie) {
        if (!cookie.tenant().equals(tenant.id())) {
            Optional<Tenant> other = tenants.all().stream().filter(candidate -> candidate.id().equals(cookie.tenant())).findFirst();
            boolean live = other.isPresent() && store.find(other.get().id(), cookie.hash())
                    .filter(session -> alive(session, clock.instant())).isPresent();
            if (live) {
                LOG.info("a session of another tenant was presented at {}", tenant.hostName());
            }
            return live ? Resolution.FOREIGN : Resolution.NONE;
        }
        Instant now = clock.instant();
        Optional<BrowserSession> found = store.find(tenant.id(), cookie.hash());
        if (found.isEmpty()) {
            return Resolution.NONE;
        }
        BrowserSession session = found.get();
        if (!alive(session, now)) {
            store.delete(tenant.id(), session.sessionHash());
            return Resolution.NONE;
        }
        if (!session.accessExpiresAt().isAfter(now.plus(config.refreshAhead()))) {
            session = refresh(tenant, session);
            if (session == null) {
                return Resolution.NONE;
            }
        }
        if (session.lastSeenAt().plus(TOUCH_INTERVAL).isBefore(now)) {
            store.touch(tenant.id(), session.sessionHash(), now);
        }
        Principal principal = new Principal(tenant.id(), session.subject(), session.userName(), Principal.PrincipalType.USER,
                session.roles(), session.groups(), AUTHENTICATION_METHOD);
        return new Resolution(Optional.of(new ActiveSession(principal, session.csrfToken(), session.sessionHash())), false);
    }

    /**
     * Ends the session of {@code cookie} at this tenant and gives the URL of the identity provider's
     * end-session endpoint for the browser (RP-initiated logout), or empty if there was no session.
     */
    public Optional<URI> logout(Tenant tenant, SessionCookie cookie, URI postLogoutRedirect) {
        if (!cookie.tenant().equals(tenant.id())) {
            return Optional.empty();
        }
        Optional<BrowserSession> session = store.find(tenant.id(), cookie.hash());
        if (session.isEmpty()) {
            return Optional.empty();
        }
        store.delete(tenant.id(), cookie.hash());
        String idToken = null;
        try {
            idToken = read(cipher.decrypt(tenant.id(), sessionObject(cookie.hash()), session.get().tokens())).path("id_token").asText(null);
        } catch (LakewardException e) {
            LOG.warn("the tokens of an ended session at {} cannot be decrypted; logging out without a hint", tenant.hostName());
        }
        LOG.info("logout of {} at {}", session.get().subject(), tenant.hostName());
        String query = "client_id=" + encode(config.clientId()) + "&post_logout_redirect_uri=" + encode(postLogoutRedirect.toString())
                + (idToken == null ? "" : "&id_token_hint=" + encode(idToken));
        URI endSession = endSessionOf(tenant);
        // without an end-session endpoint (none offered, or the issuer unknown while it is down) the local session is still over
        return Optional.of(endSession == null ? postLogoutRedirect : URI.create(endSession + "?" + query));
    }

    /** The issuer's RP-initiated logout endpoint, or {@code null} when it has none or cannot be asked. */
    private URI endSessionOf(Tenant tenant) {
        try {
            return discovery.endpoints(tenant.issuer()).endSession();
        } catch (IOException e) {
            LOG.warn("cannot learn the end-session endpoint of {}: {}", tenant.issuer(), e.toString());
            return null;
        }
    }

    /** Fetches and checks the issuer's discovery document now: before every login, so a login proves the issuer reachable. */
    public OidcEndpoints discover(Tenant tenant) {
        try {
            return discovery.discover(tenant.issuer());
        } catch (OidcDiscovery.InvalidDiscovery e) {
            LOG.error("{}", e.getMessage());
            throw LakewardException.unavailable("the identity provider is misconfigured", e);
        } catch (IOException e) {
            LOG.warn("issuer {} unreachable: {}", tenant.issuer(), e.toString());
            throw LakewardException.unavailable("the identity provider is unavailable", e);
        }
    }

    /** Ends the sessions a valid back-channel logout token of the tenant's issuer names; how many ended. */
    public int backChannelLogout(Tenant tenant, String logoutToken) {
        IdTokenValidator.LogoutRequest request = idTokens.validateLogoutToken(tenant.issuer(), logoutToken);
        int ended = request.providerSessionId() != null
                ? store.deleteByProviderSession(tenant.id(), request.providerSessionId())
                : store.deleteBySubject(tenant.id(), request.subject());
        LOG.info("back-channel logout at {} ended {} session(s)", tenant.hostName(), ended);
        return ended;
    }

    private boolean alive(BrowserSession session, Instant now) {
        return now.isBefore(session.expiresAt()) && now.isBefore(session.lastSeenAt().plus(config.idleTimeout()));
    }

    /**
     * Refreshes the tokens of a session whose access token is (nearly) expired. One refresh per
     * session at a time in this instance; the store's generation check decides between instances.
     * Null when the session ended (refused refresh). While the identity provider is down, a session
     * whose access token has not yet expired keeps working; after that its requests get 503.
     */
    private BrowserSession refresh(Tenant tenant, BrowserSession stale) {
        ReentrantLock lock = refreshLocks[Math.floorMod(stale.sessionHash().hashCode(), REFRESH_LOCKS)];
        lock.lock();
        try {
            Instant now = clock.instant();
            BrowserSession current = store.find(tenant.id(), stale.sessionHash()).orElse(null);
            if (current == null || current.accessExpiresAt().isAfter(now.plus(config.refreshAhead()))) {
                return current;
            }
            JsonNode tokens = read(cipher.decrypt(tenant.id(), sessionObject(current.sessionHash()), current.tokens()));
            String refreshToken = tokens.path("refresh_token").asText(null);
            if (refreshToken == null) {
                return endIfExpired(tenant, current, now);
            }
            TokenEndpoint.Tokens fresh;
            try {
                fresh = tokenEndpoint.refresh(tenant.issuer(), clientSecret(tenant), refreshToken);
            } catch (TokenEndpoint.GrantRefused e) {
                store.delete(tenant.id(), current.sessionHash());
                LOG.info("the identity provider ended a session at {}", tenant.hostName());
                return null;
            } catch (LakewardException e) {
                if (e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE && current.accessExpiresAt().isAfter(now)) {
                    return current;
                }
                throw e;
            }
            Principal principal;
            try {
                principal = accessTokens.verify(tenant, fresh.accessToken());
            } catch (LakewardException e) {
                if (e.code() == ErrorCode.UNAUTHENTICATED) {
                    store.delete(tenant.id(), current.sessionHash());
                    return null;
                }
                throw e;
            }
            ObjectNode rotated = tokensJson(fresh.accessToken(),
                    fresh.refreshToken() != null ? fresh.refreshToken() : refreshToken,
                    fresh.idToken() != null ? fresh.idToken() : tokens.path("id_token").asText(null));
            BrowserSession refreshed = current.withTokens(cipher.encrypt(tenant.id(), sessionObject(current.sessionHash()), bytes(rotated)),
                    expiry(fresh.accessToken()), principal.roles(), principal.groups());
            if (store.replaceTokens(refreshed)) {
                return refreshed;
            }
            return store.find(tenant.id(), current.sessionHash()).orElse(null);
        } finally {
            lock.unlock();
        }
    }

    private BrowserSession endIfExpired(Tenant tenant, BrowserSession session, Instant now) {
        if (session.accessExpiresAt().isAfter(now)) {
            return session;
        }
        store.delete(tenant.id(), session.sessionHash());
        return null;
    }

    private Secret clientSecret(Tenant tenant) {
        return clients.clientSecret(tenant.id())
                .orElseThrow(() -> new LakewardException(ErrorCode.ENDPOINT_NOT_FOUND, "this workspace has no browser sign-in"));
    }

    private static Principal sessionPrincipal(Principal fromToken) {
        if (fromToken.type() != Principal.PrincipalType.USER) {
            throw loginFailed("a service account cannot have a browser session");
        }
        return new Principal(fromToken.tenant(), fromToken.subject(), fromToken.name(), fromToken.type(), fromToken.roles(),
                fromToken.groups(), AUTHENTICATION_METHOD);
    }

    private static Instant expiry(String accessToken) {
        try {
            return JWTParser.parse(accessToken).getJWTClaimsSet().getExpirationTime().toInstant();
        } catch (ParseException | NullPointerException e) {
            throw loginFailed("access token without expiry");
        }
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            return null;
        }
    }

    private static ObjectNode tokensJson(String accessToken, String refreshToken, String idToken) {
        ObjectNode node = JSON.createObjectNode().put("access_token", accessToken);
        if (refreshToken != null) {
            node.put("refresh_token", refreshToken);
        }
        if (idToken != null) {
            node.put("id_token", idToken);
        }
        return node;
    }

    private static String attemptObject(String stateHash) {
        return "login-attempt/" + stateHash;
    }

    private static String sessionObject(String sessionHash) {
        return "browser-session/" + sessionHash;
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static JsonNode read(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "a stored session cannot be read", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static LakewardException loginFailed(String why) {
        LOG.info("login refused: {}", why);
        return new LakewardException(ErrorCode.UNAUTHENTICATED, "the sign-in could not be completed; please sign in again");
    }
}

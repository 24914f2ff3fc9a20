package io.lakeward.common.session;

import io.lakeward.common.id.TenantId;
import java.time.Instant;
import java.util.Optional;

/**
 * Persistence of browser sessions and pending login attempts. Every call names its tenant: a
 * session or attempt of another tenant is indistinguishable from one that does not exist.
 * Sessions live in a store every gateway instance shares, so ending one ends it everywhere.
 * Blocking: call it from a worker pool.
 */
public interface BrowserSessionStore {
    /** Records a login attempt. */
    void saveAttempt(LoginAttempt attempt);

    /**
     * Removes and returns the attempt with this state hash if it has not expired at {@code now}:
     * an attempt is taken at most once, however many callbacks race for it.
     */
    Optional<LoginAttempt> takeAttempt(TenantId tenant, String stateHash, Instant now);

    /** Stores a new session. */
    void create(BrowserSession session);

    /** The session with this hash, whatever its times say (the caller decides whether it is still alive). */
    Optional<BrowserSession> find(TenantId tenant, String sessionHash);

    /** Records activity; false if the session no longer exists. */
    boolean touch(TenantId tenant, String sessionHash, Instant lastSeenAt);

    /**
     * Replaces the tokens of a session if its token generation is still {@code expectedGeneration - 1};
     * false when the session is gone or another refresh won.
     */
    boolean replaceTokens(BrowserSession refreshed);

    /** Ends one session; false if there was none. */
    boolean delete(TenantId tenant, String sessionHash);

    /** Ends every session of the identity provider's session {@code providerSessionId}; how many ended. */
    int deleteByProviderSession(TenantId tenant, String providerSessionId);

    /** Ends every session of {@code subject}; how many ended. */
    int deleteBySubject(TenantId tenant, String subject);
}

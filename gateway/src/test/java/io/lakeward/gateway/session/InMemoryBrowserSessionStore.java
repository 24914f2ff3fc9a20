package io.lakeward.gateway.session;

import io.lakeward.common.id.TenantId;
import io.lakeward.common.session.BrowserSession;
import io.lakeward.common.session.BrowserSessionStore;
import io.lakeward.common.session.LoginAttempt;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A hand-written {@link BrowserSessionStore} for tests that do not exercise the store itself. */
public final class InMemoryBrowserSessionStore implements BrowserSessionStore {
    private final Map<String, LoginAttempt> attempts = new ConcurrentHashMap<>();
    private final Map<String, BrowserSession> sessions = new ConcurrentHashMap<>();

    private static String key(TenantId tenant, String hash) {
        return tenant.value() + "/" + hash;
    }

    @Override
    public void saveAttempt(LoginAttempt attempt) {
        attempts.put(key(attempt.tenant(), attempt.stateHash()), attempt);
    }

    @Override
    public Optional<LoginAttempt> takeAttempt(TenantId tenant, String stateHash, Instant now) {
        return Optional.ofNullable(attempts.remove(key(tenant, stateHash))).filter(attempt -> attempt.expiresAt().isAfter(now));
    }

    @Override
    public void create(BrowserSession session) {
        sessions.put(key(session.tenant(), session.sessionHash()), session);
    }

    @Override
    public Optional<BrowserSession> find(TenantId tenant, String sessionHash) {
        return Optional.ofNullable(sessions.get(key(tenant, sessionHash)));
    }

    @Override
    public boolean touch(TenantId tenant, String sessionHash, Instant lastSeenAt) {
        return sessions.computeIfPresent(key(tenant, sessionHash), (k, s) -> new BrowserSession(s.tenant(), s.sessionHash(), s.subject(),
                s.userName(), s.roles(), s.groups(), s.providerSessionId(), s.csrfToken(), s.tokens(), s.tokenGeneration(),
                s.accessExpiresAt(), s.createdAt(), lastSeenAt, s.expiresAt())) != null;
    }

    @Override
    public synchronized boolean replaceTokens(BrowserSession refreshed) {
        String key = key(refreshed.tenant(), refreshed.sessionHash());
        BrowserSession current = sessions.get(key);
        if (current == null || current.tokenGeneration() != refreshed.tokenGeneration() - 1) {
            return false;
        }
        sessions.put(key, refreshed);
        return true;
    }

    @Override
    public boolean delete(TenantId tenant, String sessionHash) {
        return sessions.remove(key(tenant, sessionHash)) != null;
    }

    @Override
    public int deleteByProviderSession(TenantId tenant, String providerSessionId) {
        return deleteIf(tenant, session -> providerSessionId.equals(session.providerSessionId()));
    }

    @Override
    public int deleteBySubject(TenantId tenant, String subject) {
        return deleteIf(tenant, session -> subject.equals(session.subject()));
    }

    private int deleteIf(TenantId tenant, java.util.function.Predicate<BrowserSession> condition) {
        int before = sessions.size();
        sessions.values().removeIf(session -> session.tenant().equals(tenant) && condition.test(session));
        return before - sessions.size();
    }
}

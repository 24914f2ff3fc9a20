package io.lakeward.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.Principal;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantStatus;
import io.lakeward.metastore.token.PersonalAccessToken;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The token form, and the verifier's order of checks, with a hand-written store. */
class PersonalAccessTokensTest {
    private static final Tenant ACME = tenant("acme");
    private static final Tenant GLOBEX = tenant("globex");
    private final PersonalAccessTokens tokens = new PersonalAccessTokens(new SecureRandom());

    private static Tenant tenant(String id) {
        return new Tenant(TenantId.of(id), id, id + ".lakeward.localhost", URI.create("https://auth.lakeward.localhost/realms/" + id),
                TenantStatus.ACTIVE);
    }

    @Test
    void tokensArePrefixedUniqueAndCarryAChecksum() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String token = tokens.generate();
            assertEquals(PersonalAccessTokens.LENGTH, token.length());
            assertTrue(token.startsWith("lkw_"));
            assertTrue(PersonalAccessTokens.isWellFormed(token), token);
            assertTrue(seen.add(token));
            // any single changed character breaks the checksum
            int position = 4 + (i % (PersonalAccessTokens.LENGTH - 4));
            char other = token.charAt(position) == 'Z' ? 'Y' : 'Z';
            assertFalse(PersonalAccessTokens.isWellFormed(token.substring(0, position) + other + token.substring(position + 1)));
        }
        assertFalse(PersonalAccessTokens.isWellFormed("lkw_"));
        assertFalse(PersonalAccessTokens.isWellFormed("dapi" + tokens.generate().substring(4)));
        // a character outside base62 (the token may hold no letter a replace() would catch: about 4 % of them have no A to D)
        String valid = tokens.generate();
        assertFalse(PersonalAccessTokens.isWellFormed(valid.substring(0, 10) + "-" + valid.substring(11)));
    }

    @Test
    void aMalformedTokenCostsNoLookupAndARevokedOneIsForgottenAtOnce() {
        InMemoryPersonalAccessTokenStore store = new InMemoryPersonalAccessTokenStore();
        PersonalAccessTokenVerifier verifier = new PersonalAccessTokenVerifier(store, Duration.ofMinutes(1), 100, Clock.systemUTC());
        String token = tokens.generate();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        store.create(new PersonalAccessToken(ACME.id(), "0123456789abcdef0123456789abcdef", PersonalAccessTokens.hash(token), "ada", "ada",
                "USER", List.of("workspace-user"), List.of(), "", now, now.plusSeconds(3600), Optional.empty()), 10);

        String broken = token.substring(0, token.length() - 1) + (token.endsWith("0") ? "1" : "0");
        assertEquals(RefusalReason.MALFORMED, assertThrows(TokenRefusedException.class, () -> verifier.verify(ACME, broken)).reason());
        assertEquals(0, store.lookups.get(), "no database work for a token with a bad checksum");

        Principal principal = verifier.verify(ACME, token);
        assertEquals("ada", principal.subject());
        assertEquals(PersonalAccessTokenVerifier.AUTHENTICATION_METHOD, principal.authenticationMethod());
        verifier.verify(ACME, token);
        assertEquals(1, store.lookups.get(), "the second use is answered from the cache");
        assertEquals(RefusalReason.OTHER_TENANT, assertThrows(TokenRefusedException.class, () -> verifier.verify(GLOBEX, token)).reason());

        store.delete(ACME.id(), "0123456789abcdef0123456789abcdef", Optional.empty());
        verifier.forget(ACME.id(), "0123456789abcdef0123456789abcdef");
        assertEquals(RefusalReason.UNKNOWN_TOKEN, assertThrows(TokenRefusedException.class, () -> verifier.verify(ACME, token)).reason());
    }

    @Test
    void theCacheNeverOutlivesTheToken() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        MutableClock clock = new MutableClock(start);
        VerifiedTokenCache<String> cache = new VerifiedTokenCache<>(Duration.ofMinutes(10), 2, clock);
        cache.put("a", "A", start.plusSeconds(30));
        cache.put("b", "B", start.plusSeconds(3600));
        assertEquals("A", cache.get("a"));
        clock.now = start.plusSeconds(31);
        assertEquals(null, cache.get("a"), "past the token's own expiry");
        assertEquals("B", cache.get("b"));
        clock.now = start.plusSeconds(601);
        assertEquals(null, cache.get("b"), "past the cache's time to live");
        cache.put("c", "C", start.plusSeconds(10));
        assertEquals(null, cache.get("c"), "an expired token is not cached");
        for (int i = 0; i < 10; i++) {
            cache.put("k" + i, "V", start.plusSeconds(3600));
        }
        assertTrue(cache.size() <= 2, "bounded: " + cache.size());
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

package io.lakeward.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.json.JsonMapper;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A user's personal access token acts with its owner's standing in the identity directory, not
 * with what the owner held when the token was made: refused once the owner is gone, with today's
 * membership otherwise, with its own record only when the directory cannot say. The end-to-end
 * check with a real Keycloak user is in the launcher's {@code PersonalAccessTokenOwnerTest}.
 */
class PersonalAccessTokenOwnerTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Tenant ACME = new Tenant(TenantId.of("acme"), "Acme", "acme.lakeward.localhost",
            URI.create("https://auth.lakeward.localhost/realms/acme"), TenantStatus.ACTIVE);

    private final AtomicReference<OwnerStanding.Standing> directory = new AtomicReference<>(OwnerStanding.Standing.UNKNOWN);
    private final AtomicInteger asked = new AtomicInteger();
    private final InMemoryPersonalAccessTokenStore store = new InMemoryPersonalAccessTokenStore();
    private final PersonalAccessTokenVerifier verifier = new PersonalAccessTokenVerifier(store, owner -> {
        asked.incrementAndGet();
        return directory.get();
    }, Duration.ofSeconds(5), 1000, Clock.fixed(NOW, ZoneOffset.UTC));

    private String stored(String ownerType) {
        String token = new PersonalAccessTokens(new SecureRandom()).generate();
        store.create(new PersonalAccessToken(ACME.id(), java.util.UUID.randomUUID().toString().replace("-", ""), PersonalAccessTokens.hash(token),
                "user-1", "alice", ownerType, List.of("workspace-user"), List.of("analysts"), "test", NOW.minusSeconds(60),
                NOW.plusSeconds(3600), Optional.empty()), 50);
        return token;
    }

    @Test
    void aTokenOfAnOwnerTheDirectoryNoLongerHoldsIsRefused() {
        String token = stored("USER");
        directory.set(OwnerStanding.Standing.GONE);
        TokenRefusedException refused = assertThrows(TokenRefusedException.class, () -> verifier.verify(ACME, token));
        assertEquals(RefusalReason.OWNER_DISABLED, refused.reason());
        assertEquals("owner_disabled", refused.reason().auditValue());
    }

    @Test
    void aTokenActsWithTheOwnersCurrentMembership() {
        String token = stored("USER");
        directory.set(OwnerStanding.Standing.current(List.of("viewer"), List.of("finance")));
        Principal principal = verifier.verify(ACME, token);
        assertEquals(List.of("viewer"), principal.roles(), "the role the token recorded was taken away since");
        assertEquals(List.of("finance"), principal.groups());
        assertEquals(PersonalAccessTokenVerifier.AUTHENTICATION_METHOD, principal.authenticationMethod());
    }

    @Test
    void whenTheDirectoryCannotSayTheTokensRecordStands() {
        String token = stored("USER");
        Principal principal = verifier.verify(ACME, token);
        assertEquals(List.of("workspace-user"), principal.roles());
        assertEquals(List.of("analysts"), principal.groups());
    }

    @Test
    void aServicesTokenIsNotLookedUpAmongUsers() {
        String token = stored("SERVICE");
        directory.set(OwnerStanding.Standing.GONE);
        assertEquals(List.of("workspace-user"), verifier.verify(ACME, token).roles());
        assertEquals(0, asked.get());
    }

    @Test
    void theDirectoryIsAskedOncePerVerificationNotPerRequest() {
        String token = stored("USER");
        directory.set(OwnerStanding.Standing.current(List.of("viewer"), List.of()));
        for (int i = 0; i < 10; i++) {
            verifier.verify(ACME, token);
        }
        assertEquals(1, asked.get(), "verified tokens are remembered for the cache time to live");
    }

    @Test
    void theWorkspaceServicesAnswerIsReadStrictly() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        assertEquals(OwnerStanding.Kind.UNKNOWN, WorkspaceOwnerStanding.parse(json.readTree("{\"managed\":false}")).kind());
        assertEquals(OwnerStanding.Kind.UNKNOWN, WorkspaceOwnerStanding.parse(json.readTree("{\"path\":\"/anything\"}")).kind());
        assertEquals(OwnerStanding.Kind.GONE,
                WorkspaceOwnerStanding.parse(json.readTree("{\"managed\":true,\"exists\":true,\"enabled\":false}")).kind());
        assertEquals(OwnerStanding.Kind.GONE, WorkspaceOwnerStanding.parse(json.readTree("{\"managed\":true,\"exists\":false}")).kind());
        OwnerStanding.Standing current = WorkspaceOwnerStanding.parse(json.readTree(
                "{\"managed\":true,\"exists\":true,\"enabled\":true,\"roles\":[\"auditor\"],\"groups\":[\"hr\"]}"));
        assertEquals(OwnerStanding.Standing.current(List.of("auditor"), List.of("hr")), current);
        assertThrows(IllegalArgumentException.class, () -> WorkspaceOwnerStanding.parse(json.readTree(
                "{\"managed\":true,\"exists\":true,\"enabled\":true,\"roles\":\"auditor\",\"groups\":[]}")));
    }
}

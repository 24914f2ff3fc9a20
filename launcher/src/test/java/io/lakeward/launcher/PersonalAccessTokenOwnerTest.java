package io.lakeward.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lakeward.infra.keycloak.KeycloakAdminClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A personal access token follows its owner in the identity directory, with a real Keycloak user
 * changed behind the platform's back (directly at Keycloak, not through Lakeward's API): a role
 * taken away is gone from the token's principal (and with it the access it gave), and a disabled
 * owner's token is refused, each within the personal access token cache time (5 s) plus a poll.
 */
class PersonalAccessTokenOwnerTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ME = "/api/2.0/preview/scim/v2/Me";
    private static final String TENANT = "globex";
    /** A user no other test signs in as: this test disables it and leaves a Keycloak session of it behind. */
    private static final String USER = "viewer";
    private static final String ROLE = "viewer";

    @Test
    void aTokenFollowsItsOwnerInTheDirectory() throws Exception {
        RunningPlatform platform = RunningPlatform.get();
        String access = new UserTokens(platform).accessToken(TENANT, USER);
        HttpResponse<String> created = platform.https.send(HttpRequest.newBuilder(platform.tenantUrl(TENANT, "/api/2.0/token/create"))
                .header("Authorization", "Bearer " + access)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"lifetime_seconds\": 3600, \"comment\": \"owner test\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, created.statusCode(), created.body());
        String token = JSON.readTree(created.body()).get("token_value").asText();
        assertTrue(roles(platform, token).contains(ROLE));

        KeycloakAdminClient admin = platform.platform.identityProviderAdmin();
        String userId = admin.user(TENANT, USER).orElseThrow().id();
        KeycloakAdminClient.Role role = admin.realmRole(TENANT, ROLE).orElseThrow();
        try {
            admin.removeUserRealmRole(TENANT, userId, role);
            // without its only role the owner may not even read itself (403), unless the policy store holds its membership
            // from an earlier change through the admin API; either way the token's principal no longer carries the role
            awaitMe(platform, token, response -> response.statusCode() == 403
                            || response.statusCode() == 200 && !rolesOf(response).contains(ROLE),
                    "the role taken away at Keycloak is gone from the token's principal");

            admin.setUserEnabled(TENANT, userId, false);
            awaitMe(platform, token, response -> response.statusCode() == 401, "the disabled owner's token is refused");
        } finally {
            admin.setUserEnabled(TENANT, userId, true);
            admin.addUserRealmRole(TENANT, userId, role);
        }
        awaitMe(platform, token, response -> response.statusCode() == 200 && rolesOf(response).contains(ROLE),
                "re-enabled with its role, the owner's token works again");
    }

    /**
     * The standing route answers only the gateway's internal identity: it is in no public route,
     * so a client cannot ask it (for itself or anyone) through the gateway, and the service refuses
     * a call that does not carry the gateway's assertion.
     */
    @Test
    void theStandingRouteIsNotReachableFromOutside() throws Exception {
        RunningPlatform platform = RunningPlatform.get();
        String path = "/api/2.0/internal/identity/standing";
        HttpResponse<String> viaGateway = platform.get(platform.tenantUrl(TENANT, path), platform.serviceAccountToken(TENANT));
        assertEquals(404, viaGateway.statusCode(), viaGateway.body());
        HttpResponse<String> direct = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                platform.platform.services().internalServices().get("workspace-service").resolve(path))
                .header("X-Lakeward-Internal-Identity", "forged").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, direct.statusCode(), direct.body());
    }

    private static List<String> roles(RunningPlatform platform, String token) throws Exception {
        HttpResponse<String> me = platform.get(platform.tenantUrl(TENANT, ME), token);
        assertEquals(200, me.statusCode(), me.body());
        return rolesOf(me);
    }

    private static List<String> rolesOf(HttpResponse<String> me) {
        List<String> roles = new ArrayList<>();
        try {
            for (JsonNode role : JSON.readTree(me.body()).path("roles")) {
                roles.add(role.path("value").asText());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return roles;
    }

    /** Polls the token's /Me until {@code expected} holds, for at most 20 s (cache time 5 s). */
    private static void awaitMe(RunningPlatform platform, String token, Predicate<HttpResponse<String>> expected, String what) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        HttpResponse<String> last;
        do {
            last = platform.get(platform.tenantUrl(TENANT, ME), token);
            if (expected.test(last)) {
                return;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(what + ": not within 20 s; last answer " + last.statusCode() + " " + last.body());
    }
}

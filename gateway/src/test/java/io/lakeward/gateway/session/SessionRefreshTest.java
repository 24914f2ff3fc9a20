package io.lakeward.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.session.BrowserSession;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import io.lakeward.testing.browser.HttpBrowser;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions against the real Keycloak and PostgreSQL with tokens refreshed at every request: each
 * refresh rotates the refresh token (Keycloak refuses any reuse), the stored generation moves on,
 * and a session Keycloak ended stops at the next refresh. Proxied requests carry only the
 * gateway's identity: no cookie, CSRF token or client-made identity header reaches the service.
 */
class SessionRefreshTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ME = "/api/2.0/preview/scim/v2/Me";

    @TempDir
    static Path directory;
    private static SignInGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = new SignInGateway(2, directory, Duration.ofMinutes(10));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static BrowserSession stored(HttpBrowser browser, ProvisionedRealm realm) {
        String value = browser.cookie(gateway.origin(realm), SessionCookies.SESSION).orElseThrow().getValue();
        return gateway.store.find(TenantId.of(realm.realm()), SessionCookies.parse(value).orElseThrow().hash()).orElseThrow();
    }

    @Test
    void everyRefreshRotatesTheRefreshTokenAndTheSessionKeepsWorking() throws Exception {
        ProvisionedRealm realm = gateway.realms.get(0);
        HttpBrowser browser = new HttpBrowser(gateway.keycloak.caCertificatePem());
        assertEquals(302, browser.signIn(gateway.origin(realm), "viewer", SignInGateway.password(realm, "viewer")).statusCode());
        assertEquals(0, stored(browser, realm).tokenGeneration());
        byte[] firstTokens = stored(browser, realm).tokens();
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> me = browser.get(gateway.url(realm, ME));
            assertEquals(200, me.statusCode(), me.body());
            assertEquals(i, stored(browser, realm).tokenGeneration(), "refreshed and rotated at request " + i);
        }
        assertTrue(!java.util.Arrays.equals(firstTokens, stored(browser, realm).tokens()));
    }

    @Test
    void aSessionKeycloakEndedStopsAtTheNextRefresh() throws Exception {
        ProvisionedRealm realm = gateway.realms.get(1);
        HttpBrowser browser = new HttpBrowser(gateway.keycloak.caCertificatePem());
        assertEquals(302, browser.signIn(gateway.origin(realm), "auditor", SignInGateway.password(realm, "auditor")).statusCode());
        assertEquals(200, browser.get(gateway.url(realm, ME)).statusCode());
        String userId = gateway.keycloak.adminClient().user(realm.realm(), "auditor").orElseThrow().id();
        gateway.keycloak.adminClient().logoutUser(realm.realm(), userId);
        java.time.Instant deadline = java.time.Instant.now().plus(Duration.ofSeconds(30));
        int status;
        do {
            status = browser.get(gateway.url(realm, ME)).statusCode();
            if (status == 200) {
                Thread.sleep(100); // well under the principal's rate limit
            }
        } while (status == 200 && java.time.Instant.now().isBefore(deadline));
        assertEquals(401, status);
    }

    @Test
    void theServiceSeesTheGatewaysIdentityAndNothingTheBrowserSent() throws Exception {
        ProvisionedRealm realm = gateway.realms.get(0);
        HttpBrowser browser = new HttpBrowser(gateway.keycloak.caCertificatePem());
        assertEquals(302, browser.signIn(gateway.origin(realm), "engineer", SignInGateway.password(realm, "engineer")).statusCode());
        HttpResponse<String> me = browser.get(gateway.url(realm, ME), Map.of("X-Lakeward-Principal", "root",
                "X-Lakeward-Internal-Identity", "forged", "X-CSRF-Token", "anything"));
        assertEquals(200, me.statusCode(), me.body());
        JsonNode seen = JSON.readTree(me.body());
        assertEquals("engineer", seen.get("name").asText());
        assertEquals(realm.realm(), seen.get("tenant").asText());
        assertEquals(SessionService.AUTHENTICATION_METHOD, seen.get("method").asText());
        assertTrue(seen.get("cookie").isNull(), "the session cookie stays at the gateway");
        assertTrue(seen.get("spoofed").isNull(), "client-made identity headers are dropped");
        assertTrue(seen.get("csrf").isNull(), "the CSRF token stays at the gateway");
    }
}

package io.lakeward.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.nimbusds.jwt.SignedJWT;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import io.lakeward.testing.browser.HttpBrowser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity provider misbehaving under a running gateway. One scenario, in a JVM of its own
 * because it ends with this JVM's Keycloak stopped: the realm's signing key is rotated (new logins
 * are accepted without a restart), then Keycloak stops (existing sessions keep working on their
 * unexpired tokens; a new login gets a clear 503 page and no redirect).
 */
class KeycloakFaultsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ME = "/api/2.0/preview/scim/v2/Me";

    @TempDir
    Path directory;

    @Test
    void keysRotateWhileRunningAndThenKeycloakStops() throws Exception {
        try (SignInGateway gateway = new SignInGateway(1, directory, Duration.ofSeconds(15))) {
            ProvisionedRealm realm = gateway.realms.get(0);
            HttpBrowser before = new HttpBrowser(gateway.keycloak.caCertificatePem());
            assertEquals(302, before.signIn(gateway.origin(realm), "admin", SignInGateway.password(realm, "admin")).statusCode());
            assertEquals(200, before.get(gateway.url(realm, ME)).statusCode());

            Set<String> oldKeys = keyIds(realm);
            gateway.keycloak.adminClient().addRealmSigningKey(realm.realm(), "rotated", 500, java.util.Optional.empty());
            String newKey = SignedJWT.parse(serviceAccountToken(gateway, realm)).getHeader().getKeyID();
            assertFalse(oldKeys.contains(newKey), "Keycloak now signs with a key the gateway has not fetched yet");
            // the gateway fetches the issuer's keys at most once per refetch interval (2 s here): a login in the
            // interval after the last fetch is refused, the next one after it takes the new key, without a restart
            java.time.Instant deadline = java.time.Instant.now().plusSeconds(20);
            HttpBrowser after;
            HttpResponse<String> rotatedLogin;
            do {
                after = new HttpBrowser(gateway.keycloak.caCertificatePem());
                rotatedLogin = after.signIn(gateway.origin(realm), "engineer", SignInGateway.password(realm, "engineer"));
            } while (rotatedLogin.statusCode() != 302 && java.time.Instant.now().isBefore(deadline));
            assertEquals(302, rotatedLogin.statusCode(), "a login signed with the rotated key: " + rotatedLogin.body());
            HttpResponse<String> me = after.get(gateway.url(realm, ME));
            assertEquals(200, me.statusCode(), me.body());
            assertEquals("engineer", JSON.readTree(me.body()).get("name").asText());

            gateway.keycloak.server().close();
            for (HttpBrowser signedIn : new HttpBrowser[] {before, after}) {
                HttpResponse<String> still = signedIn.get(gateway.url(realm, ME));
                assertEquals(200, still.statusCode(), "a session outlives the identity provider while its token is valid: " + still.body());
            }
            HttpBrowser newcomer = new HttpBrowser(gateway.keycloak.caCertificatePem());
            HttpResponse<String> login = newcomer.get(gateway.url(realm, "/oidc/login"));
            assertEquals(503, login.statusCode(), login.body());
            assertTrue(login.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
            assertTrue(login.body().contains("Sign-in is temporarily unavailable"), login.body());
            assertTrue(login.body().contains("TEMPORARILY_UNAVAILABLE"), login.body());
            assertTrue(login.headers().firstValue("Location").isEmpty(), "no redirect to a dead identity provider");
            assertTrue(login.headers().firstValue("Retry-After").isPresent());
            assertTrue(newcomer.cookie(gateway.origin(realm), SessionCookies.LOGIN).isEmpty(), "no login attempt was started");
            HttpResponse<String> anonymous = newcomer.get(gateway.url(realm, ME));
            assertEquals(401, anonymous.statusCode(), "without a session: 401, not 500");
        }
    }

    private static Set<String> keyIds(ProvisionedRealm realm) throws Exception {
        HttpResponse<String> keys = client().send(HttpRequest.newBuilder(realm.jwksUri()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        Set<String> ids = new HashSet<>();
        JSON.readTree(keys.body()).get("keys").forEach(key -> ids.add(key.get("kid").asText()));
        return ids;
    }

    private static String serviceAccountToken(SignInGateway gateway, ProvisionedRealm realm) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + realm.automationClient().clientId()
                + "&client_secret=" + URLEncoder.encode(realm.automationClient().secret().reveal(), StandardCharsets.UTF_8);
        HttpResponse<String> response = client().send(HttpRequest.newBuilder(realm.tokenEndpoint()).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        assertNull(body.get("error"), response.body());
        return body.get("access_token").asText();
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().sslContext(io.lakeward.testing.keycloak.TestingKeycloak.get().sslContext()).build();
    }
}

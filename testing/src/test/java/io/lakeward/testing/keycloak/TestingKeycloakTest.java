package io.lakeward.testing.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shared Keycloak fixture: one server per JVM, the demo tenants, pools of fresh tenants. */
class TestingKeycloakTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void oneServerPerJvm() {
        assertSame(TestingKeycloak.get(), TestingKeycloak.get());
        assertTrue(TestingKeycloak.get().server().options().home().startsWith(TestingKeycloak.get().stateDirectory()));
    }

    @Test
    void acmeAutomationTokenIsSignedForTheGateway() throws Exception {
        TestingKeycloak keycloak = TestingKeycloak.get();
        ProvisionedRealm acme = keycloak.acmeDemoRealm();
        assertEquals(URI.create("https://auth.lakeward.localhost:" + keycloak.httpsPort() + "/realms/acme"), acme.issuer());

        SignedJWT token = SignedJWT.parse(clientCredentialsToken(keycloak, acme));
        JWKSet keys = JWKSet.parse(get(keycloak, acme.jwksUri()).body());
        assertTrue(token.verify(new RSASSAVerifier((RSAKey) keys.getKeyByKeyId(token.getHeader().getKeyID()))));
        JWTClaimsSet claims = token.getJWTClaimsSet();
        assertEquals(acme.issuer().toString(), claims.getIssuer());
        assertTrue(claims.getAudience().contains("lakeward-gateway"));
        assertEquals("Bearer", claims.getStringClaim("typ"));
        assertTrue(claims.getJSONObjectClaim("realm_access").get("roles").toString().contains("workspace-user"));
        assertEquals(List.of("admin", "engineer", "auditor", "viewer"), List.copyOf(acme.userPasswords().keySet()));
    }

    @Test
    void discoveryDocumentNamesTheIssuer() throws Exception {
        TestingKeycloak keycloak = TestingKeycloak.get();
        ProvisionedRealm globex = keycloak.globexDemoRealm();
        HttpResponse<String> response = get(keycloak, globex.discoveryDocument());
        assertEquals(200, response.statusCode());
        assertEquals(globex.issuer().toString(), JSON.readTree(response.body()).path("issuer").asText());
    }

    @Test
    void poolHandsOutEachFreshRealmOnce() throws Exception {
        TestingKeycloak keycloak = TestingKeycloak.get();
        long started = System.nanoTime();
        TestingKeycloak.TenantRealmPool pool = keycloak.tenantRealmPool(3, 18443, false);
        System.out.printf("TestingKeycloakTest: pool of 3 realms in %d ms%n", (System.nanoTime() - started) / 1_000_000);

        Set<String> realms = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            ProvisionedRealm realm = pool.take();
            assertTrue(realm.realm().matches("t-[0-9a-f]{8}"), realm.realm());
            assertTrue(realm.userPasswords().isEmpty());
            assertTrue(keycloak.adminClient().realmExists(realm.realm()));
            assertEquals("[\"https://" + realm.realm() + ".lakeward.localhost:18443/oidc/callback\"]",
                    keycloak.adminClient().client(realm.realm(), "lakeward-gateway").orElseThrow().path("redirectUris").toString());
            assertTrue(InetAddress.getByName(realm.realm() + ".lakeward.localhost").isLoopbackAddress(), "the tenant host resolves");
            realms.add(realm.realm());
        }
        assertEquals(3, realms.size());
        assertEquals(0, pool.remaining());
        assertThrows(IllegalStateException.class, pool::take);
        assertNotEquals(keycloak.newTenantRealm().realm(), keycloak.newTenantRealm().realm());
    }

    private static String clientCredentialsToken(TestingKeycloak keycloak, ProvisionedRealm realm) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + realm.automationClient().clientId()
                + "&client_secret=" + URLEncoder.encode(realm.automationClient().secret().reveal(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(realm.tokenEndpoint())
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response = client(keycloak).send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    private static HttpResponse<String> get(TestingKeycloak keycloak, URI uri) throws Exception {
        return client(keycloak).send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpClient client(TestingKeycloak keycloak) {
        return HttpClient.newBuilder().sslContext(keycloak.sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
    }
}

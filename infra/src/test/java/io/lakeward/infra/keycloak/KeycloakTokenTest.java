package io.lakeward.infra.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokens and endpoints of a tenant realm created from the production template, on a real Keycloak. */
class KeycloakTokenTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CODE_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    private static ProvisionedRealm acme;
    private static HttpClient http;

    @BeforeAll
    static void provisionAcme() throws Exception {
        acme = TestKeycloak.acme();
        http = HttpClient.newBuilder()
                .sslContext(TestKeycloak.sslContext())
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Test
    void automationServiceAccountGetsASignedAccessTokenForTheGateway() throws Exception {
        HttpResponse<String> response = postForm(acme.tokenEndpoint(), Map.of(
                "grant_type", "client_credentials",
                "client_id", "lakeward-automation",
                "client_secret", acme.automationClient().secret().reveal()));
        assertEquals(200, response.statusCode(), response.body());
        SignedJWT token = SignedJWT.parse(JSON.readTree(response.body()).path("access_token").asText());

        JWKSet keys = JWKSet.parse(get(acme.jwksUri()).body());
        RSAKey key = (RSAKey) keys.getKeyByKeyId(token.getHeader().getKeyID());
        assertNotNull(key, "the token's signing key is in the realm's JWKS");
        assertEquals(JWSAlgorithm.RS256, token.getHeader().getAlgorithm());
        assertTrue(token.verify(new RSASSAVerifier(key)), "signature verifies against the realm's JWKS");

        JWTClaimsSet claims = token.getJWTClaimsSet();
        int port = TestKeycloak.server().httpsPort();
        assertEquals("https://auth.lakeward.localhost:" + port + "/realms/acme", claims.getIssuer());
        assertEquals(URI.create("https://auth.lakeward.localhost:" + port + "/realms/acme"), acme.issuer());
        assertTrue(claims.getAudience().contains("lakeward-gateway"), "aud " + claims.getAudience());
        assertEquals("Bearer", claims.getStringClaim("typ"));
        assertEquals("lakeward-automation", claims.getStringClaim("azp"));
        @SuppressWarnings("unchecked")
        List<String> roles = (List<String>) claims.getJSONObjectClaim("realm_access").get("roles");
        assertTrue(roles.contains("workspace-user"), "realm roles " + roles);
        assertEquals(List.of("workspace-user"), roles, "the service account has exactly the template's role");
        assertEquals(300, (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000, "access tokens live 5 minutes");
    }

    @Test
    void discoveryDocumentNamesTheIssuer() throws Exception {
        HttpResponse<String> response = get(acme.discoveryDocument());
        assertEquals(200, response.statusCode());
        JsonNode discovery = JSON.readTree(response.body());
        assertEquals(acme.issuer().toString(), discovery.path("issuer").asText());
        assertEquals(acme.tokenEndpoint().toString(), discovery.path("token_endpoint").asText());
        assertEquals(acme.jwksUri().toString(), discovery.path("jwks_uri").asText());
        assertTrue(discovery.path("code_challenge_methods_supported").toString().contains("S256"));
    }

    @Test
    void wrongClientSecretIsRefused() throws Exception {
        HttpResponse<String> response = postForm(acme.tokenEndpoint(), Map.of(
                "grant_type", "client_credentials",
                "client_id", "lakeward-automation",
                "client_secret", "not-" + acme.automationClient().secret().reveal()));
        assertEquals(401, response.statusCode(), response.body());
        assertEquals("unauthorized_client", JSON.readTree(response.body()).path("error").asText());
    }

    @Test
    void gatewayClientRefusesThePasswordGrant() throws Exception {
        HttpResponse<String> response = postForm(acme.tokenEndpoint(), Map.of(
                "grant_type", "password",
                "client_id", "lakeward-gateway",
                "client_secret", acme.gatewayClient().orElseThrow().secret().reveal(),
                "username", "admin",
                "password", acme.userPasswords().get("admin").reveal()));
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("unauthorized_client", JSON.readTree(response.body()).path("error").asText());
        assertFalse(response.body().contains("access_token"));
    }

    @Test
    void gatewayClientRefusesTheImplicitFlow() throws Exception {
        HttpResponse<String> response = get(authorization("token", "https://acme.lakeward.localhost:9443/oidc/callback", true));
        assertEquals(302, response.statusCode());
        String location = response.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("https://acme.lakeward.localhost:9443/oidc/callback#error=unauthorized_client"), location);
        assertFalse(location.contains("access_token"), location);
    }

    @Test
    void gatewayClientRequiresPkce() throws Exception {
        HttpResponse<String> withoutPkce = get(authorization("code", "https://acme.lakeward.localhost:9443/oidc/callback", false));
        assertEquals(302, withoutPkce.statusCode());
        String location = withoutPkce.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("https://acme.lakeward.localhost:9443/oidc/callback?error=invalid_request"), location);

        HttpResponse<String> withPkce = get(authorization("code", "https://acme.lakeward.localhost:9443/oidc/callback", true));
        assertEquals(200, withPkce.statusCode(), "the login page is shown");
    }

    @Test
    void gatewayClientRefusesOtherRedirectUris() throws Exception {
        for (String redirect : List.of("https://evil.example/oidc/callback", "https://acme.lakeward.localhost:9443/oidc/callback/../x",
                "https://acme.lakeward.localhost:9443/other")) {
            HttpResponse<String> response = get(authorization("code", redirect, true));
            assertEquals(400, response.statusCode(), redirect);
            assertTrue(response.headers().firstValue("Location").isEmpty(), redirect);
        }
    }

    private static URI authorization(String responseType, String redirectUri, boolean pkce) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("client_id", "lakeward-gateway");
        parameters.put("response_type", responseType);
        parameters.put("redirect_uri", redirectUri);
        parameters.put("scope", "openid");
        parameters.put("state", "state-1");
        parameters.put("nonce", "nonce-1");
        if (pkce) {
            parameters.put("code_challenge", CODE_CHALLENGE);
            parameters.put("code_challenge_method", "S256");
        }
        return URI.create(acme.issuer() + "/protocol/openid-connect/auth?" + form(parameters));
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postForm(URI uri, Map<String, String> parameters) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(parameters)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String form(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(entry -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}

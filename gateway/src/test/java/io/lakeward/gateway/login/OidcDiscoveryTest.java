package io.lakeward.gateway.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import io.lakeward.common.json.Json;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A discovery document decides where browsers are sent and whose keys sign tokens, so it is used
 * only when every part this relying party depends on holds; one bad part refuses it whole. The
 * documents are Entra-ID-shaped (endpoints nowhere near Keycloak's paths) to show nothing is
 * assumed from the identity provider's make. Keycloak's own document is read in every sign-in test.
 */
class OidcDiscoveryTest {
    private static final URI ISSUER = URI.create("https://login.example/tenant-1/v2.0");

    private static ObjectNode document() {
        ObjectNode document = Json.newMapper().createObjectNode();
        document.put("issuer", ISSUER.toString());
        document.put("authorization_endpoint", "https://login.example/tenant-1/oauth2/v2.0/authorize");
        document.put("token_endpoint", "https://login.example/tenant-1/oauth2/v2.0/token");
        document.put("end_session_endpoint", "https://login.example/tenant-1/oauth2/v2.0/logout");
        document.put("jwks_uri", "https://login.example/tenant-1/discovery/v2.0/keys");
        document.putArray("response_types_supported").add("code").add("id_token");
        document.putArray("code_challenge_methods_supported").add("plain").add("S256");
        document.putArray("id_token_signing_alg_values_supported").add("RS256");
        return document;
    }

    @Test
    void theEndpointsComeFromTheDocument() throws Exception {
        OidcEndpoints endpoints = OidcDiscovery.parse(ISSUER, document().toString(), JWSAlgorithm.RS256);
        assertEquals(URI.create("https://login.example/tenant-1/oauth2/v2.0/authorize"), endpoints.authorization());
        assertEquals(URI.create("https://login.example/tenant-1/oauth2/v2.0/token"), endpoints.token());
        assertEquals(URI.create("https://login.example/tenant-1/oauth2/v2.0/logout"), endpoints.endSession());
        assertEquals(URI.create("https://login.example/tenant-1/discovery/v2.0/keys"), endpoints.keys());

        ObjectNode withoutLogout = document();
        withoutLogout.remove("end_session_endpoint");
        withoutLogout.remove("code_challenge_methods_supported");
        assertNull(OidcDiscovery.parse(ISSUER, withoutLogout.toString(), JWSAlgorithm.RS256).endSession(), "RP-initiated logout is optional");
    }

    @Test
    void aDocumentWithAnyBadPartIsRefusedNamingIt() {
        List<Case> cases = List.of(
                new Case("names the issuer https://evil.example", d -> d.put("issuer", "https://evil.example")),
                new Case("names the issuer " + ISSUER + "/", d -> d.put("issuer", ISSUER + "/")),
                new Case("names the issuer null", d -> d.remove("issuer")),
                new Case("authorization_endpoint is not an absolute https URL", d -> d.put("authorization_endpoint", "http://login.example/authorize")),
                new Case("token_endpoint is missing", d -> d.remove("token_endpoint")),
                new Case("jwks_uri is not an absolute https URL", d -> d.put("jwks_uri", "/keys")),
                new Case("jwks_uri is not an absolute https URL", d -> d.put("jwks_uri", "https://login.example/keys#x")),
                new Case("end_session_endpoint is not an absolute https URL", d -> d.put("end_session_endpoint", 42)),
                new Case("response_types_supported does not offer code", d -> d.putArray("response_types_supported").add("id_token")),
                new Case("response_types_supported does not offer code", d -> d.remove("response_types_supported")),
                new Case("code_challenge_methods_supported does not offer S256", d -> d.putArray("code_challenge_methods_supported").add("plain")),
                new Case("id_token_signing_alg_values_supported does not offer RS256",
                        d -> d.putArray("id_token_signing_alg_values_supported").add("HS256")));
        for (Case test : cases) {
            ObjectNode document = document();
            test.change().accept(document);
            OidcDiscovery.InvalidDiscovery refused = assertThrows(OidcDiscovery.InvalidDiscovery.class,
                    () -> OidcDiscovery.parse(ISSUER, document.toString(), JWSAlgorithm.RS256), test.problem());
            assertTrue(refused.getMessage().contains(test.problem()), refused.getMessage() + " should say " + test.problem());
        }
        assertThrows(OidcDiscovery.InvalidDiscovery.class, () -> OidcDiscovery.parse(ISSUER, "[]", JWSAlgorithm.RS256));
        assertThrows(OidcDiscovery.InvalidDiscovery.class, () -> OidcDiscovery.parse(ISSUER, "not json", JWSAlgorithm.RS256));
        // an issuer pinned to ES256 must offer ES256 ID tokens; this document offers RS256 only
        OidcDiscovery.InvalidDiscovery pinned = assertThrows(OidcDiscovery.InvalidDiscovery.class,
                () -> OidcDiscovery.parse(ISSUER, document().toString(), JWSAlgorithm.ES256));
        assertTrue(pinned.getMessage().contains("does not offer ES256"), pinned.getMessage());
    }

    @Test
    void aLoginRefetchesTheDocumentAndEverythingElseReusesIt() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        OidcDiscovery discovery = new OidcDiscovery(url -> {
            assertEquals("https://login.example/tenant-1/v2.0/.well-known/openid-configuration", url.toString());
            fetches.incrementAndGet();
            return new com.nimbusds.jose.util.Resource(document().toString(), "application/json");
        }, issuer -> JWSAlgorithm.RS256, java.time.Duration.ofSeconds(30));
        assertTrue(discovery.known(ISSUER).isEmpty());
        discovery.endpoints(ISSUER);
        discovery.endpoints(ISSUER);
        assertEquals(1, fetches.get());
        discovery.discover(ISSUER);
        assertEquals(2, fetches.get());
        assertTrue(discovery.known(ISSUER).isPresent());
    }

    @Test
    void afterAFailureOnlyALoginAsksAgainWithinTheRetryInterval() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        OidcDiscovery discovery = new OidcDiscovery(url -> {
            fetches.incrementAndGet();
            throw new java.io.IOException("connection refused");
        }, issuer -> JWSAlgorithm.RS256, java.time.Duration.ofMinutes(5));
        for (int i = 0; i < 10; i++) {
            assertThrows(java.io.IOException.class, () -> discovery.endpoints(ISSUER));
        }
        assertEquals(1, fetches.get(), "token and logout checks wait out the interval");
        assertThrows(java.io.IOException.class, () -> discovery.discover(ISSUER));
        assertEquals(2, fetches.get(), "a login always asks: it is how a login learns the issuer is back");
    }

    private record Case(String problem, Consumer<ObjectNode> change) {
    }
}

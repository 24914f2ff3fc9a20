package io.lakeward.infra.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Rendering the realm templates: no network. */
class RealmTemplatesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TenantRealmSpec acme(boolean withDemoUsers) {
        return TenantRealmSpec.of("acme", "Acme Corporation", "https://acme.lakeward.localhost:9443", withDemoUsers);
    }

    private static RealmSecrets secretsFor(TenantRealmSpec spec) {
        return RealmSecrets.generate(spec.realm(), true, spec.withDemoUsers() ? RealmTemplates.tenantDemoUsers() : List.of());
    }

    @Test
    void noPlaceholderIsLeftAndValuesLandWhereTheyBelong() throws Exception {
        TenantRealmSpec spec = acme(true);
        RealmSecrets secrets = secretsFor(spec);
        ObjectNode realm = RealmTemplates.tenantRealm(spec, secrets);
        List<String> leftovers = new ArrayList<>();
        collectPlaceholders(realm, leftovers);

        assertEquals(List.of(), leftovers);
        assertEquals("acme", realm.path("realm").asText());
        assertEquals("Acme Corporation", realm.path("displayName").asText());
        assertEquals(secrets.gatewayClientSecret().orElseThrow().reveal(), client(realm, "lakeward-gateway").path("secret").asText());
        assertEquals(secrets.automationClientSecret().reveal(), client(realm, "lakeward-automation").path("secret").asText());
        assertEquals("admin@acme.example", user(realm, "admin").path("email").asText());
        assertEquals(secrets.userPasswords().get("viewer").reveal(), user(realm, "viewer").path("credentials").get(0).path("value").asText());
    }

    @Test
    void realmIsLockedDown() {
        ObjectNode realm = RealmTemplates.tenantRealm(acme(false), secretsFor(acme(false)));
        assertEquals("all", realm.path("sslRequired").asText());
        assertTrue(realm.path("bruteForceProtected").asBoolean());
        assertFalse(realm.path("registrationAllowed").asBoolean());
        assertEquals(300, realm.path("accessTokenLifespan").asInt());
        assertTrue(realm.path("passwordPolicy").asText().contains("length(12)"));
        assertTrue(realm.path("eventsEnabled").asBoolean());
        assertTrue(realm.path("adminEventsEnabled").asBoolean());
        assertTrue(realm.path("adminEventsDetailsEnabled").asBoolean());
        assertTrue(realm.path("eventsExpiration").asLong() > 0);
        List<String> events = texts(realm.path("enabledEventTypes"));
        assertTrue(events.containsAll(List.of("LOGIN", "LOGIN_ERROR", "LOGOUT", "CLIENT_LOGIN_ERROR")), events.toString());
        assertEquals(List.of("tenant-admin", "workspace-user", "auditor", "viewer"), names(realm.path("roles").path("realm")));
        assertEquals(List.of("admins", "data-engineers", "analysts", "auditors"), names(realm.path("groups")));
        JsonNode adminCli = client(realm, "admin-cli");
        assertFalse(adminCli.path("enabled").asBoolean());
        assertFalse(adminCli.path("directAccessGrantsEnabled").asBoolean());
    }

    @Test
    void gatewayClientAllowsOnlyTheCodeFlowWithPkce() {
        JsonNode gateway = client(RealmTemplates.tenantRealm(acme(false), secretsFor(acme(false))), "lakeward-gateway");
        assertTrue(gateway.path("standardFlowEnabled").asBoolean());
        assertFalse(gateway.path("implicitFlowEnabled").asBoolean());
        assertFalse(gateway.path("directAccessGrantsEnabled").asBoolean());
        assertFalse(gateway.path("serviceAccountsEnabled").asBoolean());
        assertFalse(gateway.path("publicClient").asBoolean());
        assertFalse(gateway.path("frontchannelLogout").asBoolean());
        JsonNode attributes = gateway.path("attributes");
        assertEquals("S256", attributes.path("pkce.code.challenge.method").asText());
        assertEquals("false", attributes.path("oauth2.device.authorization.grant.enabled").asText());
        assertEquals(List.of("https://acme.lakeward.localhost:9443/oidc/callback"), texts(gateway.path("redirectUris")));
        assertEquals(List.of("https://acme.lakeward.localhost:9443"), texts(gateway.path("webOrigins")));
        assertEquals("https://acme.lakeward.localhost:9443/", attributes.path("post.logout.redirect.uris").asText());
        assertEquals("https://acme.lakeward.localhost:9443/oidc/backchannel-logout", attributes.path("backchannel.logout.url").asText());
        assertEquals("true", attributes.path("backchannel.logout.session.required").asText());
        assertTrue(texts(gateway.path("defaultClientScopes")).contains("lakeward"));
    }

    @Test
    void automationClientUsesClientCredentialsOnly() {
        ObjectNode realm = RealmTemplates.tenantRealm(acme(false), secretsFor(acme(false)));
        JsonNode automation = client(realm, "lakeward-automation");
        assertTrue(automation.path("serviceAccountsEnabled").asBoolean());
        assertFalse(automation.path("standardFlowEnabled").asBoolean());
        assertFalse(automation.path("implicitFlowEnabled").asBoolean());
        assertFalse(automation.path("directAccessGrantsEnabled").asBoolean());
        assertFalse(automation.path("publicClient").asBoolean());
        assertTrue(texts(automation.path("defaultClientScopes")).contains("lakeward"));
        JsonNode serviceAccount = user(realm, "service-account-lakeward-automation");
        assertEquals("lakeward-automation", serviceAccount.path("serviceAccountClientId").asText());
        assertEquals(List.of("workspace-user"), texts(serviceAccount.path("realmRoles")));
    }

    @Test
    void sharedScopeNamesTheGatewayAudienceAndCarriesGroups() {
        ObjectNode realm = RealmTemplates.tenantRealm(acme(false), secretsFor(acme(false)));
        JsonNode scope = null;
        for (JsonNode candidate : realm.path("clientScopes")) {
            if ("lakeward".equals(candidate.path("name").asText())) {
                scope = candidate;
            }
        }
        assertTrue(scope != null, "the lakeward client scope exists");
        Map<String, JsonNode> mappers = new java.util.HashMap<>();
        scope.path("protocolMappers").forEach(mapper -> mappers.put(mapper.path("protocolMapper").asText(), mapper.path("config")));
        assertEquals("lakeward-gateway", mappers.get("oidc-audience-mapper").path("included.client.audience").asText());
        assertEquals("true", mappers.get("oidc-audience-mapper").path("access.token.claim").asText());
        assertEquals("groups", mappers.get("oidc-group-membership-mapper").path("claim.name").asText());
    }

    @Test
    void withoutDemoUsersOnlyTheServiceAccountRemains() {
        ObjectNode realm = RealmTemplates.tenantRealm(acme(false), secretsFor(acme(false)));
        assertEquals(List.of("service-account-lakeward-automation"), texts(realm.path("users"), "username"));
        assertEquals(List.of("admin", "engineer", "auditor", "viewer"), RealmTemplates.tenantDemoUsers());
    }

    @Test
    void demoUsersHaveOneRoleAndOneGroupEach() {
        ObjectNode realm = RealmTemplates.tenantRealm(acme(true), secretsFor(acme(true)));
        Map<String, List<String>> expected = Map.of(
                "admin", List.of("tenant-admin", "/admins"),
                "engineer", List.of("workspace-user", "/data-engineers"),
                "auditor", List.of("auditor", "/auditors"),
                "viewer", List.of("viewer", "/analysts"));
        expected.forEach((username, roleAndGroup) -> {
            JsonNode user = user(realm, username);
            assertEquals(List.of(roleAndGroup.get(0)), texts(user.path("realmRoles")), username);
            assertEquals(List.of(roleAndGroup.get(1)), texts(user.path("groups")), username);
            assertFalse(user.path("credentials").get(0).path("temporary").asBoolean());
            assertTrue(user.path("emailVerified").asBoolean());
        });
    }

    @Test
    void userInputCannotAddJsonStructure() throws Exception {
        String hostile = "Evil\", \"sslRequired\": \"none\", \"x\": \"";
        TenantRealmSpec spec = TenantRealmSpec.of("evil", hostile, "https://evil.lakeward.localhost:9443", false);
        ObjectNode realm = RealmTemplates.tenantRealm(spec, secretsFor(spec));

        assertEquals(hostile, realm.path("displayName").asText(), "the value stays one string");
        assertEquals("all", realm.path("sslRequired").asText());
        assertFalse(realm.has("x"));
        JsonNode reparsed = JSON.readTree(JSON.writeValueAsString(realm));
        assertEquals(hostile, reparsed.path("displayName").asText());
        assertEquals("all", reparsed.path("sslRequired").asText());
    }

    @Test
    void placeholdersInsideValuesAreNotExpanded() {
        TenantRealmSpec spec = TenantRealmSpec.of("sneaky", "{{gatewayClientSecret}}", "https://sneaky.lakeward.localhost:9443", false);
        RealmSecrets secrets = secretsFor(spec);
        ObjectNode realm = RealmTemplates.tenantRealm(spec, secrets);
        assertEquals("{{gatewayClientSecret}}", realm.path("displayName").asText());
        assertFalse(realm.path("displayName").asText().contains(secrets.gatewayClientSecret().orElseThrow().reveal()));
    }

    @Test
    void unknownOrMalformedPlaceholdersFail() throws Exception {
        ObjectNode unknown = (ObjectNode) JSON.readTree("{\"realm\": \"{{tenantId}}\", \"other\": [\"x-{{nope}}\"]}");
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> RealmTemplates.render(unknown, Map.of("tenantId", "acme")));
        assertTrue(failure.getMessage().contains("{{nope}}"));
        assertTrue(failure.getMessage().contains("$.other[0]"));

        ObjectNode malformed = (ObjectNode) JSON.readTree("{\"realm\": \"{{ tenantId }}\"}");
        assertThrows(IllegalStateException.class, () -> RealmTemplates.render(malformed, Map.of("tenantId", "acme")));

        ObjectNode inName = (ObjectNode) JSON.readTree("{\"{{tenantId}}\": \"x\"}");
        assertThrows(IllegalStateException.class, () -> RealmTemplates.render(inName, Map.of("tenantId", "acme")));
    }

    @Test
    void secretsOfAnotherRealmAreRefused() {
        RealmSecrets other = RealmSecrets.generate("globex", true, List.of());
        assertThrows(IllegalArgumentException.class, () -> RealmTemplates.tenantRealm(acme(false), other));
        RealmSecrets withoutGateway = new RealmSecrets("acme", Optional.empty(), other.automationClientSecret(), Map.of());
        assertThrows(IllegalArgumentException.class, () -> RealmTemplates.tenantRealm(acme(false), withoutGateway));
    }

    @Test
    void platformRealmHasTheOperator() throws Exception {
        RealmSecrets secrets = RealmSecrets.generate("lakeward-platform", false, RealmTemplates.platformUsers());
        ObjectNode realm = RealmTemplates.platformRealm(secrets);
        List<String> leftovers = new ArrayList<>();
        collectPlaceholders(realm, leftovers);
        assertEquals(List.of(), leftovers);
        assertEquals("lakeward-platform", realm.path("realm").asText());
        assertEquals("all", realm.path("sslRequired").asText());
        assertEquals(List.of("platform-operator"), names(realm.path("roles").path("realm")));
        assertEquals(List.of("platform-operator"), texts(user(realm, "operator").path("realmRoles")));
        assertEquals(List.of("operator"), RealmTemplates.platformUsers());
    }

    private static void collectPlaceholders(JsonNode node, List<String> found) {
        if (node.isTextual() && (node.textValue().contains("{{") || node.textValue().contains("}}"))) {
            found.add(node.textValue());
        }
        node.fieldNames().forEachRemaining(name -> {
            if (name.contains("{{")) {
                found.add(name);
            }
        });
        node.forEach(child -> collectPlaceholders(child, found));
    }

    private static JsonNode client(JsonNode realm, String clientId) {
        for (JsonNode client : realm.path("clients")) {
            if (clientId.equals(client.path("clientId").asText())) {
                return client;
            }
        }
        throw new AssertionError("no client " + clientId);
    }

    private static JsonNode user(JsonNode realm, String username) {
        for (JsonNode user : realm.path("users")) {
            if (username.equals(user.path("username").asText())) {
                return user;
            }
        }
        throw new AssertionError("no user " + username);
    }

    private static List<String> names(JsonNode array) {
        return texts(array, "name");
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.path(field).asText()));
        return values;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}

package io.lakeward.infra.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakeward.common.config.Secret;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Provisioning realms from the production templates on a real Keycloak: idempotence, recovery, content. */
class RealmProvisionerTest {
    @Test
    void provisioningTwiceKeepsTheFirstCredentials() throws Exception {
        RealmProvisioner provisioner = TestKeycloak.server().provisioner();
        TenantRealmSpec spec = freshTenant(false);
        Path secrets = TestKeycloak.secretsDirectory();

        ProvisionedRealm first = provisioner.ensureTenantRealm(spec, secrets);
        ProvisionedRealm second = provisioner.ensureTenantRealm(spec, secrets);

        assertTrue(first.firstProvisioning());
        assertFalse(second.firstProvisioning());
        assertEquals(first.automationClient(), second.automationClient());
        assertEquals(first.gatewayClient(), second.gatewayClient());
        assertEquals(Map.of(), second.userPasswords(), "no demo users were asked for");
        assertTrue(first.automationClient().secret().reveal().length() >= 24);
        assertEquals(secretOf(spec.realm(), "lakeward-gateway"), first.gatewayClient().orElseThrow().secret());
        assertEquals(secretOf(spec.realm(), "lakeward-automation"), first.automationClient().secret());

        Path file = RealmProvisioner.secretsFile(secrets, spec.realm());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
        assertTrue(Files.readString(file).contains(first.automationClient().secret().reveal()));
        try (var siblings = Files.list(secrets)) {
            assertTrue(siblings.noneMatch(path -> path.getFileName().toString().endsWith(".tmp")), "no temporary file is left behind");
        }
        assertEquals(List.of(), TestKeycloak.server().adminClient().users(spec.realm()), "no users but the (unlisted) service account");
    }

    @Test
    void aDeletedRealmIsCreatedAgainWithTheSameCredentials() throws Exception {
        RealmProvisioner provisioner = TestKeycloak.server().provisioner();
        KeycloakAdminClient admin = TestKeycloak.server().adminClient();
        TenantRealmSpec spec = freshTenant(false);
        ProvisionedRealm first = provisioner.ensureTenantRealm(spec, TestKeycloak.secretsDirectory());

        assertTrue(admin.deleteRealm(spec.realm()));
        assertFalse(admin.realmExists(spec.realm()));
        ProvisionedRealm again = provisioner.ensureTenantRealm(spec, TestKeycloak.secretsDirectory());

        assertTrue(admin.realmExists(spec.realm()));
        assertFalse(again.firstProvisioning());
        assertEquals(first.automationClient().secret(), secretOf(spec.realm(), "lakeward-automation"));
        assertEquals(200, clientCredentialsToken(again).statusCode(), "the stored secret works against the new realm");
    }

    @Test
    void aLostSecretsFileIsRecoveredFromKeycloak() throws Exception {
        RealmProvisioner provisioner = TestKeycloak.server().provisioner();
        TenantRealmSpec spec = freshTenant(true);
        Path secrets = TestKeycloak.secretsDirectory();
        ProvisionedRealm first = provisioner.ensureTenantRealm(spec, secrets);
        Files.delete(RealmProvisioner.secretsFile(secrets, spec.realm()));

        ProvisionedRealm recovered = provisioner.ensureTenantRealm(spec, secrets);

        assertTrue(recovered.firstProvisioning(), "new credentials were written");
        assertEquals(first.automationClient(), recovered.automationClient(), "client secrets are read back");
        assertEquals(first.gatewayClient(), recovered.gatewayClient());
        assertEquals(first.userPasswords().keySet(), recovered.userPasswords().keySet());
        assertFalse(first.userPasswords().get("admin").equals(recovered.userPasswords().get("admin")), "passwords are reset");
        assertTrue(Files.exists(RealmProvisioner.secretsFile(secrets, spec.realm())));
    }

    @Test
    void askingForDemoUsersOnARealmProvisionedWithoutThemFailsLoudly() throws Exception {
        RealmProvisioner provisioner = TestKeycloak.server().provisioner();
        TenantRealmSpec without = freshTenant(false);
        provisioner.ensureTenantRealm(without, TestKeycloak.secretsDirectory());
        TenantRealmSpec with = new TenantRealmSpec(without.tenantId(), without.displayName(), without.gatewayOrigin(), true);

        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> provisioner.ensureTenantRealm(with, TestKeycloak.secretsDirectory()));
        assertTrue(failure.getMessage().contains(without.realm()));
    }

    @Test
    void demoTenantHasTheTemplatesRolesGroupsAndUsers() throws Exception {
        ProvisionedRealm acme = TestKeycloak.acme();
        KeycloakAdminClient admin = TestKeycloak.server().adminClient();

        assertTrue(admin.realmRoles("acme").containsAll(List.of("tenant-admin", "workspace-user", "auditor", "viewer")));
        assertEquals(Set.of("admins", "data-engineers", "analysts", "auditors"),
                Set.copyOf(admin.groups("acme").stream().map(KeycloakAdminClient.Group::name).toList()));
        assertEquals(List.of("admin", "engineer", "auditor", "viewer"), List.copyOf(acme.userPasswords().keySet()));
        Map<String, List<String>> expected = Map.of(
                "admin", List.of("tenant-admin", "admins"),
                "engineer", List.of("workspace-user", "data-engineers"),
                "auditor", List.of("auditor", "auditors"),
                "viewer", List.of("viewer", "analysts"));
        for (var entry : expected.entrySet()) {
            KeycloakAdminClient.User user = admin.user("acme", entry.getKey()).orElseThrow();
            assertEquals(entry.getKey() + "@acme.example", user.email());
            assertTrue(user.enabled());
            assertEquals(List.of(entry.getValue().get(0)), admin.userRealmRoles("acme", user.id()), entry.getKey());
            assertEquals(List.of(entry.getValue().get(1)), admin.userGroups("acme", user.id()), entry.getKey());
        }
        for (Secret password : acme.userPasswords().values()) {
            assertTrue(password.reveal().length() >= 24);
        }
    }

    @Test
    void tenantRealmHasTheSecuritySettingsOfTheTemplate() throws Exception {
        TestKeycloak.acme();
        KeycloakAdminClient admin = TestKeycloak.server().adminClient();
        JsonNode realm = admin.realm("acme").orElseThrow();
        assertEquals("Acme Corporation", realm.path("displayName").asText());
        assertEquals("all", realm.path("sslRequired").asText());
        assertTrue(realm.path("bruteForceProtected").asBoolean());
        assertTrue(realm.path("eventsEnabled").asBoolean());
        assertTrue(realm.path("adminEventsEnabled").asBoolean());
        assertTrue(realm.path("adminEventsDetailsEnabled").asBoolean());
        assertTrue(realm.path("enabledEventTypes").toString().contains("LOGIN_ERROR"));
        assertEquals(300, realm.path("accessTokenLifespan").asInt());
        assertTrue(realm.path("passwordPolicy").asText().contains("length(12)"));

        JsonNode gateway = admin.client("acme", "lakeward-gateway").orElseThrow();
        assertEquals("S256", gateway.path("attributes").path("pkce.code.challenge.method").asText());
        assertTrue(gateway.path("standardFlowEnabled").asBoolean());
        assertFalse(gateway.path("implicitFlowEnabled").asBoolean());
        assertFalse(gateway.path("directAccessGrantsEnabled").asBoolean());
        assertFalse(gateway.path("serviceAccountsEnabled").asBoolean());
        assertFalse(gateway.path("publicClient").asBoolean());
        assertFalse(gateway.path("frontchannelLogout").asBoolean());
        assertEquals("[\"https://acme.lakeward.localhost:9443/oidc/callback\"]", gateway.path("redirectUris").toString());
        assertEquals("https://acme.lakeward.localhost:9443/oidc/backchannel-logout",
                gateway.path("attributes").path("backchannel.logout.url").asText());
        assertTrue(gateway.path("defaultClientScopes").toString().contains("\"lakeward\""));

        JsonNode adminCli = admin.client("acme", "admin-cli").orElseThrow();
        assertFalse(adminCli.path("enabled").asBoolean(), "tenant realms disable admin-cli");
        assertFalse(adminCli.path("directAccessGrantsEnabled").asBoolean());
    }

    @Test
    void platformRealmHasItsOperator() throws Exception {
        RealmProvisioner provisioner = TestKeycloak.server().provisioner();
        ProvisionedRealm platform = provisioner.ensurePlatformRealm(TestKeycloak.secretsDirectory());
        KeycloakAdminClient admin = TestKeycloak.server().adminClient();

        assertEquals("lakeward-platform", platform.realm());
        assertTrue(platform.gatewayClient().isEmpty());
        assertEquals(List.of("operator"), List.copyOf(platform.userPasswords().keySet()));
        KeycloakAdminClient.User operator = admin.user("lakeward-platform", "operator").orElseThrow();
        assertEquals(List.of("platform-operator"), admin.userRealmRoles("lakeward-platform", operator.id()));
        HttpResponse<String> token = clientCredentialsToken(platform);
        assertEquals(200, token.statusCode(), token.body());
    }

    @Test
    void aPoolOfFourRealmsIsCreatedInParallel() throws Exception {
        RealmProvisioner provisioner = TestKeycloak.server().provisioner();
        List<TenantRealmSpec> specs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            specs.add(freshTenant(false));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long started = System.nanoTime();
        try {
            List<Future<ProvisionedRealm>> realms = new ArrayList<>();
            for (TenantRealmSpec spec : specs) {
                realms.add(pool.submit(() -> provisioner.ensureTenantRealm(spec, TestKeycloak.secretsDirectory())));
            }
            for (Future<ProvisionedRealm> realm : realms) {
                assertTrue(realm.get().firstProvisioning());
            }
        } finally {
            pool.shutdownNow();
        }
        long took = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("RealmProvisionerTest: 4 realms created in parallel in %d ms%n", took);
        KeycloakAdminClient admin = TestKeycloak.server().adminClient();
        for (TenantRealmSpec spec : specs) {
            assertTrue(admin.realmExists(spec.realm()));
        }
    }

    static TenantRealmSpec freshTenant(boolean withDemoUsers) {
        String id = "t-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        return TenantRealmSpec.of(id, "Test tenant " + id, "https://" + id + ".lakeward.localhost:9443", withDemoUsers);
    }

    private static Secret secretOf(String realm, String clientId) throws Exception {
        return TestKeycloak.server().adminClient().clientSecret(realm, clientId).orElseThrow();
    }

    private static HttpResponse<String> clientCredentialsToken(ProvisionedRealm realm) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(TestKeycloak.sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
        String form = "grant_type=client_credentials&client_id=lakeward-automation&client_secret="
                + URLEncoder.encode(realm.automationClient().secret().reveal(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(realm.tokenEndpoint())
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}

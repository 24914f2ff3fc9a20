package io.lakeward.workspace.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.common.config.Secret;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.infra.keycloak.KeycloakAdminClient;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import io.lakeward.infra.keycloak.RealmProvisioner;
import io.lakeward.infra.keycloak.RealmSecrets;
import io.lakeward.testing.keycloak.TestingKeycloak;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The Keycloak directory against the real Keycloak of {@link TestingKeycloak}. Each test takes its
 * own tenants: fresh ids for provisioning, realms of a pool (with the demo users) for membership;
 * the shared demo realms are never changed.
 */
class KeycloakIdentityDirectoryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestingKeycloak keycloak;
    private static KeycloakAdminClient admin;
    private static KeycloakIdentityDirectory directory;
    private static TestingKeycloak.TenantRealmPool demoTenants;

    @BeforeAll
    static void startKeycloak() {
        keycloak = TestingKeycloak.get();
        admin = keycloak.adminClient();
        directory = new KeycloakIdentityDirectory(admin, keycloak.provisioner(), keycloak.secretsDirectory());
        demoTenants = keycloak.tenantRealmPool(8, TestingKeycloak.DEFAULT_GATEWAY_PORT, true);
    }

    @Test
    void provisionsAFreshTenantWhoseIssuerServesItsDiscoveryDocument() throws Exception {
        TenantId tenant = freshTenantId();

        ProvisionedIdentity identity = directory.provisionTenant(tenant, "Fresh Tenant", gatewayOrigin(tenant));

        assertTrue(directory.managed());
        assertEquals(tenant, identity.tenantId());
        assertEquals(tenant.value(), identity.realm());
        assertEquals(keycloak.issuer(tenant.value()), identity.issuer());
        HttpResponse<String> discovery = get(identity.discoveryDocument());
        assertEquals(200, discovery.statusCode());
        JsonNode document = JSON.readTree(discovery.body());
        assertEquals(identity.issuer().toString(), document.path("issuer").asText());
        assertTrue(document.path("token_endpoint").asText().startsWith(identity.issuer() + "/"));

        assertEquals(List.of(), directory.users(tenant), "no demo users");
        assertEquals(Set.of("admins", "data-engineers", "analysts", "auditors"), Set.copyOf(directory.groups(tenant)), "the template's groups");
        assertTrue(Set.copyOf(admin.realmRoles(tenant.value())).containsAll(
                Set.of("tenant-admin", "workspace-user", "auditor", "viewer")), "the template's roles");
        assertEquals("Fresh Tenant", admin.realm(tenant.value()).orElseThrow().path("displayName").asText());
    }

    @Test
    void provisioningIsIdempotentAlsoWhenConcurrent() throws Exception {
        TenantId tenant = freshTenantId();
        ExecutorService executor = Executors.newFixedThreadPool(4);
        List<ProvisionedIdentity> results = new ArrayList<>();
        try {
            List<Future<ProvisionedIdentity>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(executor.submit(() -> directory.provisionTenant(tenant, "Concurrent Tenant", gatewayOrigin(tenant))));
            }
            for (Future<ProvisionedIdentity> future : futures) {
                results.add(future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
        } finally {
            executor.shutdownNow();
        }
        String automationSecret = admin.clientSecret(tenant.value(), RealmProvisioner.AUTOMATION_CLIENT).orElseThrow().reveal();

        ProvisionedIdentity again = directory.provisionTenant(tenant, "Another Name Is Ignored", gatewayOrigin(tenant));

        assertEquals(Set.of(again), Set.copyOf(results), "every call answers the same directory");
        assertEquals("Concurrent Tenant", admin.realm(tenant.value()).orElseThrow().path("displayName").asText(), "an existing realm is kept");
        assertEquals(automationSecret, admin.clientSecret(tenant.value(), RealmProvisioner.AUTOMATION_CLIENT).orElseThrow().reveal());
        RealmSecrets stored = RealmSecrets.read(RealmProvisioner.secretsFile(keycloak.secretsDirectory(), tenant.value()));
        assertEquals(automationSecret, stored.automationClientSecret().reveal(), "the stored credentials are the realm's");
        assertEquals(List.of(), directory.users(tenant));
    }

    @Test
    void provisioningChecksItsInput() {
        TenantId tenant = freshTenantId();
        assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> directory.provisionTenant(tenant, " ", gatewayOrigin(tenant)));
        assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> directory.provisionTenant(tenant, "Name", URI.create("http://plain.example")));
        assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> directory.provisionTenant(tenant, "Name", null));
        assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> directory.users(tenant), "nothing was created");
    }

    @Test
    void deletingATenantRemovesItsRealmAndItsCredentials() throws Exception {
        TenantId tenant = freshTenantId();
        directory.provisionTenant(tenant, "Short-lived Tenant", gatewayOrigin(tenant));
        Path secrets = RealmProvisioner.secretsFile(keycloak.secretsDirectory(), tenant.value());
        String firstSecret = RealmSecrets.read(secrets).automationClientSecret().reveal();

        directory.deleteTenant(tenant);

        assertFalse(admin.realmExists(tenant.value()));
        assertFalse(Files.exists(secrets), "a tenant created again must not get the old secrets");
        assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> directory.users(tenant));
        assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> directory.groups(tenant));
        directory.deleteTenant(tenant);

        directory.provisionTenant(tenant, "Short-lived Tenant", gatewayOrigin(tenant));
        assertNotEquals(firstSecret, admin.clientSecret(tenant.value(), RealmProvisioner.AUTOMATION_CLIENT).orElseThrow().reveal());
        directory.deleteTenant(tenant);
    }

    @Test
    void listsTheUsersOfATenantWithTheirGroupsAndRoles() {
        ProvisionedRealm realm = demoTenants.take();
        TenantId tenant = TenantId.of(realm.realm());

        List<DirectoryUser> users = directory.users(tenant);

        Map<String, DirectoryUser> byName = users.stream().collect(Collectors.toMap(DirectoryUser::username, Function.identity()));
        assertEquals(Set.of("admin", "engineer", "auditor", "viewer"), byName.keySet(), "people only: no service account");
        DirectoryUser adminUser = byName.get("admin");
        assertEquals("admin@" + tenant + ".example", adminUser.email().orElseThrow());
        assertTrue(adminUser.enabled());
        assertEquals(adminUser, directory.user(tenant, adminUser.id()).orElseThrow());
        assertEquals(Set.of("admins"), directory.groupsOf(tenant, adminUser.id()));
        assertEquals(Set.of("tenant-admin"), directory.realmRolesOf(tenant, adminUser.id()), "tenant roles only, not Keycloak's defaults");
        assertEquals(Set.of("data-engineers"), directory.groupsOf(tenant, byName.get("engineer").id()));
        assertEquals(Set.of("workspace-user"), directory.realmRolesOf(tenant, byName.get("engineer").id()));
        assertEquals(Set.of("auditor"), directory.realmRolesOf(tenant, byName.get("auditor").id()));
    }

    @Test
    void membershipChangesAreVisibleOnTheNextRead() {
        TenantId tenant = TenantId.of(demoTenants.take().realm());
        String viewer = userId(tenant, "viewer");
        assertEquals(Set.of("analysts"), directory.groupsOf(tenant, viewer));
        assertEquals(Set.of("viewer"), directory.realmRolesOf(tenant, viewer));

        directory.addToGroup(tenant, viewer, "data-engineers");
        assertEquals(Set.of("analysts", "data-engineers"), directory.groupsOf(tenant, viewer));
        directory.addToGroup(tenant, viewer, "data-engineers");
        assertEquals(Set.of("analysts", "data-engineers"), directory.groupsOf(tenant, viewer), "adding twice is adding once");

        directory.grantRole(tenant, viewer, "workspace-user");
        assertEquals(Set.of("viewer", "workspace-user"), directory.realmRolesOf(tenant, viewer));
        directory.grantRole(tenant, viewer, "workspace-user");
        assertEquals(Set.of("viewer", "workspace-user"), directory.realmRolesOf(tenant, viewer));

        directory.removeFromGroup(tenant, viewer, "data-engineers");
        assertEquals(Set.of("analysts"), directory.groupsOf(tenant, viewer));
        directory.removeFromGroup(tenant, viewer, "data-engineers");
        assertEquals(Set.of("analysts"), directory.groupsOf(tenant, viewer), "removing a non-member changes nothing");

        directory.revokeRole(tenant, viewer, "workspace-user");
        assertEquals(Set.of("viewer"), directory.realmRolesOf(tenant, viewer));
        directory.revokeRole(tenant, viewer, "viewer");
        assertEquals(Set.of(), directory.realmRolesOf(tenant, viewer));
        directory.revokeRole(tenant, viewer, "viewer");
        assertEquals(Set.of(), directory.realmRolesOf(tenant, viewer));

        String engineer = userId(tenant, "engineer");
        assertEquals(Set.of("data-engineers"), directory.groupsOf(tenant, engineer), "another user is untouched");
        assertEquals(Set.of("workspace-user"), directory.realmRolesOf(tenant, engineer));
    }

    @Test
    void aUserOfAnotherTenantDoesNotExist() {
        TenantId tenantA = TenantId.of(demoTenants.take().realm());
        TenantId tenantB = TenantId.of(demoTenants.take().realm());
        String adminOfA = userId(tenantA, "admin");

        assertTrue(directory.user(tenantB, adminOfA).isEmpty());
        List<Executable> calls = List.of(
                () -> directory.groupsOf(tenantB, adminOfA),
                () -> directory.realmRolesOf(tenantB, adminOfA),
                () -> directory.addToGroup(tenantB, adminOfA, "admins"),
                () -> directory.removeFromGroup(tenantB, adminOfA, "admins"),
                () -> directory.grantRole(tenantB, adminOfA, "tenant-admin"),
                () -> directory.revokeRole(tenantB, adminOfA, "tenant-admin"));
        for (Executable call : calls) {
            LakewardException failure = assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, call);
            assertFalse(failure.getMessage().contains(adminOfA), failure.getMessage());
            assertFalse(failure.getMessage().contains(tenantA.value()), failure.getMessage());
        }
        assertEquals(Set.of("admins"), directory.groupsOf(tenantA, adminOfA), "tenant A's user is unchanged");
        assertEquals(Set.of("tenant-admin"), directory.realmRolesOf(tenantA, adminOfA));
        assertEquals(Set.of("admins"), directory.groupsOf(tenantB, userId(tenantB, "admin")), "tenant B's admin is unchanged");
    }

    @Test
    void unknownUsersAndGroupsDoNotExist() {
        TenantId tenant = TenantId.of(demoTenants.take().realm());
        String engineer = userId(tenant, "engineer");
        for (String unknown : List.of(UUID.randomUUID().toString(), "../../master/users", "a b", "x".repeat(200))) {
            assertTrue(directory.user(tenant, unknown).isEmpty(), unknown);
            assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> directory.groupsOf(tenant, unknown));
            assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> directory.realmRolesOf(tenant, unknown));
            assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> directory.addToGroup(tenant, unknown, "admins"));
            assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> directory.grantRole(tenant, unknown, "viewer"));
        }
        for (String unknown : List.of("no-such-group", "Admins", "/admins", "admin")) {
            assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> directory.addToGroup(tenant, engineer, unknown));
            assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> directory.removeFromGroup(tenant, engineer, unknown));
        }
        assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> directory.addToGroup(tenant, engineer, " "));
        assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> directory.groupsOf(tenant, ""));
        assertEquals(Set.of("data-engineers"), directory.groupsOf(tenant, engineer));
    }

    @Test
    void onlyTenantRolesCanBeGrantedOrRevoked() throws Exception {
        TenantId tenant = TenantId.of(demoTenants.take().realm());
        String viewer = userId(tenant, "viewer");
        List<String> notTenantRoles = List.of("admin", "Tenant-Admin", "offline_access", "uma_authorization", "default-roles-" + tenant, "");
        for (String role : notTenantRoles) {
            assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> directory.grantRole(tenant, viewer, role));
            assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> directory.revokeRole(tenant, viewer, role));
        }
        assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> directory.grantRole(tenant, viewer, null));
        assertEquals(Set.of("viewer"), directory.realmRolesOf(tenant, viewer));
        assertTrue(admin.realmRoles(tenant.value()).contains("default-roles-" + tenant), "a role of the realm, yet not a tenant role");
    }

    @Test
    void theServiceAccountIsNotADirectoryUser() throws Exception {
        TenantId tenant = TenantId.of(demoTenants.take().realm());
        String serviceAccount = admin.user(tenant.value(), KeycloakAdminClient.SERVICE_ACCOUNT_PREFIX + RealmProvisioner.AUTOMATION_CLIENT).orElseThrow().id();

        assertTrue(directory.user(tenant, serviceAccount).isEmpty());
        assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> directory.grantRole(tenant, serviceAccount, "tenant-admin"));
        assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> directory.addToGroup(tenant, serviceAccount, "admins"));
        assertEquals(List.of("workspace-user"), admin.userRealmRoles(tenant.value(), serviceAccount).stream()
                .filter(role -> TenantRole.find(role).isPresent()).toList());
    }

    @Test
    void keycloakAndPlatformRealmsAreNeverReachable() throws Exception {
        for (String reserved : List.of("master", RealmProvisioner.PLATFORM_REALM)) {
            TenantId tenant = TenantId.of(reserved);
            List<Executable> calls = List.of(
                    () -> directory.provisionTenant(tenant, "Reserved", URI.create("https://reserved.lakeward.localhost:9443")),
                    () -> directory.deleteTenant(tenant),
                    () -> directory.users(tenant),
                    () -> directory.user(tenant, UUID.randomUUID().toString()),
                    () -> directory.groups(tenant),
                    () -> directory.groupsOf(tenant, UUID.randomUUID().toString()),
                    () -> directory.realmRolesOf(tenant, UUID.randomUUID().toString()),
                    () -> directory.addToGroup(tenant, UUID.randomUUID().toString(), "admins"),
                    () -> directory.removeFromGroup(tenant, UUID.randomUUID().toString(), "admins"),
                    () -> directory.grantRole(tenant, UUID.randomUUID().toString(), "tenant-admin"),
                    () -> directory.revokeRole(tenant, UUID.randomUUID().toString(), "tenant-admin"));
            for (Executable call : calls) {
                assertError(ErrorCode.INVALID_PARAMETER_VALUE, call);
            }
        }
        assertTrue(admin.realmExists("master"));
    }

    @Test
    void aFailingIdentityProviderIsTemporarilyUnavailableWithoutDetails() throws Exception {
        TenantId tenant = TenantId.of(demoTenants.take().realm());
        String wrongPassword = "wrong-password-" + hex(8);
        KeycloakAdminClient rejected = new KeycloakAdminClient(keycloak.serverUrl(), keycloak.caCertificatePem(), "lakeward-admin",
                Secret.of(wrongPassword), Duration.ofSeconds(10));
        KeycloakAdminClient unreachable = new KeycloakAdminClient(URI.create("https://" + TestingKeycloak.HOSTNAME + ":" + closedPort()),
                keycloak.caCertificatePem(), "lakeward-admin", Secret.of(wrongPassword), Duration.ofSeconds(10));

        for (KeycloakAdminClient failing : List.of(rejected, unreachable)) {
            IdentityDirectory broken = new KeycloakIdentityDirectory(failing, new RealmProvisioner(failing, keycloak.serverUrl()),
                    keycloak.secretsDirectory());
            List<Executable> calls = List.of(
                    () -> broken.users(tenant),
                    () -> broken.user(tenant, UUID.randomUUID().toString()),
                    () -> broken.groupsOf(tenant, UUID.randomUUID().toString()),
                    () -> broken.grantRole(tenant, UUID.randomUUID().toString(), "viewer"),
                    () -> broken.provisionTenant(freshTenantId(), "Never Created", URI.create("https://never.lakeward.localhost:9443")));
            for (Executable call : calls) {
                LakewardException failure = assertError(ErrorCode.TEMPORARILY_UNAVAILABLE, call);
                assertEquals("the identity provider is unavailable; try again later", failure.getMessage());
            }
        }
        assertEquals(4, directory.users(tenant).size(), "the working directory still answers");
    }

    private static String userId(TenantId tenant, String username) {
        return directory.users(tenant).stream().filter(user -> user.username().equals(username)).findFirst().orElseThrow().id();
    }

    private static LakewardException assertError(ErrorCode code, Executable call) {
        return assertError(code, call, null);
    }

    private static LakewardException assertError(ErrorCode code, Executable call, String message) {
        LakewardException failure = assertThrows(LakewardException.class, call, message);
        assertEquals(code, failure.code(), () -> failure.code() + ": " + failure.getMessage());
        return failure;
    }

    private static TenantId freshTenantId() {
        return TenantId.of("dir-" + hex(4));
    }

    private static URI gatewayOrigin(TenantId tenant) {
        return URI.create("https://" + tenant + "." + TestingKeycloak.BASE_DOMAIN + ":" + TestingKeycloak.DEFAULT_GATEWAY_PORT);
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(keycloak.sslContext()).connectTimeout(TIMEOUT).build();
        return http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}

package io.lakeward.infra.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin calls for users by id, groups by name, group membership and realm-role mappings, on a real Keycloak. */
class KeycloakAdminClientMembershipTest {
    private static KeycloakAdminClient admin;

    @BeforeAll
    static void signIn() throws Exception {
        admin = TestKeycloak.server().adminClient();
    }

    @Test
    void findsPeopleByIdButNotServiceAccounts() throws Exception {
        String realm = freshRealm();
        KeycloakAdminClient.User engineer = admin.user(realm, "engineer").orElseThrow();
        KeycloakAdminClient.User serviceAccount = admin.user(realm, KeycloakAdminClient.SERVICE_ACCOUNT_PREFIX + RealmProvisioner.AUTOMATION_CLIENT)
                .orElseThrow();

        assertEquals(Optional.of(engineer), admin.userById(realm, engineer.id()));
        assertEquals(Optional.empty(), admin.userById(realm, serviceAccount.id()), "as in the users list");
        assertEquals(Optional.empty(), admin.userById(realm, UUID.randomUUID().toString()));
        assertEquals(Optional.empty(), admin.userById(freshRealm(), engineer.id()), "a user id of another realm");
        assertThrows(IllegalArgumentException.class, () -> admin.userById(realm, "../users"));
    }

    @Test
    void findsTopLevelGroupsByExactName() throws Exception {
        String realm = freshRealm();

        KeycloakAdminClient.Group admins = admin.group(realm, "admins").orElseThrow();

        assertEquals("/admins", admins.path());
        assertTrue(admin.groups(realm).contains(admins));
        for (String notAGroup : List.of("admin", "ADMINS", "dmins", "/admins", "*", "admins&max=1")) {
            assertEquals(Optional.empty(), admin.group(realm, notAGroup), notAGroup);
        }
    }

    @Test
    void changesGroupMembershipIdempotently() throws Exception {
        String realm = freshRealm();
        String engineer = admin.user(realm, "engineer").orElseThrow().id();
        String auditors = admin.group(realm, "auditors").orElseThrow().id();

        admin.addUserToGroup(realm, engineer, auditors);
        admin.addUserToGroup(realm, engineer, auditors);
        assertEquals(List.of("auditors", "data-engineers"), admin.userGroups(realm, engineer).stream().sorted().toList());

        admin.removeUserFromGroup(realm, engineer, auditors);
        admin.removeUserFromGroup(realm, engineer, auditors);
        assertEquals(List.of("data-engineers"), admin.userGroups(realm, engineer));

        KeycloakAdminException unknownGroup = assertThrows(KeycloakAdminException.class,
                () -> admin.addUserToGroup(realm, engineer, UUID.randomUUID().toString()));
        assertEquals(404, unknownGroup.statusCode());
        KeycloakAdminException unknownUser = assertThrows(KeycloakAdminException.class,
                () -> admin.addUserToGroup(realm, UUID.randomUUID().toString(), auditors));
        assertEquals(404, unknownUser.statusCode());
    }

    @Test
    void mapsRealmRolesDirectly() throws Exception {
        String realm = freshRealm();
        String viewer = admin.user(realm, "viewer").orElseThrow().id();
        KeycloakAdminClient.Role auditor = admin.realmRole(realm, "auditor").orElseThrow();
        assertEquals("auditor", auditor.name());
        assertEquals(Optional.empty(), admin.realmRole(realm, "no-such-role"));

        admin.addUserRealmRole(realm, viewer, auditor);
        admin.addUserRealmRole(realm, viewer, auditor);
        assertEquals(List.of("auditor", "viewer"), admin.userRealmRoles(realm, viewer).stream().sorted().toList());
        assertTrue(admin.userEffectiveRealmRoles(realm, viewer).containsAll(List.of("auditor", "viewer")));

        admin.removeUserRealmRole(realm, viewer, auditor);
        admin.removeUserRealmRole(realm, viewer, auditor);
        assertEquals(List.of("viewer"), admin.userRealmRoles(realm, viewer));
        assertFalse(admin.userEffectiveRealmRoles(realm, viewer).contains("auditor"));

        KeycloakAdminException wrongId = assertThrows(KeycloakAdminException.class,
                () -> admin.addUserRealmRole(realm, viewer, new KeycloakAdminClient.Role(UUID.randomUUID().toString(), "auditor")));
        assertEquals(404, wrongId.statusCode(), "Keycloak checks the id against the name");
        assertEquals(List.of("viewer"), admin.userRealmRoles(realm, viewer));
    }

    @Test
    void effectiveRolesHoldTheDirectOnesAndNeedAUser() throws Exception {
        String realm = freshRealm();
        String engineer = admin.user(realm, "engineer").orElseThrow().id();

        assertTrue(admin.userEffectiveRealmRoles(realm, engineer).containsAll(admin.userRealmRoles(realm, engineer)));
        assertEquals(404, assertThrows(KeycloakAdminException.class,
                () -> admin.userEffectiveRealmRoles(realm, UUID.randomUUID().toString())).statusCode());
    }

    private static String freshRealm() throws Exception {
        TenantRealmSpec spec = RealmProvisionerTest.freshTenant(true);
        return TestKeycloak.server().provisioner().ensureTenantRealm(spec, TestKeycloak.secretsDirectory()).realm();
    }
}

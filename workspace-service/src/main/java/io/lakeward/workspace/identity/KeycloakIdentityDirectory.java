package io.lakeward.workspace.identity;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.infra.keycloak.KeycloakAdminClient;
import io.lakeward.infra.keycloak.KeycloakAdminException;
import io.lakeward.infra.keycloak.ProvisionedRealm;
import io.lakeward.infra.keycloak.RealmProvisioner;
import io.lakeward.infra.keycloak.TenantRealmSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link IdentityDirectory} of tenants whose directory is a realm of the platform's Keycloak,
 * named by the tenant id, created by {@link RealmProvisioner} from the tenant template and managed
 * through {@link KeycloakAdminClient}. Keycloak's own realm {@code master} and the platform realm
 * {@value RealmProvisioner#PLATFORM_REALM} are never reached: naming them is
 * {@code INVALID_PARAMETER_VALUE}.
 *
 * <p>Each method makes at most three admin calls (and a sign-in when the admin token is due),
 * each bounded by the admin client's timeout. A write is visible to the next read. Service-account
 * users (the automation client's; Keycloak names them {@code service-account-<client>}) are not
 * directory users: they are not listed, not found by id and not changed here.
 *
 * <p>Deleting a tenant deletes its realm and then its stored client credentials, so that a tenant
 * created again under the same id never gets the old secrets. Provisioning and deleting the same
 * tenant are serialized within this instance (the provisioner requires one caller per realm).
 */
public final class KeycloakIdentityDirectory implements IdentityDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(KeycloakIdentityDirectory.class);

    /** What Keycloak ids look like (UUIDs), and all the admin client lets into a URL path. */
    private static final Pattern DIRECTORY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final int MAXIMUM_GROUP_NAME_LENGTH = 255;
    private static final String UNAVAILABLE = "the identity provider is unavailable; try again later";

    private final KeycloakAdminClient admin;
    private final RealmProvisioner provisioner;
    private final Path secretsDirectory;
    // one lock object per tenant provisioned or deleted through this instance; tenants are few
    private final ConcurrentMap<TenantId, Object> provisioningLocks = new ConcurrentHashMap<>();

    /**
     * @param admin signed in to Keycloak's master realm; its timeout bounds every call
     * @param provisioner the platform's realm provisioner against the same Keycloak
     * @param secretsDirectory where the provisioner keeps each realm's generated credentials
     */
    public KeycloakIdentityDirectory(KeycloakAdminClient admin, RealmProvisioner provisioner, Path secretsDirectory) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.provisioner = Objects.requireNonNull(provisioner, "provisioner");
        this.secretsDirectory = Objects.requireNonNull(secretsDirectory, "secretsDirectory");
    }

    @Override
    public boolean managed() {
        return true;
    }

    @Override
    public ProvisionedIdentity provisionTenant(TenantId tenantId, String displayName, URI gatewayOrigin) {
        realmOf(tenantId);
        if (gatewayOrigin == null) {
            throw LakewardException.invalidParameter("a tenant needs a gateway origin");
        }
        TenantRealmSpec spec;
        try {
            spec = new TenantRealmSpec(tenantId, displayName, gatewayOrigin, false);
        } catch (IllegalArgumentException e) {
            // the messages name the rule broken and repeat only the caller's own input
            throw LakewardException.invalidParameter(e.getMessage());
        }
        synchronized (lockOf(tenantId)) {
            try {
                ProvisionedRealm realm = provisioner.ensureTenantRealm(spec, secretsDirectory);
                return new ProvisionedIdentity(tenantId, realm.realm(), realm.issuer());
            } catch (IOException e) {
                throw unavailable("provisioning the directory", tenantId, e);
            } catch (IllegalStateException e) {
                // e.g. the realm was provisioned before with demo users; the message names files
                LOG.error("Tenant {}: its directory cannot be provisioned: {}", tenantId, e.getMessage());
                throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the tenant's directory cannot be provisioned; see the server log", e);
            }
        }
    }

    @Override
    public void deleteTenant(TenantId tenantId) {
        String realm = realmOf(tenantId);
        synchronized (lockOf(tenantId)) {
            boolean deleted = call(tenantId, "deleting the directory", () -> admin.deleteRealm(realm), KeycloakIdentityDirectory::noDirectory);
            Path secrets = RealmProvisioner.secretsFile(secretsDirectory, realm);
            try {
                Files.deleteIfExists(secrets);
            } catch (IOException e) {
                LOG.error("Tenant {}: its realm is deleted but its credentials file {} is not: {}", tenantId, secrets, e.toString());
                throw new LakewardException(ErrorCode.INTERNAL_ERROR,
                        "the tenant's directory is deleted but its stored credentials are not; delete the tenant again", e);
            }
            if (deleted) {
                LOG.info("Tenant {}: deleted its directory (realm and credentials)", tenantId);
            }
        }
    }

    @Override
    public List<DirectoryUser> users(TenantId tenantId) {
        String realm = realmOf(tenantId);
        return call(tenantId, "listing users", () -> admin.users(realm), KeycloakIdentityDirectory::noDirectory).stream()
                .map(KeycloakIdentityDirectory::toDirectoryUser)
                .toList();
    }

    @Override
    public Optional<DirectoryUser> user(TenantId tenantId, String userId) {
        String realm = realmOf(tenantId);
        checkUserIdGiven(userId);
        if (!DIRECTORY_ID.matcher(userId).matches()) {
            return Optional.empty();
        }
        return call(tenantId, "reading a user", () -> admin.userById(realm, userId), KeycloakIdentityDirectory::noSuchUser)
                .map(KeycloakIdentityDirectory::toDirectoryUser);
    }

    @Override
    public List<String> groups(TenantId tenantId) {
        String realm = realmOf(tenantId);
        return call(tenantId, "listing groups", () -> admin.groups(realm), KeycloakIdentityDirectory::noDirectory).stream()
                .map(KeycloakAdminClient.Group::name)
                .toList();
    }

    @Override
    public Set<String> groupsOf(TenantId tenantId, String userId) {
        String realm = realmOf(tenantId);
        requireUser(tenantId, realm, userId);
        return Set.copyOf(call(tenantId, "reading a user's groups", () -> admin.userGroups(realm, userId), KeycloakIdentityDirectory::noSuchUser));
    }

    @Override
    public Set<String> realmRolesOf(TenantId tenantId, String userId) {
        String realm = realmOf(tenantId);
        requireUser(tenantId, realm, userId);
        List<String> effective = call(tenantId, "reading a user's roles", () -> admin.userEffectiveRealmRoles(realm, userId),
                KeycloakIdentityDirectory::noSuchUser);
        // Keycloak's own roles (default-roles-<realm>, offline_access, ...) are not tenant roles
        return effective.stream().filter(name -> TenantRole.find(name).isPresent()).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void addToGroup(TenantId tenantId, String userId, String group) {
        String realm = realmOf(tenantId);
        checkGroupGiven(group);
        requireUser(tenantId, realm, userId);
        String groupId = requireGroup(tenantId, realm, group);
        call(tenantId, "adding a user to a group", () -> {
            admin.addUserToGroup(realm, userId, groupId);
            return null;
        }, KeycloakIdentityDirectory::noSuchUser);
    }

    @Override
    public void removeFromGroup(TenantId tenantId, String userId, String group) {
        String realm = realmOf(tenantId);
        checkGroupGiven(group);
        requireUser(tenantId, realm, userId);
        String groupId = requireGroup(tenantId, realm, group);
        call(tenantId, "removing a user from a group", () -> {
            admin.removeUserFromGroup(realm, userId, groupId);
            return null;
        }, KeycloakIdentityDirectory::noSuchUser);
    }

    @Override
    public void grantRole(TenantId tenantId, String userId, String role) {
        String realm = realmOf(tenantId);
        TenantRole tenantRole = TenantRole.of(role);
        requireUser(tenantId, realm, userId);
        KeycloakAdminClient.Role realmRole = requireRole(tenantId, realm, tenantRole);
        call(tenantId, "granting a role", () -> {
            admin.addUserRealmRole(realm, userId, realmRole);
            return null;
        }, KeycloakIdentityDirectory::noSuchUser);
    }

    @Override
    public void revokeRole(TenantId tenantId, String userId, String role) {
        String realm = realmOf(tenantId);
        TenantRole tenantRole = TenantRole.of(role);
        requireUser(tenantId, realm, userId);
        KeycloakAdminClient.Role realmRole = requireRole(tenantId, realm, tenantRole);
        call(tenantId, "revoking a role", () -> {
            admin.removeUserRealmRole(realm, userId, realmRole);
            return null;
        }, KeycloakIdentityDirectory::noSuchUser);
    }

    /** The tenant's realm: the tenant id, unless that names a realm that is not a tenant's. */
    private static String realmOf(TenantId tenantId) {
        Objects.requireNonNull(tenantId, "tenantId");
        if (TenantRealmSpec.RESERVED_REALMS.contains(tenantId.value())) {
            throw LakewardException.invalidParameter("'" + tenantId + "' is reserved and is not a tenant");
        }
        return tenantId.value();
    }

    private void requireUser(TenantId tenantId, String realm, String userId) {
        checkUserIdGiven(userId);
        if (!DIRECTORY_ID.matcher(userId).matches()
                || call(tenantId, "reading a user", () -> admin.userById(realm, userId), KeycloakIdentityDirectory::noSuchUser).isEmpty()) {
            throw noSuchUser();
        }
    }

    private String requireGroup(TenantId tenantId, String realm, String group) {
        if (group.length() > MAXIMUM_GROUP_NAME_LENGTH || group.chars().anyMatch(Character::isISOControl)) {
            throw noSuchGroup();
        }
        return call(tenantId, "finding a group", () -> admin.group(realm, group), KeycloakIdentityDirectory::noDirectory)
                .orElseThrow(KeycloakIdentityDirectory::noSuchGroup)
                .id();
    }

    private KeycloakAdminClient.Role requireRole(TenantId tenantId, String realm, TenantRole role) {
        return call(tenantId, "finding a role", () -> admin.realmRole(realm, role.roleName()), KeycloakIdentityDirectory::noDirectory)
                .orElseThrow(() -> {
                    LOG.error("Tenant {}: its directory lacks the tenant role {}", tenantId, role.roleName());
                    return LakewardException.notFound("the role does not exist in this tenant's directory");
                });
    }

    private static void checkUserIdGiven(String userId) {
        if (userId == null || userId.isEmpty()) {
            throw LakewardException.invalidParameter("a user id is required");
        }
    }

    private static void checkGroupGiven(String group) {
        if (group == null || group.isBlank()) {
            throw LakewardException.invalidParameter("a group name is required");
        }
    }

    private Object lockOf(TenantId tenantId) {
        return provisioningLocks.computeIfAbsent(tenantId, id -> new Object());
    }

    /**
     * Runs one admin call: a 404 becomes {@code notFound} (the tenant's realm or the user is gone),
     * any other failure {@code TEMPORARILY_UNAVAILABLE}.
     */
    private static <T> T call(TenantId tenantId, String operation, AdminCall<T> call, Supplier<LakewardException> notFound) {
        try {
            return call.run();
        } catch (KeycloakAdminException e) {
            if (e.statusCode() == 404) {
                throw notFound.get();
            }
            throw unavailable(operation, tenantId, e);
        } catch (IOException e) {
            throw unavailable(operation, tenantId, e);
        }
    }

    private static LakewardException unavailable(String operation, TenantId tenantId, IOException e) {
        LOG.warn("Identity provider failed while {} of tenant {}: {}", operation, tenantId, e.toString());
        return LakewardException.unavailable(UNAVAILABLE, e);
    }

    private static LakewardException noDirectory() {
        return LakewardException.notFound("the tenant's directory does not exist");
    }

    private static LakewardException noSuchUser() {
        // the id is not repeated: it may be another tenant's
        return LakewardException.notFound("no such user in this tenant's directory");
    }

    private static LakewardException noSuchGroup() {
        return LakewardException.notFound("no such group in this tenant's directory");
    }

    private static DirectoryUser toDirectoryUser(KeycloakAdminClient.User user) {
        return new DirectoryUser(user.id(), user.username(), Optional.ofNullable(user.email()).filter(email -> !email.isEmpty()), user.enabled());
    }

    /** One call of the admin client. */
    @FunctionalInterface
    private interface AdminCall<T> {
        T run() throws IOException;
    }
}

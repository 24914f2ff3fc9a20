package io.lakeward.workspace.secret;

import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.Principal;
import io.lakeward.keyvault.keys.EnvelopeCipher;
import io.lakeward.metastore.secret.SecretAcl;
import io.lakeward.metastore.secret.SecretMetadata;
import io.lakeward.metastore.secret.SecretPermission;
import io.lakeward.metastore.secret.SecretScope;
import io.lakeward.metastore.secret.SecretStore;
import io.lakeward.metastore.secret.StoredSecret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of secrets (Databricks secrets API 2.0): scopes with ACLs ({@code READ} &lt;
 * {@code WRITE} &lt; {@code MANAGE}), values encrypted under the tenant's key with the tenant, scope
 * and key bound to each envelope, and limits. The tenant is always the caller's, from its verified
 * internal identity.
 *
 * <p>Who may do what: tenant admins hold MANAGE on every scope; anyone else holds the highest
 * permission the scope's ACL gives their user name, one of their groups, or {@value #ALL_USERS}.
 * A caller with no permission at all on a scope is told it does not exist. Secret values are
 * returned only to cluster code of the tenant ({@link Principal.PrincipalType#CLUSTER}), checked
 * against the user the code runs for; never to a user's own credential.
 *
 * <p>Blocking (JDBC, crypto): call it from a worker pool.
 */
public final class SecretService {
    /** The group every user of the tenant belongs to, as in Databricks. */
    public static final String ALL_USERS = "users";
    static final String TENANT_ADMIN = "tenant-admin";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,128}");
    private static final Pattern ACL_PRINCIPAL = Pattern.compile("[^\\p{Cntrl}]{1,256}");
    private static final List<String> CREATORS = List.of(TENANT_ADMIN, "workspace-user");

    private final SecretStore store;
    private final EnvelopeCipher cipher;
    private final SecretLimits limits;

    public SecretService(SecretStore store, EnvelopeCipher cipher, SecretLimits limits) {
        this.store = Objects.requireNonNull(store, "store");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public SecretScope createScope(Principal caller, String scope, String initialManagePrincipal) {
        requireUser(caller);
        String name = name(scope, "scope");
        if (caller.roles().stream().noneMatch(CREATORS::contains)) {
            throw LakewardException.permissionDenied("creating secret scopes needs the tenant-admin or workspace-user role");
        }
        String manager = initialManagePrincipal == null || initialManagePrincipal.isEmpty() ? caller.name() : aclPrincipal(initialManagePrincipal);
        if (!manager.equals(caller.name()) && !manager.equals(ALL_USERS)) {
            throw LakewardException.invalidParameter("initial_manage_principal may only be 'users' (or absent: the creator)");
        }
        return store.createScope(caller.tenant(), name, caller.name(), manager, limits.maxScopes());
    }

    public void deleteScope(Principal caller, String scope) {
        requireUser(caller);
        String name = name(scope, "scope");
        require(caller, name, SecretPermission.MANAGE);
        if (!store.deleteScope(caller.tenant(), name)) {
            throw noScope(name);
        }
    }

    /** The scopes the caller holds any permission on. */
    public List<SecretScope> listScopes(Principal caller) {
        requireUser(caller);
        List<SecretScope> visible = new ArrayList<>();
        for (SecretScope scope : store.listScopes(caller.tenant())) {
            if (permission(caller, scope.name()).isPresent()) {
                visible.add(scope);
            }
        }
        return visible;
    }

    /** Encrypts and stores a value; returns the key version it is wrapped under. */
    public int putSecret(Principal caller, String scope, String key, byte[] value) {
        requireUser(caller);
        String scopeName = name(scope, "scope");
        String keyName = name(key, "key");
        Objects.requireNonNull(value, "value");
        if (value.length > limits.maxValueBytes()) {
            throw LakewardException.invalidParameter("a secret value is at most " + limits.maxValueBytes() + " bytes");
        }
        require(caller, scopeName, SecretPermission.WRITE);
        TenantId tenant = caller.tenant();
        byte[] envelope = cipher.encrypt(tenant, objectId(scopeName, keyName), value);
        int version = EnvelopeCipher.keyVersionOf(envelope);
        store.putSecret(tenant, scopeName, new StoredSecret(keyName, envelope, version), limits.maxSecretsPerScope());
        return version;
    }

    public void deleteSecret(Principal caller, String scope, String key) {
        requireUser(caller);
        String scopeName = name(scope, "scope");
        String keyName = name(key, "key");
        require(caller, scopeName, SecretPermission.WRITE);
        if (!store.deleteSecret(caller.tenant(), scopeName, keyName)) {
            throw LakewardException.notFound("no secret '" + keyName + "' in scope '" + scopeName + "'");
        }
    }

    /** Keys and update times of the scope's secrets; never values. */
    public List<SecretMetadata> listSecrets(Principal caller, String scope) {
        requireUser(caller);
        String scopeName = name(scope, "scope");
        require(caller, scopeName, SecretPermission.READ);
        return store.listSecrets(caller.tenant(), scopeName);
    }

    /**
     * A secret's value, for cluster code of the tenant only.
     *
     * @throws LakewardException {@code PERMISSION_DENIED} for any caller that is not cluster code
     */
    public byte[] getSecret(Principal caller, String scope, String key) {
        if (caller.type() != Principal.PrincipalType.CLUSTER) {
            throw LakewardException.permissionDenied("secret values are readable only by code running on a cluster of the tenant");
        }
        String scopeName = name(scope, "scope");
        String keyName = name(key, "key");
        require(caller, scopeName, SecretPermission.READ);
        StoredSecret stored = store.secret(caller.tenant(), scopeName, keyName)
                .orElseThrow(() -> LakewardException.notFound("no secret '" + keyName + "' in scope '" + scopeName + "'"));
        return cipher.decrypt(caller.tenant(), objectId(scopeName, keyName), stored.envelope());
    }

    public void putAcl(Principal caller, String scope, String principal, String permission) {
        requireUser(caller);
        String scopeName = name(scope, "scope");
        String who = aclPrincipal(principal);
        SecretPermission level = permission(permission);
        require(caller, scopeName, SecretPermission.MANAGE);
        store.putAcl(caller.tenant(), scopeName, new SecretAcl(who, level));
    }

    public void deleteAcl(Principal caller, String scope, String principal) {
        requireUser(caller);
        String scopeName = name(scope, "scope");
        String who = aclPrincipal(principal);
        require(caller, scopeName, SecretPermission.MANAGE);
        if (!store.deleteAcl(caller.tenant(), scopeName, who)) {
            throw LakewardException.notFound("no ACL for that principal on scope '" + scopeName + "'");
        }
    }

    public SecretAcl getAcl(Principal caller, String scope, String principal) {
        requireUser(caller);
        String scopeName = name(scope, "scope");
        String who = aclPrincipal(principal);
        require(caller, scopeName, SecretPermission.MANAGE);
        return store.listAcls(caller.tenant(), scopeName).stream().filter(acl -> acl.principal().equals(who)).findFirst()
                .orElseThrow(() -> LakewardException.notFound("no ACL for that principal on scope '" + scopeName + "'"));
    }

    public List<SecretAcl> listAcls(Principal caller, String scope) {
        requireUser(caller);
        String scopeName = name(scope, "scope");
        require(caller, scopeName, SecretPermission.MANAGE);
        return store.listAcls(caller.tenant(), scopeName);
    }

    /** The envelope's object id: binds the value to its scope and key (and, inside, the tenant). */
    static String objectId(String scope, String key) {
        return "secret/" + scope + "/" + key;
    }

    private void require(Principal caller, String scope, SecretPermission needed) {
        Optional<SecretPermission> held = permission(caller, scope);
        if (held.isEmpty()) {
            // no permission at all: the caller may not even learn that the scope exists
            throw noScope(scope);
        }
        if (!held.get().includes(needed)) {
            throw LakewardException.permissionDenied("this needs " + needed + " permission on scope '" + scope + "'");
        }
    }

    private Optional<SecretPermission> permission(Principal caller, String scope) {
        if (store.scope(caller.tenant(), scope).isEmpty()) {
            return Optional.empty();
        }
        if (caller.type() != Principal.PrincipalType.CLUSTER && caller.roles().contains(TENANT_ADMIN)) {
            return Optional.of(SecretPermission.MANAGE);
        }
        List<String> names = new ArrayList<>();
        names.add(caller.name());
        names.addAll(caller.groups());
        names.add(ALL_USERS);
        Map<String, SecretPermission> acls = store.aclsFor(caller.tenant(), scope, names);
        return acls.values().stream().max(Enum::compareTo);
    }

    private static void requireUser(Principal caller) {
        if (caller.type() == Principal.PrincipalType.CLUSTER) {
            throw LakewardException.permissionDenied("cluster code may only read secrets");
        }
    }

    private static LakewardException noScope(String scope) {
        return LakewardException.notFound("no secret scope named '" + scope + "'");
    }

    private static String name(String value, String field) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw LakewardException.invalidParameter("'" + field + "' must be 1 to 128 of A-Z a-z 0-9 _ . @ -");
        }
        return value;
    }

    private static String aclPrincipal(String value) {
        if (value == null || !ACL_PRINCIPAL.matcher(value).matches() || value.isBlank()) {
            throw LakewardException.invalidParameter("'principal' must be a user or group name of 1 to 256 characters");
        }
        return value;
    }

    private static SecretPermission permission(String value) {
        try {
            return SecretPermission.valueOf(value == null ? "" : value);
        } catch (IllegalArgumentException e) {
            throw LakewardException.invalidParameter("'permission' must be READ, WRITE or MANAGE");
        }
    }
}

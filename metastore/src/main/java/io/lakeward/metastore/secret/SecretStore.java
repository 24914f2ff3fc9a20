package io.lakeward.metastore.secret;

import io.lakeward.common.id.TenantId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Persistence of secret scopes, secrets (as envelopes only) and scope ACLs. Every call is one
 * tenant transaction; names are validated by the caller and again by the table's checks. Blocking.
 * Limits are enforced here, inside the transaction that would exceed them, so concurrent writers
 * cannot pass them together.
 */
public interface SecretStore {
    /**
     * Creates a scope and gives {@code managePrincipal} MANAGE on it.
     *
     * @throws io.lakeward.common.error.LakewardException {@code RESOURCE_ALREADY_EXISTS} for a taken name,
     *     {@code MAX_SECRET_SCOPES_EXCEEDED} when the tenant already has {@code maxScopes}
     */
    SecretScope createScope(TenantId tenant, String scope, String createdBy, String managePrincipal, int maxScopes);

    /** Deletes a scope with its secrets and ACLs; false if there was none. */
    boolean deleteScope(TenantId tenant, String scope);

    Optional<SecretScope> scope(TenantId tenant, String scope);

    List<SecretScope> listScopes(TenantId tenant);

    /**
     * Adds or replaces a secret's envelope.
     *
     * @throws io.lakeward.common.error.LakewardException {@code RESOURCE_DOES_NOT_EXIST} without the scope,
     *     {@code MAX_SECRETS_PER_SCOPE_EXCEEDED} when a new key would exceed {@code maxSecrets}
     */
    void putSecret(TenantId tenant, String scope, StoredSecret secret, int maxSecrets);

    boolean deleteSecret(TenantId tenant, String scope, String key);

    Optional<StoredSecret> secret(TenantId tenant, String scope, String key);

    List<SecretMetadata> listSecrets(TenantId tenant, String scope);

    /** Sets a principal's permission on an existing scope; {@code RESOURCE_DOES_NOT_EXIST} without it. */
    void putAcl(TenantId tenant, String scope, SecretAcl acl);

    boolean deleteAcl(TenantId tenant, String scope, String principal);

    List<SecretAcl> listAcls(TenantId tenant, String scope);

    /** Up to {@code limit} of the tenant's secrets whose envelope is wrapped under a key version below {@code version}. */
    List<SecretLocation> secretsBelowKeyVersion(TenantId tenant, int version, int limit);

    /**
     * Replaces a secret's envelope only if it is still {@code expected} (compare and set), so a
     * rewrap never overwrites a value put meanwhile. Returns whether it replaced it.
     */
    boolean replaceEnvelope(TenantId tenant, SecretLocation secret, byte[] expected, byte[] replacement, int replacementVersion);

    /** The ACL entries of the scope that name any of {@code principals}. */
    Map<String, SecretPermission> aclsFor(TenantId tenant, String scope, Collection<String> principals);
}

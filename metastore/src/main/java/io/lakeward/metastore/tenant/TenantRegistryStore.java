package io.lakeward.metastore.tenant;

import io.lakeward.common.id.TenantId;
import io.lakeward.common.tenant.TenantStatus;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Persistence of the tenant registry (platform-level: tenant id, host name, issuer, key reference,
 * status). Every method is one transaction; blocking.
 */
public interface TenantRegistryStore {
    /**
     * Registers an active tenant.
     *
     * @throws io.lakeward.common.error.LakewardException {@code RESOURCE_ALREADY_EXISTS} if the id, host name or
     *         issuer is taken; nothing is written then
     */
    TenantRecord create(NewTenant tenant);

    Optional<TenantRecord> get(TenantId id);

    /** Every tenant, whatever its status, ordered by id. */
    List<TenantRecord> list();

    /**
     * Sets the status of a tenant.
     *
     * @throws io.lakeward.common.error.LakewardException {@code RESOURCE_DOES_NOT_EXIST} for an unknown tenant
     */
    TenantRecord updateStatus(TenantId id, TenantStatus status);

    /** The tenant at {@code hostName} (case-insensitive, trailing dot ignored), whatever its status. */
    Optional<TenantRecord> findByHost(String hostName);

    /** The tenant whose issuer is exactly {@code issuer}, whatever its status. */
    Optional<TenantRecord> findByIssuer(URI issuer);
}

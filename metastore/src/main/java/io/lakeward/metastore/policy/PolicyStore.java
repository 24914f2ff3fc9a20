package io.lakeward.metastore.policy;

import io.lakeward.common.id.TenantId;
import java.util.List;
import java.util.Optional;

/**
 * The versioned, append-only store of each tenant's access policy. Every call names its tenant and
 * sees only that tenant's revisions. Blocking.
 */
public interface PolicyStore {

    /** The tenant's current revision number; 0 when it has none. */
    long currentRevision(TenantId tenant);

    /** The tenant's current revision; empty when it has none. */
    Optional<PolicyRevision> current(TenantId tenant);

    /** One revision of the tenant's policy; empty when there is no such revision. */
    Optional<PolicyRevision> at(TenantId tenant, long revision);

    /**
     * Stores {@code document} as revision {@code expectedRevision + 1}, in one transaction.
     *
     * @throws io.lakeward.common.error.LakewardException {@code RESOURCE_CONFLICT} when the
     *         tenant's current revision is not {@code expectedRevision} (someone else changed it);
     *         nothing is stored then
     */
    PolicyRevision append(TenantId tenant, long expectedRevision, String document, String change, String changedBy, String requestId);

    /** The tenant's revisions, newest first, below {@code before} (exclusive; {@code Long.MAX_VALUE} for all), at most {@code limit}. */
    List<PolicyRevision> history(TenantId tenant, long before, int limit);
}

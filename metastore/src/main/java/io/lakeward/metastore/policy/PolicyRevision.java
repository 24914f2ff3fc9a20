package io.lakeward.metastore.policy;

import io.lakeward.common.id.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * One stored revision of a tenant's access policy.
 *
 * @param revision  1, 2, 3 ... per tenant; 0 for the empty policy of a tenant that has none yet
 * @param document  the whole policy at this revision, a JSON object (text)
 * @param change    what this revision changed, a JSON object (text): kind, before, after
 * @param changedBy the principal id of who made the change
 * @param requestId the request that made it, if known
 */
public record PolicyRevision(TenantId tenant, long revision, String document, String change, String changedBy, String requestId,
                             Instant createdAt) {
    public PolicyRevision {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(changedBy, "changedBy");
        if (revision < 0) {
            throw new IllegalArgumentException("a revision is not negative");
        }
    }
}

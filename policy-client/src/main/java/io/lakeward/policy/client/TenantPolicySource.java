package io.lakeward.policy.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Where decision points read the admin-managed policy data from: the policy store. Blocking; each
 * call is bounded by the store's own timeouts.
 */
public interface TenantPolicySource {

    /** The current revision of every tenant's policy data, by tenant id; a tenant without any is absent. */
    Map<String, Long> revisions();

    /**
     * The tenant's whole policy document at its current revision, carrying that revision as its
     * {@code "revision"} number (it may be newer than {@link #revisions()} said).
     */
    ObjectNode document(String tenant);
}

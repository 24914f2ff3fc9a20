package io.lakeward.metastore;

import io.lakeward.common.id.TenantId;

/**
 * The only ways to run SQL against the metadata database at run time. Each call is one
 * transaction: committed when the work returns, rolled back when it throws. Blocking: call it from
 * a worker pool, never from an event loop.
 *
 * <p>Row-level security does the scoping underneath: a tenant transaction sees and writes only the
 * rows of its tenant in tenant-owned tables and nothing of the platform-level ones; a platform
 * transaction sees the platform-level tables (the tenant registry) and no tenant's rows. A query
 * that forgets its tenant filter therefore still sees nothing of another tenant.
 *
 * <p>Failures surface as {@link io.lakeward.common.error.LakewardException}: {@code DEADLINE_EXCEEDED}
 * when a statement runs past the statement timeout, {@code TEMPORARILY_UNAVAILABLE} when no
 * connection can be had, {@code INTERNAL_ERROR} for anything else the database refuses (the cause
 * carries the SQL state). A {@code LakewardException} thrown by the work passes through unchanged.
 */
public interface Transactions {
    /** Runs {@code work} in a transaction bound to {@code tenant}. */
    <T> T inTenant(TenantId tenant, TransactionWork<T> work);

    /**
     * Runs {@code work} on the platform-level tables (the tenant registry). Tenant-owned tables
     * look empty here: reading or writing a tenant's data always goes through {@link #inTenant}.
     */
    <T> T inPlatform(TransactionWork<T> work);
}

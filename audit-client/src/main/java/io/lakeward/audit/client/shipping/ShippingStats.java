package io.lakeward.audit.client.shipping;

/**
 * Counters of a {@link ShippingLoop} since it started.
 *
 * @param shippedEvents      events the audit service acknowledged
 * @param shippedBatches     acknowledged shipments
 * @param failedAttempts     shipments that failed or timed out (their events were kept and sent again)
 * @param consecutiveFailures failures since the last acknowledged shipment
 */
public record ShippingStats(long shippedEvents, long shippedBatches, long failedAttempts, int consecutiveFailures) {
}

package io.lakeward.audit.client.event;

/** How the audited action ended (PCI DSS 10.2.2 "success or failure indication"). */
public enum Outcome {
    /** The action was carried out. */
    SUCCESS,
    /** The caller's request was invalid or the resource did not exist. */
    FAILURE,
    /** Authentication or a policy decision refused the action. */
    DENIED,
    /** The platform failed (internal error, dependency unavailable); the action may not have happened. */
    ERROR
}

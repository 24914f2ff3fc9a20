package io.lakeward.audit.client.event;

/** What kind of identity performed an audited action. */
public enum ActorType {
    /** A person signed in through the tenant's identity provider or with a personal access token. */
    USER,
    /** A platform service or a cluster driver acting with its own internal identity. */
    SERVICE,
    /** An unauthenticated caller, including one whose credentials were rejected. */
    ANONYMOUS,
    /** The platform itself (scheduled work, start-up, retention), not on behalf of a caller. */
    SYSTEM
}

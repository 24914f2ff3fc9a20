package io.lakeward.launcher;

import java.nio.file.Path;

/**
 * The layout of the one state directory: deleting it resets the platform completely.
 * <pre>
 *   ca/         development CA, truststore, server certificates and keys (keys owner-only)
 *   secrets/    generated passwords and client secrets (owner-only)
 *   keycloak/   this state's own copy of the Keycloak distribution and its data
 *   run/        process ids of what {@code up} started
 *   audit/      the audit log (store/: one hash chain per tenant) and its exports (exports/)
 *   audit-outbox/ each service's durable outbox of audit events not yet shipped
 *   hosts       name resolution of the platform's host names for the JVMs it starts
 * </pre>
 */
public record StateDirectory(Path root) {
    public Path ca() {
        return root.resolve("ca");
    }

    public Path caCertificate() {
        return ca().resolve("ca.pem");
    }

    public Path certificate(String name) {
        return ca().resolve(name + ".pem");
    }

    public Path privateKey(String name) {
        return ca().resolve(name + "-key.pem");
    }

    public Path secrets() {
        return root.resolve("secrets");
    }

    public Path keycloak() {
        return root.resolve("keycloak");
    }

    public Path run() {
        return root.resolve("run");
    }

    public Path hostsFile() {
        return root.resolve("hosts");
    }

    /** The audit service's own directory: the hash-chained log under {@code store/}, exports under {@code exports/}. */
    public Path audit() {
        return root.resolve("audit");
    }

    /**
     * Where the audit-signing key pair lives: {@code audit-signing-key.pem} and
     * {@code audit-signing-public.pem} among the other owner-only secrets (the public half is what
     * auditors verify exports with).
     */
    public Path auditSigningKey() {
        return secrets();
    }

    /** The durable audit outbox of one service (one process per directory). */
    public Path auditOutbox(String service) {
        return root.resolve("audit-outbox").resolve(service);
    }
}

package io.lakeward.infra.keycloak;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.common.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a realm exists in Keycloak, created from the templates of {@link RealmTemplates},
 * with credentials that survive restarts: they are generated once, written to
 * {@code <secrets-dir>/<realm>.json} (owner-only) before the realm is created, and reused
 * whenever the realm has to be created again (a fresh Keycloak database, a deleted realm).
 * Idempotent; an existing realm is not changed. Provisioning different realms concurrently is
 * safe; the same realm is provisioned by one caller at a time.
 */
public final class RealmProvisioner {
    /** The realm of the platform's operators. */
    public static final String PLATFORM_REALM = "lakeward-platform";
    /** The gateway's login client in every tenant realm. */
    public static final String GATEWAY_CLIENT = "lakeward-gateway";
    /** The service-account client of every realm. */
    public static final String AUTOMATION_CLIENT = "lakeward-automation";

    private static final Logger LOG = LoggerFactory.getLogger(RealmProvisioner.class);

    private final KeycloakAdminClient admin;
    private final URI serverUrl;

    /** @param serverUrl {@code https://<hostname>:<port>} as clients see it, the base of every issuer */
    public RealmProvisioner(KeycloakAdminClient admin, URI serverUrl) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.serverUrl = Objects.requireNonNull(serverUrl, "serverUrl");
    }

    /** Makes sure the tenant's realm exists; see the class comment. */
    public ProvisionedRealm ensureTenantRealm(TenantRealmSpec spec, Path secretsDirectory) throws IOException {
        List<String> users = spec.withDemoUsers() ? RealmTemplates.tenantDemoUsers() : List.of();
        return ensure(spec.realm(), true, users, secretsDirectory, secrets -> RealmTemplates.tenantRealm(spec, secrets));
    }

    /** Makes sure the platform realm ({@value #PLATFORM_REALM}) with its operator exists. */
    public ProvisionedRealm ensurePlatformRealm(Path secretsDirectory) throws IOException {
        return ensure(PLATFORM_REALM, false, RealmTemplates.platformUsers(), secretsDirectory, RealmTemplates::platformRealm);
    }

    /** The secrets file of a realm. */
    public static Path secretsFile(Path secretsDirectory, String realm) {
        return secretsDirectory.resolve(KeycloakAdminClient.checkName("realm", realm) + ".json");
    }

    private ProvisionedRealm ensure(String realm, boolean withGatewayClient, List<String> users, Path secretsDirectory,
                                    Function<RealmSecrets, ObjectNode> template) throws IOException {
        Path file = secretsFile(secretsDirectory, realm);
        RealmSecrets secrets;
        boolean first;
        if (Files.exists(file)) {
            secrets = RealmSecrets.read(file);
            checkMatches(secrets, realm, users, file);
            first = false;
        } else if (admin.realmExists(realm)) {
            secrets = recover(realm, withGatewayClient, users);
            secrets.write(file);
            first = true;
        } else {
            secrets = RealmSecrets.generate(realm, withGatewayClient, users);
            // written before the realm exists: a realm whose credentials are lost would be useless
            secrets.write(file);
            first = true;
        }
        if (!admin.realmExists(realm)) {
            create(realm, template.apply(secrets));
        }
        return new ProvisionedRealm(realm, KeycloakServer.issuer(serverUrl, realm),
                secrets.gatewayClientSecret().map(secret -> new ClientCredentials(GATEWAY_CLIENT, secret)),
                new ClientCredentials(AUTOMATION_CLIENT, secrets.automationClientSecret()),
                secrets.userPasswords(), first);
    }

    private void create(String realm, ObjectNode representation) throws IOException {
        long started = System.nanoTime();
        try {
            admin.createRealm(representation);
        } catch (KeycloakAdminException e) {
            if (e.statusCode() != 409 || !admin.realmExists(realm)) {
                throw e;
            }
            LOG.info("Realm {} was created concurrently by another caller", realm);
            return;
        }
        LOG.info("Created realm {} in {} ms", realm, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The realm exists but its secrets file is gone: read the client secrets back from Keycloak and
     * give the users new passwords, so that the file can be written again.
     */
    private RealmSecrets recover(String realm, boolean withGatewayClient, List<String> users) throws IOException {
        LOG.warn("Realm {} exists in Keycloak but its secrets file does not: reading its client secrets and resetting its users' passwords", realm);
        Optional<Secret> gateway = withGatewayClient ? admin.clientSecret(realm, GATEWAY_CLIENT) : Optional.empty();
        if (withGatewayClient && gateway.isEmpty()) {
            throw new IOException("realm " + realm + " exists but has no " + GATEWAY_CLIENT + " client; delete the realm to provision it again");
        }
        Secret automation = admin.clientSecret(realm, AUTOMATION_CLIENT).orElseThrow(() -> new IOException(
                "realm " + realm + " exists but has no " + AUTOMATION_CLIENT + " client; delete the realm to provision it again"));
        Map<String, Secret> passwords = new LinkedHashMap<>();
        for (String username : users) {
            if (admin.user(realm, username).isPresent()) {
                Secret password = Secret.of(RealmSecrets.password());
                admin.resetPassword(realm, username, password);
                passwords.put(username, password);
            }
        }
        return new RealmSecrets(realm, gateway, automation, passwords);
    }

    private static void checkMatches(RealmSecrets secrets, String realm, List<String> users, Path file) {
        if (!secrets.realm().equals(realm)) {
            throw new IllegalStateException(file + " holds the secrets of realm " + secrets.realm() + ", not of " + realm);
        }
        if (!secrets.userPasswords().keySet().equals(Set.copyOf(users))) {
            throw new IllegalStateException("realm " + realm + " was provisioned with the users " + secrets.userPasswords().keySet()
                    + ", now " + users + " are asked for; delete the realm and " + file + " to provision it again");
        }
    }
}

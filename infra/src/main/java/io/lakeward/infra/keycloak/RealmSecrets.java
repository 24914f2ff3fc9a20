package io.lakeward.infra.keycloak;

import io.lakeward.common.files.SecretFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.common.config.Secret;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The credentials generated for one realm, kept in {@code <secrets-dir>/<realm>.json} (owner-only)
 * so that the realm can be created again with the same ones. Never in the repository.
 *
 * @param gatewayClientSecret the gateway client's secret; absent for realms without that client
 * @param userPasswords password by username of the users created with a password
 */
public record RealmSecrets(String realm, Optional<Secret> gatewayClientSecret, Secret automationClientSecret, Map<String, Secret> userPasswords) {
    /** Length of generated user passwords: typed by people, so letters and digits only. */
    static final int PASSWORD_LENGTH = 24;
    /** Length of generated client secrets. */
    static final int CLIENT_SECRET_LENGTH = 40;

    private static final String LOWER = "abcdefghijkmnopqrstuvwxyz";
    private static final String UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private static final String DIGITS = "23456789";
    private static final String ALPHABET = LOWER + UPPER + DIGITS;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    public RealmSecrets {
        KeycloakAdminClient.checkName("realm", realm);
        Objects.requireNonNull(gatewayClientSecret, "gatewayClientSecret");
        Objects.requireNonNull(automationClientSecret, "automationClientSecret");
        userPasswords = Collections.unmodifiableMap(new LinkedHashMap<>(userPasswords));
    }

    /** Fresh credentials from {@link SecureRandom}. */
    public static RealmSecrets generate(String realm, boolean withGatewayClient, List<String> usernames) {
        Map<String, Secret> passwords = new LinkedHashMap<>();
        usernames.forEach(username -> passwords.put(username, Secret.of(password())));
        return new RealmSecrets(realm,
                withGatewayClient ? Optional.of(Secret.of(randomText(CLIENT_SECRET_LENGTH))) : Optional.empty(),
                Secret.of(randomText(CLIENT_SECRET_LENGTH)),
                passwords);
    }

    /** A password that meets the realms' password policy: upper and lower case letters and a digit. */
    static String password() {
        while (true) {
            String candidate = randomText(PASSWORD_LENGTH);
            if (candidate.chars().anyMatch(c -> LOWER.indexOf(c) >= 0)
                    && candidate.chars().anyMatch(c -> UPPER.indexOf(c) >= 0)
                    && candidate.chars().anyMatch(c -> DIGITS.indexOf(c) >= 0)) {
                return candidate;
            }
        }
    }

    private static String randomText(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    /** Reads a secrets file written by {@link #write}. */
    public static RealmSecrets read(Path file) throws IOException {
        JsonNode root = JSON.readTree(SecretFiles.read(file));
        String realm = requiredText(root, "realm", file);
        Optional<Secret> gateway = root.hasNonNull("gatewayClientSecret")
                ? Optional.of(Secret.of(requiredText(root, "gatewayClientSecret", file)))
                : Optional.empty();
        Secret automation = Secret.of(requiredText(root, "automationClientSecret", file));
        Map<String, Secret> passwords = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> users = root.path("userPasswords").fields();
        while (users.hasNext()) {
            Map.Entry<String, JsonNode> user = users.next();
            passwords.put(user.getKey(), Secret.of(user.getValue().asText()));
        }
        return new RealmSecrets(realm, gateway, automation, passwords);
    }

    /** Writes the secrets file atomically, readable by its owner only. */
    public void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("realm", realm);
        gatewayClientSecret.ifPresent(secret -> root.put("gatewayClientSecret", secret.reveal()));
        root.put("automationClientSecret", automationClientSecret.reveal());
        ObjectNode users = root.putObject("userPasswords");
        userPasswords.forEach((username, password) -> users.put(username, password.reveal()));
        SecretFiles.writeOwnerOnly(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    private static String requiredText(JsonNode root, String field, Path file) throws IOException {
        String value = root.path(field).asText("");
        if (value.isEmpty()) {
            throw new IOException("the secrets file " + file + " lacks '" + field + "'");
        }
        return value;
    }
}

package io.lakeward.infra.keycloak;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.common.config.Secret;
import io.lakeward.common.tls.PemTrust;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The few Keycloak admin REST calls the platform needs, over HTTPS trusting only the given CA,
 * each bounded by the call timeout. It signs in to the master realm as the administrator through
 * {@code admin-cli} with the password grant (the one client that may use that grant: tenant realms
 * disable it) and renews the short-lived token as needed. Thread-safe.
 */
public final class KeycloakAdminClient {
    /** A user as listed by the admin API. */
    public record User(String id, String username, String email, boolean enabled) {
    }

    /** A top-level group. */
    public record Group(String id, String name, String path) {
    }

    /** A realm role: its id and name, both of which the role-mapping calls need. */
    public record Role(String id, String name) {
    }

    /** The username prefix of the users Keycloak makes for clients' service accounts. */
    public static final String SERVICE_ACCOUNT_PREFIX = "service-account-";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Duration TOKEN_RENEWAL_MARGIN = Duration.ofSeconds(15);

    private final URI serverUrl;
    private final String username;
    private final Secret password;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private String accessToken;
    private long accessTokenRenewAtNanos;

    /**
     * @param serverUrl {@code https://<hostname>:<port>}
     * @param caCertificatePem the only CA trusted for Keycloak's certificate
     * @param timeout the bound of each call (connect, and request to complete answer)
     */
    public KeycloakAdminClient(URI serverUrl, Path caCertificatePem, String username, Secret password, Duration timeout) throws IOException {
        this.serverUrl = Objects.requireNonNull(serverUrl, "serverUrl");
        if (!"https".equals(serverUrl.getScheme())) {
            throw new IllegalArgumentException("Keycloak is reached over https only: " + serverUrl);
        }
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        try {
            this.http = HttpClient.newBuilder()
                    .sslContext(PemTrust.sslContext(caCertificatePem))
                    .connectTimeout(timeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the CA certificate " + caCertificatePem + ": " + e.getMessage(), e);
        }
    }

    public URI serverUrl() {
        return serverUrl;
    }

    public boolean realmExists(String realm) throws IOException {
        return realm(realm).isPresent();
    }

    /** The realm's representation, if the realm exists. */
    public Optional<JsonNode> realm(String realm) throws IOException {
        HttpResponse<String> response = call("GET", "/admin/realms/" + checkName("realm", realm), null);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(body(expect(response, 200)));
    }

    /** Creates a realm from a full representation (roles, groups, clients, users, ...) in one call. */
    public void createRealm(JsonNode representation) throws IOException {
        expect(call("POST", "/admin/realms", representation), 201);
    }

    /** Deletes a realm with everything in it; false if there was none. */
    public boolean deleteRealm(String realm) throws IOException {
        HttpResponse<String> response = call("DELETE", "/admin/realms/" + checkName("realm", realm), null);
        if (response.statusCode() == 404) {
            return false;
        }
        expect(response, 204);
        return true;
    }

    /**
     * Adds an RS256 signing key to a realm, the realm's active one if {@code priority} is the
     * highest: a new generated key ({@code privateKeyPem} empty: rotation), or the given PKCS#8 or
     * PKCS#1 PEM private key. Keycloak publishes its public key in the realm's JWKS at once.
     *
     * @return the id of the key provider component
     */
    public String addRealmSigningKey(String realm, String name, long priority, Optional<String> privateKeyPem) throws IOException {
        String realmId = realm(realm).orElseThrow(() -> new KeycloakAdminException("no realm " + realm, 404)).path("id").asText();
        ObjectNode component = json.createObjectNode()
                .put("name", checkName("key name", name))
                .put("providerId", privateKeyPem.isPresent() ? "rsa" : "rsa-generated")
                .put("providerType", "org.keycloak.keys.KeyProvider")
                .put("parentId", realmId);
        ObjectNode config = component.putObject("config");
        config.putArray("priority").add(Long.toString(priority));
        config.putArray("enabled").add("true");
        config.putArray("active").add("true");
        config.putArray("algorithm").add("RS256");
        privateKeyPem.ifPresentOrElse(pem -> config.putArray("privateKey").add(pem), () -> config.putArray("keySize").add("2048"));
        HttpResponse<String> response = expect(call("POST", "/admin/realms/" + checkName("realm", realm) + "/components", component), 201);
        String location = response.headers().firstValue("Location").orElseThrow(() -> new KeycloakAdminException("no Location for the new key", 201));
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** Enables or disables a user: a disabled user cannot sign in, and the platform refuses its personal access tokens. */
    public void setUserEnabled(String realm, String userId, boolean enabled) throws IOException {
        expect(call("PUT", userPath(realm, userId), json.createObjectNode().put("enabled", enabled)), 204);
    }

    /** Ends every session of a user; Keycloak then calls the back-channel logout of each client the sessions used. */
    public void logoutUser(String realm, String userId) throws IOException {
        expect(call("POST", userPath(realm, userId) + "/logout", null), 204);
    }

    /** A client's representation by its client id, if it exists. */
    public Optional<JsonNode> client(String realm, String clientId) throws IOException {
        JsonNode clients = body(expect(call("GET", "/admin/realms/" + checkName("realm", realm) + "/clients?clientId=" + query(clientId), null), 200));
        for (JsonNode client : clients) {
            if (clientId.equals(client.path("clientId").asText())) {
                return Optional.of(client);
            }
        }
        return Optional.empty();
    }

    /** The secret of a confidential client, if the client exists. */
    public Optional<Secret> clientSecret(String realm, String clientId) throws IOException {
        Optional<JsonNode> client = client(realm, clientId);
        if (client.isEmpty()) {
            return Optional.empty();
        }
        String path = "/admin/realms/" + checkName("realm", realm) + "/clients/" + checkName("client uuid", client.get().path("id").asText())
                + "/client-secret";
        JsonNode secret = body(expect(call("GET", path, null), 200));
        String value = secret.path("value").asText("");
        return value.isEmpty() ? Optional.empty() : Optional.of(Secret.of(value));
    }

    /** The names of the realm's roles. */
    public List<String> realmRoles(String realm) throws IOException {
        return names(body(expect(call("GET", "/admin/realms/" + checkName("realm", realm) + "/roles", null), 200)));
    }

    /** The realm's users (up to 1000; service-account users are not listed). */
    public List<User> users(String realm) throws IOException {
        JsonNode users = body(expect(call("GET", "/admin/realms/" + checkName("realm", realm) + "/users?briefRepresentation=true&max=1000", null), 200));
        List<User> result = new ArrayList<>();
        for (JsonNode user : users) {
            result.add(new User(user.path("id").asText(), user.path("username").asText(), user.path("email").asText(null),
                    user.path("enabled").asBoolean()));
        }
        return result;
    }

    /** A user by exact username. */
    public Optional<User> user(String realm, String username) throws IOException {
        JsonNode users = body(expect(call("GET", "/admin/realms/" + checkName("realm", realm) + "/users?exact=true&username=" + query(username), null), 200));
        for (JsonNode user : users) {
            if (username.equals(user.path("username").asText())) {
                return Optional.of(new User(user.path("id").asText(), user.path("username").asText(), user.path("email").asText(null),
                        user.path("enabled").asBoolean()));
            }
        }
        return Optional.empty();
    }

    /** The realm's top-level groups. */
    public List<Group> groups(String realm) throws IOException {
        JsonNode groups = body(expect(call("GET", "/admin/realms/" + checkName("realm", realm) + "/groups?max=1000", null), 200));
        List<Group> result = new ArrayList<>();
        for (JsonNode group : groups) {
            result.add(new Group(group.path("id").asText(), group.path("name").asText(), group.path("path").asText()));
        }
        return result;
    }

    /** The realm roles mapped directly to a user. */
    public List<String> userRealmRoles(String realm, String userId) throws IOException {
        return names(body(expect(call("GET", "/admin/realms/" + checkName("realm", realm) + "/users/" + checkName("user id", userId)
                + "/role-mappings/realm", null), 200)));
    }

    /** The names of a user's groups. */
    public List<String> userGroups(String realm, String userId) throws IOException {
        return names(body(expect(call("GET", "/admin/realms/" + checkName("realm", realm) + "/users/" + checkName("user id", userId)
                + "/groups", null), 200)));
    }

    /** Sets a user's password (not temporary). */
    public void resetPassword(String realm, String username, Secret newPassword) throws IOException {
        User user = user(realm, username).orElseThrow(() -> new KeycloakAdminException("no user '" + username + "' in realm " + realm, 404));
        ObjectNode credential = json.createObjectNode()
                .put("type", "password")
                .put("value", newPassword.reveal())
                .put("temporary", false);
        expect(call("PUT", "/admin/realms/" + checkName("realm", realm) + "/users/" + checkName("user id", user.id()) + "/reset-password",
                credential), 204);
    }

    /**
     * A user by id, if the realm has one with that id. As in {@link #users(String)}, service-account
     * users are not returned: those whose username has Keycloak's reserved prefix
     * {@value #SERVICE_ACCOUNT_PREFIX} (this representation does not name the client otherwise).
     */
    public Optional<User> userById(String realm, String userId) throws IOException {
        HttpResponse<String> response = call("GET", "/admin/realms/" + checkName("realm", realm) + "/users/" + checkName("user id", userId), null);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode user = body(expect(response, 200));
        if (user.path("username").asText().startsWith(SERVICE_ACCOUNT_PREFIX)) {
            return Optional.empty();
        }
        return Optional.of(new User(user.path("id").asText(), user.path("username").asText(), user.path("email").asText(null),
                user.path("enabled").asBoolean()));
    }

    /** A top-level group by its exact name. */
    public Optional<Group> group(String realm, String name) throws IOException {
        Objects.requireNonNull(name, "name");
        // search answers the top-level groups whose subtree holds a match; only a top-level match counts here
        JsonNode groups = body(expect(call("GET", "/admin/realms/" + checkName("realm", realm) + "/groups?exact=true&briefRepresentation=true&max=1000&search="
                + query(name), null), 200));
        for (JsonNode group : groups) {
            if (name.equals(group.path("name").asText()) && ("/" + name).equals(group.path("path").asText())) {
                return Optional.of(new Group(group.path("id").asText(), group.path("name").asText(), group.path("path").asText()));
            }
        }
        return Optional.empty();
    }

    /** Makes a user a direct member of a group; nothing changes if the user is one already. */
    public void addUserToGroup(String realm, String userId, String groupId) throws IOException {
        expect(call("PUT", userPath(realm, userId) + "/groups/" + checkName("group id", groupId), null), 204);
    }

    /** Ends a user's direct membership of a group; nothing changes if the user is not a member. */
    public void removeUserFromGroup(String realm, String userId, String groupId) throws IOException {
        expect(call("DELETE", userPath(realm, userId) + "/groups/" + checkName("group id", groupId), null), 204);
    }

    /** A realm role by name, if the realm has it. */
    public Optional<Role> realmRole(String realm, String roleName) throws IOException {
        HttpResponse<String> response = call("GET", "/admin/realms/" + checkName("realm", realm) + "/roles/" + checkName("role", roleName), null);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode role = body(expect(response, 200));
        return Optional.of(new Role(role.path("id").asText(), role.path("name").asText()));
    }

    /** Maps a realm role to a user directly; nothing changes if it is mapped already. */
    public void addUserRealmRole(String realm, String userId, Role role) throws IOException {
        expect(call("POST", userPath(realm, userId) + "/role-mappings/realm", roleList(role)), 204);
    }

    /** Removes a user's direct mapping of a realm role; the same role reached through a group or a composite stays. */
    public void removeUserRealmRole(String realm, String userId, Role role) throws IOException {
        expect(call("DELETE", userPath(realm, userId) + "/role-mappings/realm", roleList(role)), 204);
    }

    /** The names of a user's effective realm roles: mapped directly, through groups and through composite roles. */
    public List<String> userEffectiveRealmRoles(String realm, String userId) throws IOException {
        return names(body(expect(call("GET", userPath(realm, userId) + "/role-mappings/realm/composite?briefRepresentation=true", null), 200)));
    }

    /**
     * A page of the realm's stored user events of the given types (Keycloak's events API,
     * newest first), from {@code dateFrom} (a day, {@code yyyy-MM-dd}) on.
     */
    public JsonNode events(String realm, List<String> types, String dateFrom, int first, int max) throws IOException {
        StringBuilder path = new StringBuilder("/admin/realms/" + checkName("realm", realm) + "/events?first=" + first + "&max=" + max);
        for (String type : types) {
            path.append("&type=").append(query(type));
        }
        if (dateFrom != null) {
            path.append("&dateFrom=").append(query(dateFrom));
        }
        return body(expect(call("GET", path.toString(), null), 200));
    }

    private static String userPath(String realm, String userId) {
        return "/admin/realms/" + checkName("realm", realm) + "/users/" + checkName("user id", userId);
    }

    private JsonNode roleList(Role role) {
        // Keycloak matches the role by name and then insists that the id is that role's id
        return json.createArrayNode().add(json.createObjectNode()
                .put("id", Objects.requireNonNull(role, "role").id())
                .put("name", role.name()));
    }

    /** Realm, client and other names that travel in URL paths. */
    static String checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a valid " + what + ": " + name);
        }
        return name;
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(node -> names.add(node.path("name").asText()));
        return names;
    }

    private JsonNode body(HttpResponse<String> response) throws IOException {
        return json.readTree(response.body());
    }

    private HttpResponse<String> call(String method, String path, JsonNode body) throws IOException {
        HttpResponse<String> response = send(method, path, body, token(false));
        if (response.statusCode() == 401) {
            // the token expired between the check and the call, or the server restarted
            response = send(method, path, body, token(true));
        }
        return response;
    }

    private HttpResponse<String> send(String method, String path, JsonNode body, String token) throws IOException {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(serverUrl + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .method(method, publisher);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return exchange(request.build());
    }

    private synchronized String token(boolean renew) throws IOException {
        if (!renew && accessToken != null && System.nanoTime() < accessTokenRenewAtNanos) {
            return accessToken;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", "admin-cli");
        form.put("username", username);
        form.put("password", password.reveal());
        String encoded = form.entrySet().stream()
                .map(entry -> query(entry.getKey()) + "=" + query(entry.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(serverUrl + "/realms/master/protocol/openid-connect/token"))
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encoded))
                .build();
        HttpResponse<String> response = exchange(request);
        if (response.statusCode() != 200) {
            // the body names the OAuth error (e.g. invalid_grant) and holds no secret
            throw new KeycloakAdminException("signing in to Keycloak's master realm as '" + username + "' failed: HTTP "
                    + response.statusCode() + " " + abbreviate(response.body()), response.statusCode());
        }
        JsonNode token = json.readTree(response.body());
        accessToken = token.path("access_token").asText();
        long lifetimeSeconds = token.path("expires_in").asLong(60);
        accessTokenRenewAtNanos = System.nanoTime() + Duration.ofSeconds(lifetimeSeconds).minus(TOKEN_RENEWAL_MARGIN).toNanos();
        return accessToken;
    }

    private HttpResponse<String> exchange(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during " + request.method() + " " + request.uri().getPath());
        }
    }

    private static HttpResponse<String> expect(HttpResponse<String> response, int status) throws KeycloakAdminException {
        if (response.statusCode() != status) {
            throw new KeycloakAdminException(response.request().method() + " " + response.request().uri().getPath() + " answered HTTP "
                    + response.statusCode() + " (expected " + status + "): " + abbreviate(response.body()), response.statusCode());
        }
        return response;
    }

    private static String abbreviate(String body) {
        String text = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}

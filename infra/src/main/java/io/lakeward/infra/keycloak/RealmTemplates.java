package io.lakeward.infra.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The realm templates under {@code io/lakeward/infra/realms/}: one for every tenant, one for the
 * platform. A template is a Keycloak realm representation whose string values may hold
 * placeholders {@code {{name}}}. Rendering parses the template into a JSON tree and replaces each
 * placeholder inside string values in a single pass, so a value (a display name, say) only ever
 * becomes the text of a JSON string: it cannot add structure, and placeholders inside a value are
 * not expanded. An unknown placeholder or a placeholder in a field name is an error.
 *
 * <p>Tenant placeholders: {@code tenantId}, {@code displayName}, {@code gatewayOrigin},
 * {@code gatewayClientSecret}, {@code automationClientSecret}, {@code password.<username>} for each
 * demo user. Platform placeholders: {@code automationClientSecret}, {@code password.operator}.
 */
public final class RealmTemplates {
    static final String TENANT_TEMPLATE = "/io/lakeward/infra/realms/tenant-realm.json";
    static final String PLATFORM_TEMPLATE = "/io/lakeward/infra/realms/platform-realm.json";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z][A-Za-z0-9.-]*)}}");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private RealmTemplates() {
    }

    /** The demo users of the tenant template, in template order. */
    public static List<String> tenantDemoUsers() {
        return passwordUsers(load(TENANT_TEMPLATE));
    }

    /** The users of the platform template that get a generated password. */
    public static List<String> platformUsers() {
        return passwordUsers(load(PLATFORM_TEMPLATE));
    }

    /** The tenant realm for {@code spec} with {@code secrets}; without demo users only the service-account user remains. */
    public static ObjectNode tenantRealm(TenantRealmSpec spec, RealmSecrets secrets) {
        if (!spec.realm().equals(secrets.realm())) {
            throw new IllegalArgumentException("secrets of realm " + secrets.realm() + " given for realm " + spec.realm());
        }
        ObjectNode template = load(TENANT_TEMPLATE);
        if (!spec.withDemoUsers()) {
            removePasswordUsers(template);
        }
        Map<String, String> values = new HashMap<>();
        values.put("tenantId", spec.realm());
        values.put("displayName", spec.displayName());
        values.put("gatewayOrigin", spec.gatewayOrigin().toString());
        values.put("gatewayClientSecret", secrets.gatewayClientSecret()
                .orElseThrow(() -> new IllegalArgumentException("a tenant realm needs a gateway client secret")).reveal());
        values.put("automationClientSecret", secrets.automationClientSecret().reveal());
        secrets.userPasswords().forEach((username, password) -> values.put("password." + username, password.reveal()));
        return render(template, values);
    }

    /** The platform realm with {@code secrets}. */
    public static ObjectNode platformRealm(RealmSecrets secrets) {
        Map<String, String> values = new HashMap<>();
        values.put("automationClientSecret", secrets.automationClientSecret().reveal());
        secrets.userPasswords().forEach((username, password) -> values.put("password." + username, password.reveal()));
        return render(load(PLATFORM_TEMPLATE), values);
    }

    /** Replaces the placeholders of {@code template} (changed in place and returned). */
    static ObjectNode render(ObjectNode template, Map<String, String> values) {
        substitute(template, values, "$");
        return template;
    }

    private static JsonNode substitute(JsonNode node, Map<String, String> values, String where) {
        if (node.isTextual()) {
            return TextNode.valueOf(expand(node.textValue(), values, where));
        }
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (name.contains("{{")) {
                    throw new IllegalStateException("placeholder in a field name at " + where + ": " + name);
                }
                object.set(name, substitute(object.get(name), values, where + "." + name));
            }
        } else if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, substitute(array.get(i), values, where + "[" + i + "]"));
            }
        }
        return node;
    }

    private static String expand(String text, Map<String, String> values, String where) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalStateException("no value for the placeholder {{" + matcher.group(1) + "}} at " + where);
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(result);
        // a template text with a malformed placeholder must not reach Keycloak; values are not re-scanned
        String templateRest = PLACEHOLDER.matcher(text).replaceAll("");
        if (templateRest.contains("{{") || templateRest.contains("}}")) {
            throw new IllegalStateException("malformed placeholder at " + where + ": " + text);
        }
        return result.toString();
    }

    /** Users with a password credential (demo users, the operator), as opposed to service-account users. */
    private static List<String> passwordUsers(ObjectNode template) {
        List<String> usernames = new ArrayList<>();
        for (JsonNode user : template.path("users")) {
            if (!user.has("serviceAccountClientId")) {
                usernames.add(user.path("username").asText());
            }
        }
        return usernames;
    }

    private static void removePasswordUsers(ObjectNode template) {
        if (template.get("users") instanceof ArrayNode users) {
            for (int i = users.size() - 1; i >= 0; i--) {
                if (!users.get(i).has("serviceAccountClientId")) {
                    users.remove(i);
                }
            }
        }
    }

    static ObjectNode load(String resource) {
        try (InputStream in = RealmTemplates.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing realm template " + resource);
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the realm template " + resource, e);
        }
    }
}

package io.lakeward.infra.keycloak;

import io.lakeward.common.id.TenantId;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a tenant's realm is made from: the tenant id (also the realm's name), the display name
 * shown on the login page, the gateway origin its users sign in through (every redirect and
 * logout URL of the gateway client hangs under it) and whether to add the demo users.
 *
 * @param gatewayOrigin {@code https://<host>[:<port>]}, e.g. {@code https://acme.lakeward.localhost:9443}
 */
public record TenantRealmSpec(TenantId tenantId, String displayName, URI gatewayOrigin, boolean withDemoUsers) {
    /** Realm names a tenant must not take: Keycloak's own and the platform's. */
    public static final Set<String> RESERVED_REALMS = Set.of("master", RealmProvisioner.PLATFORM_REALM);
    private static final int MAXIMUM_DISPLAY_NAME_LENGTH = 100;

    public TenantRealmSpec {
        Objects.requireNonNull(tenantId, "tenantId");
        if (RESERVED_REALMS.contains(tenantId.value())) {
            throw new IllegalArgumentException("'" + tenantId + "' is reserved and cannot be a tenant id");
        }
        displayName = checkDisplayName(displayName);
        gatewayOrigin = checkOrigin(gatewayOrigin);
    }

    /** The same, from plain strings (validated). */
    public static TenantRealmSpec of(String tenantId, String displayName, String gatewayOrigin, boolean withDemoUsers) {
        return new TenantRealmSpec(TenantId.of(tenantId), displayName, URI.create(Objects.requireNonNull(gatewayOrigin, "gatewayOrigin")),
                withDemoUsers);
    }

    /** The realm's name: the tenant id. */
    public String realm() {
        return tenantId.value();
    }

    private static String checkDisplayName(String displayName) {
        if (displayName == null || displayName.isBlank()) {
            throw new IllegalArgumentException("a tenant needs a display name");
        }
        String trimmed = displayName.strip();
        if (trimmed.length() > MAXIMUM_DISPLAY_NAME_LENGTH) {
            throw new IllegalArgumentException("a display name has at most " + MAXIMUM_DISPLAY_NAME_LENGTH + " characters");
        }
        if (trimmed.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a display name must not contain control characters");
        }
        return trimmed;
    }

    private static URI checkOrigin(URI origin) {
        Objects.requireNonNull(origin, "gatewayOrigin");
        boolean plain = "https".equals(origin.getScheme())
                && origin.getHost() != null
                && origin.getRawUserInfo() == null
                && (origin.getRawPath() == null || origin.getRawPath().isEmpty())
                && origin.getRawQuery() == null
                && origin.getRawFragment() == null;
        if (!plain) {
            throw new IllegalArgumentException("a gateway origin is https://<host>[:<port>] with nothing after it, was " + origin);
        }
        String host = origin.getHost().toLowerCase(Locale.ROOT);
        return URI.create("https://" + host + (origin.getPort() == -1 ? "" : ":" + origin.getPort()));
    }
}

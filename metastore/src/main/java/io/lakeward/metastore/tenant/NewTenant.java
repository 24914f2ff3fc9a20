package io.lakeward.metastore.tenant;

import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A tenant to register. The constructor validates and normalizes every field (host name to
 * lowercase without a trailing dot); bad input is {@code INVALID_PARAMETER_VALUE}.
 *
 * @param hostName the host its users reach it at, e.g. {@code acme.lakeward.example}
 * @param issuer the one OIDC issuer whose tokens it accepts (https, exact match)
 * @param keyReference names the tenant's key-encryption key in the key vault; never key material
 */
public record NewTenant(TenantId id, String displayName, String hostName, URI issuer, String keyReference) {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern KEY_REFERENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");

    public NewTenant {
        if (id == null) {
            throw LakewardException.invalidParameter("a tenant needs an id");
        }
        displayName = displayName(displayName);
        hostName = hostName(hostName);
        issuer = issuer(issuer);
        if (keyReference == null || !KEY_REFERENCE.matcher(keyReference).matches()) {
            throw LakewardException.invalidParameter("a key reference is 1 to 200 letters, digits and . _ : / -, starting with a letter or digit");
        }
    }

    private static String displayName(String value) {
        String stripped = value == null ? "" : value.strip();
        if (stripped.isEmpty() || stripped.length() > 200 || stripped.chars().anyMatch(Character::isISOControl)) {
            throw LakewardException.invalidParameter("a display name is 1 to 200 characters without control characters");
        }
        return stripped;
    }

    /** A DNS host name: two or more labels, at most 253 characters, no port; lowercased, without a trailing dot. */
    static String hostName(String value) {
        if (value == null) {
            throw LakewardException.invalidParameter("a tenant needs a host name");
        }
        String host = value.strip().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        String[] labels = host.split("\\.", -1);
        boolean valid = host.length() <= 253 && labels.length >= 2;
        for (String label : labels) {
            valid &= LABEL.matcher(label).matches();
        }
        if (!valid) {
            throw LakewardException.invalidParameter("a host name is a DNS name such as acme.lakeward.example (letters, digits, hyphens; no port)");
        }
        return host;
    }

    private static URI issuer(URI value) {
        if (value == null || !"https".equals(value.getScheme()) || value.getHost() == null || value.getRawUserInfo() != null
                || value.getRawQuery() != null || value.getRawFragment() != null || value.toString().length() > 2000) {
            throw LakewardException.invalidParameter("an issuer is an https URL with a host and no user info, query or fragment");
        }
        return value;
    }
}

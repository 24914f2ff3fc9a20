package io.lakeward.gateway.auth;

import com.nimbusds.jose.JWSAlgorithm;
import io.lakeward.common.config.ConfigProblems;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one signature algorithm each issuer's access tokens must carry: a token whose header names
 * another is refused before its key is looked up, so no issuer can be made to verify with an
 * algorithm it does not sign with (and {@code none} or an HMAC algorithm is never possible: only
 * public-key algorithms can be pinned). Issuers not named take the default, RS256 (Keycloak's and
 * Entra ID's).
 *
 * <p>Configured as {@code gateway.token.algorithms}: whitespace-separated {@code issuer=ALG}
 * entries, e.g. {@code https://idp.example/realms/acme=ES256}.
 */
public final class IssuerAlgorithms {
    /** The algorithms an issuer may be pinned to: RSA PKCS#1 v1.5, RSA-PSS and ECDSA. */
    public static final Set<JWSAlgorithm> PINNABLE = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    private static final JWSAlgorithm DEFAULT = JWSAlgorithm.RS256;

    private final Map<String, JWSAlgorithm> byIssuer;

    private IssuerAlgorithms(Map<String, JWSAlgorithm> byIssuer) {
        this.byIssuer = Map.copyOf(byIssuer);
    }

    /** Every issuer pinned to RS256. */
    public static IssuerAlgorithms rs256() {
        return new IssuerAlgorithms(Map.of());
    }

    /** RS256 except for the given issuers. */
    public static IssuerAlgorithms of(Map<URI, JWSAlgorithm> pins) {
        Map<String, JWSAlgorithm> byIssuer = new LinkedHashMap<>();
        pins.forEach((issuer, algorithm) -> {
            if (!PINNABLE.contains(Objects.requireNonNull(algorithm, "algorithm"))) {
                throw new IllegalArgumentException(algorithm + " cannot be pinned: only " + names() + " can");
            }
            byIssuer.put(issuer.toString(), algorithm);
        });
        return new IssuerAlgorithms(byIssuer);
    }

    /** Reads the {@code gateway.token.algorithms} setting; problems are added under {@code key}. */
    public static IssuerAlgorithms parse(String spec, String key, ConfigProblems problems) {
        Map<String, JWSAlgorithm> byIssuer = new LinkedHashMap<>();
        for (String entry : spec.strip().split("\\s+")) {
            if (entry.isEmpty()) {
                continue;
            }
            int equals = entry.lastIndexOf('=');
            String issuer = equals < 0 ? "" : entry.substring(0, equals);
            String name = equals < 0 ? "" : entry.substring(equals + 1);
            JWSAlgorithm algorithm = PINNABLE.stream().filter(a -> a.getName().equals(name)).findFirst().orElse(null);
            if (!issuer.startsWith("https://")) {
                problems.add(key, "'" + entry + "' is not issuer=ALGORITHM with an https issuer");
            } else if (algorithm == null) {
                problems.add(key, "'" + name + "' for " + issuer + " cannot be pinned: use one of " + names());
            } else if (byIssuer.put(issuer, algorithm) != null) {
                problems.add(key, issuer + " is named twice");
            }
        }
        return new IssuerAlgorithms(byIssuer);
    }

    /** The algorithm {@code issuer}'s tokens must be signed with. */
    public JWSAlgorithm of(URI issuer) {
        return byIssuer.getOrDefault(issuer.toString(), DEFAULT);
    }

    private static String names() {
        return PINNABLE.stream().map(JWSAlgorithm::getName).sorted().toList().toString();
    }

    @Override
    public String toString() {
        return "IssuerAlgorithms" + byIssuer + " (others RS256)";
    }
}

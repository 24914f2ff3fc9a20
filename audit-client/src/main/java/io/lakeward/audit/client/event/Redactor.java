package io.lakeward.audit.client.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Makes request parameters fit for the audit trail. A parameter whose key looks secret (it
 * contains {@code password}, {@code secret}, {@code token}, {@code key}, {@code authorization},
 * {@code cookie}, {@code credential}, {@code session}, ... in any case) or whose value looks like
 * a credential (a bearer or basic authorization value, a JWT, a PEM block, a Databricks or Lakeward personal access token)
 * keeps its key and gets the value {@value #REDACTED}. Other values lose control characters and
 * are cut to {@value #MAX_VALUE_LENGTH} characters, ending in {@value #TRUNCATION_MARK}; keys are
 * cut to {@value #MAX_KEY_LENGTH}; at most {@value #MAX_PARAMETERS} parameters are kept, the
 * number of the others under {@value #DROPPED_PARAMETERS_KEY}. Redacting twice changes nothing.
 *
 * <p>{@link AuditEvent} refuses parameters that this standard redactor would still change, and
 * its builder redacts what it is given, so a secret cannot reach the outbox by forgetting a call.
 */
public final class Redactor {
    public static final String REDACTED = "[REDACTED]";
    public static final String TRUNCATION_MARK = "...[truncated]";
    public static final int MAX_VALUE_LENGTH = 256;
    public static final int MAX_KEY_LENGTH = 128;
    public static final int MAX_PARAMETERS = 64;
    public static final String DROPPED_PARAMETERS_KEY = "lakeward.dropped_parameters";

    private static final List<String> STANDARD_KEY_FRAGMENTS = List.of(
            "password", "passwd", "passphrase", "secret", "token", "key", "authorization", "cookie",
            "credential", "session", "signature", "private", "bearer", "jwt", "assertion", "verifier");
    // short keys that are credentials in OAuth and common APIs but too short to match as fragments
    private static final Set<String> STANDARD_EXACT_KEYS = Set.of("code", "state", "nonce", "pwd", "pin", "otp", "sig", "auth");
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "(?i)(bearer|basic)\\s+\\S.*"                                  // Authorization header values
                    + "|eyJ[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]{2,}\\..*"     // JWT / JWS / JWE compact form
                    + "|-----BEGIN .*"                                      // PEM keys and certificates
                    + "|dapi[0-9a-f]{32}.*"                                 // Databricks personal access token
                    + "|lkw_[0-9A-Za-z]{40,}.*",                            // Lakeward personal access token
            Pattern.DOTALL);

    private static final Redactor STANDARD = new Redactor(List.of());

    private final List<String> keyFragments;

    private Redactor(List<String> additionalKeyFragments) {
        List<String> fragments = new ArrayList<>(STANDARD_KEY_FRAGMENTS);
        for (String fragment : additionalKeyFragments) {
            if (fragment == null || fragment.isBlank()) {
                throw new IllegalArgumentException("a secret key fragment must not be blank");
            }
            fragments.add(fragment.toLowerCase(Locale.ROOT));
        }
        this.keyFragments = List.copyOf(fragments);
    }

    /** The redactor every service uses unless it knows of more secret parameter names. */
    public static Redactor standard() {
        return STANDARD;
    }

    /** A redactor that also treats keys containing any of {@code fragments} (case-insensitive) as secret. */
    public Redactor withSecretKeyFragments(String... fragments) {
        List<String> all = new ArrayList<>(keyFragments.subList(STANDARD_KEY_FRAGMENTS.size(), keyFragments.size()));
        all.addAll(List.of(fragments));
        return new Redactor(all);
    }

    /** A new, unmodifiable, order-preserving map of the redacted parameters; {@code null} gives an empty map. */
    public Map<String, String> redact(Map<String, String> parameters) {
        if (parameters == null || parameters.isEmpty()) {
            return Map.of();
        }
        Map<String, String> redacted = new LinkedHashMap<>();
        int dropped = 0;
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            if (parameter.getKey() == null) {
                dropped++;
                continue;
            }
            String key = cleanKey(parameter.getKey());
            if (redacted.containsKey(key)) {
                // two long keys with one prefix: keep the first, count the other
                dropped++;
                continue;
            }
            if (redacted.size() == MAX_PARAMETERS - 1 && parameters.size() > MAX_PARAMETERS) {
                dropped++;
                continue;
            }
            redacted.put(key, redactValue(key, parameter.getValue()));
        }
        if (dropped > 0) {
            redacted.put(DROPPED_PARAMETERS_KEY, Integer.toString(dropped));
        }
        return Collections.unmodifiableMap(redacted);
    }

    /** The value to record for one parameter. */
    public String redactValue(String key, String value) {
        if (value == null) {
            return "";
        }
        if (isSecretKey(key) || looksLikeSecretValue(value)) {
            return REDACTED;
        }
        String cleaned = Checks.withoutControlCharacters(value);
        if (cleaned.length() <= MAX_VALUE_LENGTH) {
            return cleaned;
        }
        return Checks.prefix(cleaned, MAX_VALUE_LENGTH - TRUNCATION_MARK.length()) + TRUNCATION_MARK;
    }

    /** Whether a parameter of this name carries a secret, judged by its name alone. */
    public boolean isSecretKey(String key) {
        String normalized = key.toLowerCase(Locale.ROOT);
        if (STANDARD_EXACT_KEYS.contains(normalized)) {
            return true;
        }
        for (String fragment : keyFragments) {
            if (normalized.contains(fragment)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a value has the shape of a credential, whatever its key. */
    public static boolean looksLikeSecretValue(String value) {
        return SECRET_VALUE.matcher(value.strip()).matches();
    }

    /** Whether {@code parameters} are exactly what the standard redactor makes of them. */
    static boolean isRedacted(Map<String, String> parameters) {
        if (parameters.size() > MAX_PARAMETERS) {
            return false;
        }
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            String key = parameter.getKey();
            String value = parameter.getValue();
            if (key == null || value == null || !key.equals(cleanKey(key)) || !value.equals(STANDARD.redactValue(key, value))) {
                return false;
            }
        }
        return true;
    }

    private static String cleanKey(String key) {
        String cleaned = Checks.prefix(Checks.withoutControlCharacters(key), MAX_KEY_LENGTH);
        return cleaned.isEmpty() ? "(empty)" : cleaned;
    }
}

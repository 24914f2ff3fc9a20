package io.lakeward.audit.client.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedactorTest {
    private final Redactor redactor = Redactor.standard();

    @ParameterizedTest
    @ValueSource(strings = {"password", "PASSWORD", "newPassword", "db_passwd", "client_secret", "X-Client-Secret", "access_token",
            "refresh_token", "id_token", "api_key", "X-API-KEY", "apiKey", "Authorization", "proxy-authorization", "Cookie",
            "set-cookie", "aws_credentials", "credential", "session_id", "JSESSIONID", "signature", "private_key", "code", "state",
            "nonce", "code_verifier", "client_assertion", "sig"})
    void valuesOfSecretLookingKeysAreReplaced(String key) {
        Map<String, String> redacted = redactor.redact(Map.of(key, "hunter2-very-secret"));

        assertEquals(Map.of(key, Redactor.REDACTED), redacted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig", "basic dXNlcjpwYXNz",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc", "-----BEGIN PRIVATE KEY-----\nMIIE...", "dapi0123456789abcdef0123456789abcdef",
            "lkw_0Yq3JxQ7M2bT9vL8kPzR4nW6aHcE1sDfGhJkLmNoPqR5tU7"})
    void credentialShapedValuesAreReplacedWhateverTheKey(String value) {
        assertEquals(Map.of("q", Redactor.REDACTED), redactor.redact(Map.of("q", value)));
    }

    @Test
    void ordinaryParametersAreKeptInOrder() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("path", "/Users/ada/report");
        parameters.put("format", "SOURCE");
        parameters.put("cluster_id", "0301-123456-abc");
        parameters.put("author", "ada");

        Map<String, String> redacted = redactor.redact(parameters);

        assertEquals(parameters, redacted);
        assertEquals(List.copyOf(parameters.keySet()), List.copyOf(redacted.keySet()));
    }

    @Test
    void longValuesAreCutAndMarked() {
        String value = "x".repeat(10_000);

        String redacted = redactor.redact(Map.of("sql", value)).get("sql");

        assertEquals(Redactor.MAX_VALUE_LENGTH, redacted.length());
        assertTrue(redacted.endsWith(Redactor.TRUNCATION_MARK));
        assertTrue(redacted.startsWith("xxxxxxxx"));
    }

    @Test
    void cuttingNeverSplitsASurrogatePair() {
        int cut = Redactor.MAX_VALUE_LENGTH - Redactor.TRUNCATION_MARK.length();
        String value = "a".repeat(cut - 1) + "\uD83D\uDE00" + "tail".repeat(100);

        String redacted = redactor.redact(Map.of("text", value)).get("text");

        assertFalse(Character.isHighSurrogate(redacted.charAt(redacted.length() - Redactor.TRUNCATION_MARK.length() - 1)));
    }

    @Test
    void controlCharactersAreRemovedFromKeysAndValues() {
        Map<String, String> redacted = redactor.redact(Map.of("na\nme", "line1\r\nline2\u0000"));

        assertEquals(Map.of("na me", "line1  line2 "), redacted);
    }

    @Test
    void tooManyParametersAreCountedNotKept() {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            parameters.put("p" + i, "v" + i);
        }

        Map<String, String> redacted = redactor.redact(parameters);

        assertEquals(Redactor.MAX_PARAMETERS, redacted.size());
        assertEquals("37", redacted.get(Redactor.DROPPED_PARAMETERS_KEY));
        assertEquals("v0", redacted.get("p0"));
    }

    @Test
    void redactingTwiceChangesNothing() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("token", "abc");
        parameters.put("sql", "select 1 ".repeat(100));
        parameters.put("k".repeat(500), "v");
        parameters.put("plain", "value");

        Map<String, String> once = redactor.redact(parameters);

        assertEquals(once, redactor.redact(once));
        assertTrue(Redactor.isRedacted(once));
        assertFalse(Redactor.isRedacted(parameters));
    }

    @Test
    void additionalSecretKeysCanBeNamed() {
        Redactor stricter = redactor.withSecretKeyFragments("X-Lakeward-Internal");

        assertEquals(Redactor.REDACTED, stricter.redactValue("x-lakeward-internal-identity", "v1.abc"));
        assertEquals(Redactor.REDACTED, stricter.redactValue("password", "p"));
        assertEquals("v1.abc", redactor.redactValue("x-lakeward-internal-identity", "v1.abc"));
    }

    @Test
    void nullsBecomeEmptyOrAreCounted() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("flag", null);
        parameters.put(null, "orphan");

        Map<String, String> redacted = redactor.redact(parameters);

        assertEquals("", redacted.get("flag"));
        assertEquals("1", redacted.get(Redactor.DROPPED_PARAMETERS_KEY));
        assertEquals(Map.of(), redactor.redact(null));
    }
}

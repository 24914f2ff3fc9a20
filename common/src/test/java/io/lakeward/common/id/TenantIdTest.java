package io.lakeward.common.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TenantIdTest {
    @ParameterizedTest
    @ValueSource(strings = {"acme", "globex", "t-1a2b3c4d", "ab"})
    void acceptsHostLabelsThatAreRealmNames(String value) {
        assertEquals(value, TenantId.of(value).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "Acme", "1acme", "acme-", "ac.me", "ac_me", "acme.evil.example", "../acme", "acme%00",
            "a-very-long-tenant-identifier-beyond-forty-characters"})
    void rejectsAnythingThatCouldEscapeAHostLabelOrRealmName(String value) {
        assertThrows(IllegalArgumentException.class, () -> TenantId.of(value));
    }
}

package io.lakeward.infra.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

class TenantRealmSpecTest {
    @Test
    void acceptsATenant() {
        TenantRealmSpec spec = TenantRealmSpec.of("t-0a1b2c3d", "  Test tenant ", "https://T-0A1B2C3D.lakeward.localhost:9443", false);
        assertEquals("t-0a1b2c3d", spec.realm());
        assertEquals("Test tenant", spec.displayName());
        assertEquals(URI.create("https://t-0a1b2c3d.lakeward.localhost:9443"), spec.gatewayOrigin());
    }

    @Test
    void rejectsBadTenantIds() {
        for (String id : new String[] {"Acme", "acme_corp", "-acme", "acme-", "a", "acme/../master", "x".repeat(41)}) {
            assertThrows(IllegalArgumentException.class, () -> TenantRealmSpec.of(id, "Name", "https://acme.lakeward.localhost", false), id);
        }
    }

    @Test
    void rejectsReservedRealms() {
        assertThrows(IllegalArgumentException.class, () -> TenantRealmSpec.of("master", "Name", "https://master.lakeward.localhost", false));
        assertThrows(IllegalArgumentException.class,
                () -> TenantRealmSpec.of("lakeward-platform", "Name", "https://p.lakeward.localhost", false));
    }

    @Test
    void rejectsOriginsThatAreNotPlainHttpsOrigins() {
        for (String origin : new String[] {"http://acme.lakeward.localhost", "https://acme.lakeward.localhost/path",
                "https://acme.lakeward.localhost:9443/", "https://user@acme.lakeward.localhost", "https://acme.lakeward.localhost?x=1",
                "https://acme.lakeward.localhost#x", "acme.lakeward.localhost"}) {
            assertThrows(IllegalArgumentException.class, () -> TenantRealmSpec.of("acme", "Acme", origin, false), origin);
        }
    }

    @Test
    void rejectsBadDisplayNames() {
        for (String name : new String[] {"", "   ", "line\nbreak", "x".repeat(101)}) {
            assertThrows(IllegalArgumentException.class, () -> TenantRealmSpec.of("acme", name, "https://acme.lakeward.localhost", false));
        }
    }
}

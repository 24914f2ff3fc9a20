package io.lakeward.infra.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealmSecretsTest {
    @TempDir
    Path directory;

    @Test
    void generatedCredentialsAreLongAndDistinct() {
        RealmSecrets one = RealmSecrets.generate("acme", true, List.of("admin", "viewer"));
        RealmSecrets two = RealmSecrets.generate("acme", true, List.of("admin", "viewer"));
        assertTrue(one.automationClientSecret().reveal().length() >= 24);
        assertTrue(one.gatewayClientSecret().orElseThrow().reveal().length() >= 24);
        assertNotEquals(one.automationClientSecret(), two.automationClientSecret());
        assertNotEquals(one.automationClientSecret(), one.gatewayClientSecret().orElseThrow());
        for (int i = 0; i < 200; i++) {
            String password = RealmSecrets.password();
            assertTrue(password.length() >= 24);
            assertTrue(password.matches(".*[a-z].*") && password.matches(".*[A-Z].*") && password.matches(".*[0-9].*"), password);
        }
        assertFalse(one.toString().contains(one.automationClientSecret().reveal()), "toString is redacted");
    }

    @Test
    void writtenFileIsOwnerOnlyAndReadsBack() throws Exception {
        Path secrets = directory.resolve("secrets");
        RealmSecrets written = RealmSecrets.generate("acme", true, List.of("admin"));
        Path file = secrets.resolve("acme.json");
        written.write(file);

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        RealmSecrets read = RealmSecrets.read(file);
        assertEquals(written.automationClientSecret(), read.automationClientSecret());
        assertEquals(written.gatewayClientSecret(), read.gatewayClientSecret());
        assertEquals(written.userPasswords(), read.userPasswords());

        RealmSecrets replaced = RealmSecrets.generate("acme", false, List.of());
        replaced.write(file);
        assertTrue(RealmSecrets.read(file).gatewayClientSecret().isEmpty());
        try (var files = Files.list(secrets)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left");
        }
    }

    @Test
    void anExistingDirectoryIsNarrowedToOwnerOnly() throws Exception {
        Path secrets = Files.createDirectory(directory.resolve("open"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        RealmSecrets.generate("acme", true, List.of()).write(secrets.resolve("acme.json"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
    }
}

package io.lakeward.keyvault.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.config.Secret;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {
    @TempDir
    Path directory;

    @Test
    void generatedAtFirstStartIntoAnOwnerOnlyFileAndReadBackLater() throws Exception {
        Path file = directory.resolve("state/master.key");
        MasterKey created = MasterKey.loadOrCreate(file);

        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        assertEquals(MasterKey.LENGTH, Base64.getDecoder().decode(Files.readString(file).strip()).length);
        MasterKey loaded = MasterKey.loadOrCreate(file);
        assertArrayEquals(created.derive("purpose", 32), loaded.derive("purpose", 32));
        try (var entries = Files.list(file.getParent())) {
            assertEquals(1, entries.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aKeyFileOthersCanReadIsRefused() throws Exception {
        Path file = directory.resolve("master.key");
        MasterKey.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        LakewardException refused = assertThrows(LakewardException.class, () -> MasterKey.loadOrCreate(file));
        assertEquals(ErrorCode.INTERNAL_ERROR, refused.code());
        assertTrue(refused.getMessage().contains("owner only"));
    }

    @Test
    void aDamagedKeyFileIsRefusedWithoutEchoingItsContent() throws Exception {
        Path file = directory.resolve("master.key");
        Files.writeString(file, "c2hvcnQ=", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        LakewardException refused = assertThrows(LakewardException.class, () -> MasterKey.loadOrCreate(file));
        assertFalse(refused.getMessage().contains("c2hvcnQ"));
    }

    @Test
    void fromSecretAcceptsExactly32BytesAndNeverEchoesTheValue() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        MasterKey key = MasterKey.fromSecret(Secret.of(Base64.getEncoder().encodeToString(raw)));
        assertEquals(32, key.derive("x", 32).length);

        String tooShort = Base64.getEncoder().encodeToString(new byte[16]);
        LakewardException refused = assertThrows(LakewardException.class, () -> MasterKey.fromSecret(Secret.of(tooShort)));
        assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, refused.code());
        assertFalse(refused.getMessage().contains(tooShort));
        assertThrows(LakewardException.class, () -> MasterKey.fromSecret(Secret.of("not*base64")));
    }

    @Test
    void derivedKeysDependOnPurposeAndKey() {
        MasterKey one = MasterKey.generate(new SecureRandom());
        MasterKey two = MasterKey.generate(new SecureRandom());
        assertFalse(java.util.Arrays.equals(one.derive("a", 32), one.derive("b", 32)));
        assertFalse(java.util.Arrays.equals(one.derive("a", 32), two.derive("a", 32)));
    }

    @Test
    void toStringRevealsNothing() throws Exception {
        Path file = directory.resolve("master.key");
        MasterKey key = MasterKey.loadOrCreate(file);
        String text = Files.readString(file).strip();
        assertEquals("MasterKey[redacted]", key.toString());
        assertFalse(key.toString().contains(text));
    }
}

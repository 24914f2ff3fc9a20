package io.lakeward.keyvault.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.error.LakewardException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditSigningKeyTest {
    private static final byte[] MESSAGE = "tenant=acme first=1 last=1000".getBytes(StandardCharsets.UTF_8);

    @Test
    void generatedAtFirstStartOwnerOnlyAndTheSameKeyAfterwards(@TempDir Path directory) throws Exception {
        AuditSigningKey first = AuditSigningKey.loadOrCreate(directory);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve(AuditSigningKey.PRIVATE_KEY_FILE))));
        AuditSigningKey again = AuditSigningKey.loadOrCreate(directory);
        assertEquals(first.fingerprint(), again.fingerprint());
        assertTrue(first.publicKey().verifies(MESSAGE, again.sign(MESSAGE)), "the reloaded key signs as the first did");
        assertTrue(first.fingerprint().matches("SHA256:[0-9a-f]{64}"));
        assertFalse(first.toString().contains("PRIVATE"));
    }

    @Test
    void thePublicKeyExportsAndVerifiesOnItsOwn(@TempDir Path directory) throws Exception {
        AuditSigningKey key = AuditSigningKey.loadOrCreate(directory);
        AuditPublicKey exported = AuditPublicKey.fromPem(Files.readString(directory.resolve(AuditSigningKey.PUBLIC_KEY_FILE)));
        assertEquals(key.fingerprint(), exported.fingerprint());
        byte[] signature = key.sign(MESSAGE);
        assertTrue(exported.verifies(MESSAGE, signature));
        byte[] altered = MESSAGE.clone();
        altered[altered.length - 1] ^= 1;
        assertFalse(exported.verifies(altered, signature), "a changed message");
        signature[0] ^= 1;
        assertFalse(exported.verifies(MESSAGE, signature), "a changed signature");
        assertFalse(exported.verifiesBase64(MESSAGE, "not base64!"), "garbage is a failed check, not an exception");
        assertFalse(AuditSigningKey.generate().publicKey().verifies(MESSAGE, key.sign(MESSAGE)), "another key");
    }

    @Test
    void aKeyFileOthersMayReadIsRefused(@TempDir Path directory) throws Exception {
        AuditSigningKey.loadOrCreate(directory);
        Files.setPosixFilePermissions(directory.resolve(AuditSigningKey.PRIVATE_KEY_FILE), PosixFilePermissions.fromString("rw-r--r--"));
        LakewardException refused = assertThrows(LakewardException.class, () -> AuditSigningKey.loadOrCreate(directory));
        assertTrue(refused.getMessage().contains("owner-only"), refused.getMessage());
    }

    @Test
    void aPublicKeyFileOfAnotherKeyIsRefused(@TempDir Path directory) throws Exception {
        AuditSigningKey.loadOrCreate(directory);
        Files.writeString(directory.resolve(AuditSigningKey.PUBLIC_KEY_FILE), AuditSigningKey.generate().publicKey().toPem());
        assertThrows(LakewardException.class, () -> AuditSigningKey.loadOrCreate(directory));
    }

    @Test
    void onlyEd25519PublicKeysAreAccepted() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("EC");
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(rsa.generateKeyPair().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        assertThrows(LakewardException.class, () -> AuditPublicKey.fromPem(pem));
        assertThrows(LakewardException.class, () -> AuditPublicKey.fromPem("hello"));
    }
}

package io.lakeward.keyvault.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantKeyStoreTest {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    @TempDir
    Path directory;

    private final MasterKey masterKey = MasterKey.generate(new SecureRandom());

    private Path file() {
        return directory.resolve("tenant-keys.bcfks");
    }

    @Test
    void versionsAreCreatedRotatedAndSurviveAReopen() {
        TenantId acme = TenantId.of("acme");
        TenantKeyStore store = TenantKeyStore.open(file(), masterKey, BC);
        assertEquals(1, store.createTenant(acme));
        assertEquals(2, store.rotate(acme));
        assertEquals(3, store.rotate(acme));
        assertEquals(3, store.currentVersion(acme));
        byte[] v2 = store.key(acme, 2).orElseThrow().key().getEncoded();

        TenantKeyStore reopened = TenantKeyStore.open(file(), masterKey, BC);
        assertEquals(List.of(1, 2, 3), reopened.versions(acme));
        assertEquals(3, reopened.currentVersion(acme));
        assertTrue(java.util.Arrays.equals(v2, reopened.key(acme, 2).orElseThrow().key().getEncoded()));
    }

    @Test
    void aTenantIsCreatedOnceAndUnknownTenantsAreNotFound() {
        TenantKeyStore store = TenantKeyStore.open(file(), masterKey, BC);
        TenantId acme = TenantId.of("acme");
        store.createTenant(acme);
        assertEquals(ErrorCode.RESOURCE_ALREADY_EXISTS,
                assertThrows(LakewardException.class, () -> store.createTenant(acme)).code());
        TenantId unknown = TenantId.of("unknown");
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST,
                assertThrows(LakewardException.class, () -> store.rotate(unknown)).code());
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST,
                assertThrows(LakewardException.class, () -> store.currentVersion(unknown)).code());
        assertFalse(store.destroyTenant(unknown));
    }

    @Test
    void destroyRemovesEveryVersionFromTheFileAndLeavesOtherTenants() throws Exception {
        TenantId acme = TenantId.of("acme");
        TenantId globex = TenantId.of("globex");
        TenantKeyStore store = TenantKeyStore.open(file(), masterKey, BC);
        store.createTenant(acme);
        store.rotate(acme);
        store.createTenant(globex);

        assertTrue(store.destroyTenant(acme));
        assertFalse(store.hasTenant(acme));

        // read the file with the plain KeyStore API: the entries are gone from disk, not just from memory
        KeyStore raw = KeyStore.getInstance("BCFKS", BC);
        raw.load(new ByteArrayInputStream(Files.readAllBytes(file())), TenantKeyStore.password(masterKey));
        assertEquals(List.of("tenant/globex/v1"), Collections.list(raw.aliases()));

        TenantKeyStore reopened = TenantKeyStore.open(file(), masterKey, BC);
        assertFalse(reopened.hasTenant(acme));
        assertEquals(1, reopened.currentVersion(globex));
    }

    @Test
    void theFileIsOwnerOnlyAndRevealsNoKeyOrTenantWithoutThePassword() throws Exception {
        TenantId acme = TenantId.of("acme-secret-corp");
        TenantKeyStore store = TenantKeyStore.open(file(), masterKey, BC);
        store.createTenant(acme);
        store.rotate(acme);

        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file()));
        byte[] content = Files.readAllBytes(file());
        for (int version : store.versions(acme)) {
            byte[] key = store.key(acme, version).orElseThrow().key().getEncoded();
            assertFalse(contains(content, key), "raw key bytes of version " + version + " in the file");
        }
        assertFalse(contains(content, "acme-secret-corp".getBytes(StandardCharsets.UTF_8)), "tenant id readable in the file");
        assertFalse(contains(content, "tenant/".getBytes(StandardCharsets.UTF_8)), "aliases readable in the file");
        try (var entries = Files.list(directory)) {
            assertEquals(1, entries.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aWrongMasterKeyCannotOpenTheKeystore() {
        TenantKeyStore.open(file(), masterKey, BC).createTenant(TenantId.of("acme"));
        MasterKey wrong = MasterKey.generate(new SecureRandom());

        LakewardException refused = assertThrows(LakewardException.class, () -> TenantKeyStore.open(file(), wrong, BC));
        assertEquals(ErrorCode.INTERNAL_ERROR, refused.code());
        assertTrue(refused.getMessage().contains("master key is wrong or the file is corrupted"));
    }

    @Test
    void aCorruptedKeystoreIsRefused() throws Exception {
        TenantKeyStore.open(file(), masterKey, BC).createTenant(TenantId.of("acme"));
        byte[] content = Files.readAllBytes(file());
        content[content.length / 2] ^= 0x01;
        Files.write(file(), content);

        assertThrows(LakewardException.class, () -> TenantKeyStore.open(file(), masterKey, BC));
    }

    @Test
    void toStringRevealsNoKey() {
        TenantId acme = TenantId.of("acme");
        TenantKeyStore store = TenantKeyStore.open(file(), masterKey, BC);
        store.createTenant(acme);
        TenantKey key = store.currentKey(acme);
        assertEquals("TenantKey[version=1, key=redacted]", key.toString());
        assertFalse(store.toString().contains(new String(TenantKeyStore.password(masterKey))));
        assertFalse(store.toString().contains("acme"));
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}

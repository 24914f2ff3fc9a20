package io.lakeward.keyvault.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvelopeCipherTest {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final int CHUNK = 64;
    private static final int STREAM_HEADER = EnvelopeCipher.HEADER_LENGTH + 4 + 8;
    private static final String MESSAGE = "the tenant's notebook, row 42";

    @TempDir
    Path directory;

    private final SecureRandom random = new SecureRandom();
    private final MasterKey masterKey = MasterKey.generate(random);
    private final TenantId acme = TenantId.of("acme");
    private final TenantId globex = TenantId.of("globex");
    private TenantKeyStore keys;
    private EnvelopeCipher cipher;
    private ExecutorService executor;

    @BeforeEach
    void setUp() {
        keys = TenantKeyStore.open(keystoreFile(), masterKey, BC);
        keys.createTenant(acme);
        keys.createTenant(globex);
        cipher = new EnvelopeCipher(keys, random, CHUNK);
    }

    @AfterEach
    void tearDown() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private Path keystoreFile() {
        return directory.resolve("tenant-keys.bcfks");
    }

    @Test
    void roundTripsAndTheCiphertextHidesThePlaintext() {
        byte[] plaintext = MESSAGE.getBytes(StandardCharsets.UTF_8);
        byte[] envelope = cipher.encrypt(acme, "notebooks/1", plaintext);

        assertArrayEquals(plaintext, cipher.decrypt(acme, "notebooks/1", envelope));
        assertFalse(TenantKeyStoreTest.contains(envelope, plaintext));
        assertArrayEquals(new byte[] {'L', 'W', 'E', 'N', 1, 1, 0, 0, 0, 1}, Arrays.copyOf(envelope, 10));
        assertEquals(EnvelopeCipher.HEADER_LENGTH + 12 + plaintext.length + 16, envelope.length);
        assertArrayEquals(new byte[0], cipher.decrypt(acme, "empty", cipher.encrypt(acme, "empty", new byte[0])));
    }

    @Test
    void everySingleBitFlipAnywhereInTheEnvelopeIsRejected() {
        byte[] envelope = cipher.encrypt(acme, "notebooks/1", MESSAGE.getBytes(StandardCharsets.UTF_8));
        // covers magic, format version, type, key version, wrapped key (nonce, key, tag), nonce, ciphertext, tag
        for (int position = 0; position < envelope.length; position++) {
            for (int bit = 0; bit < 8; bit += 7) {
                byte[] tampered = envelope.clone();
                tampered[position] ^= (byte) (1 << bit);
                assertRejected(() -> cipher.decrypt(acme, "notebooks/1", tampered));
            }
        }
    }

    @Test
    void truncatedOrExtendedEnvelopesAreRejected() {
        byte[] envelope = cipher.encrypt(acme, "o", MESSAGE.getBytes(StandardCharsets.UTF_8));
        for (int length : new int[] {0, 5, EnvelopeCipher.HEADER_LENGTH, envelope.length - 1}) {
            assertRejected(() -> cipher.decrypt(acme, "o", Arrays.copyOf(envelope, length)));
        }
        assertRejected(() -> cipher.decrypt(acme, "o", Arrays.copyOf(envelope, envelope.length + 1)));
    }

    @Test
    void anEnvelopeMovedToAnotherTenantOrObjectFails() {
        byte[] envelope = cipher.encrypt(acme, "tables/t1/part-0", MESSAGE.getBytes(StandardCharsets.UTF_8));

        assertRejected(() -> cipher.decrypt(globex, "tables/t1/part-0", envelope));
        assertRejected(() -> cipher.decrypt(acme, "tables/t1/part-1", envelope));
        assertRejected(() -> cipher.decrypt(acme, "tables/t1/part-0 ", envelope));
    }

    @Test
    void aWrongKeyVersionFailsEvenWhenThatVersionExists() {
        byte[] envelope = cipher.encrypt(acme, "o", MESSAGE.getBytes(StandardCharsets.UTF_8));
        keys.rotate(acme);
        byte[] relabelled = envelope.clone();
        ByteBuffer.wrap(relabelled).putInt(6, 2);
        assertRejected(() -> cipher.decrypt(acme, "o", relabelled));
        ByteBuffer.wrap(relabelled).putInt(6, 99);
        assertRejected(() -> cipher.decrypt(acme, "o", relabelled));
    }

    @Test
    void noncesAndWrappedKeysAreUniqueAcrossManyEncryptions() {
        byte[] plaintext = MESSAGE.getBytes(StandardCharsets.UTF_8);
        Set<ByteBuffer> wrapNonces = new HashSet<>();
        Set<ByteBuffer> payloadNonces = new HashSet<>();
        Set<ByteBuffer> ciphertexts = new HashSet<>();
        int count = 20_000;
        for (int i = 0; i < count; i++) {
            byte[] envelope = cipher.encrypt(acme, "same-object", plaintext);
            wrapNonces.add(ByteBuffer.wrap(Arrays.copyOfRange(envelope, 10, 22)));
            payloadNonces.add(ByteBuffer.wrap(Arrays.copyOfRange(envelope, 70, 82)));
            ciphertexts.add(ByteBuffer.wrap(Arrays.copyOfRange(envelope, 82, envelope.length)));
        }
        assertEquals(count, wrapNonces.size());
        assertEquals(count, payloadNonces.size());
        assertEquals(count, ciphertexts.size(), "the same plaintext never gives the same ciphertext");
    }

    @Test
    void streamsRoundTripAtChunkBoundaries() throws IOException {
        for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17}) {
            byte[] plaintext = new byte[size];
            random.nextBytes(plaintext);
            byte[] envelope = encryptStream(acme, "big", plaintext);
            assertArrayEquals(plaintext, decryptStream(acme, "big", envelope), "size " + size);
            // a final chunk is empty only when the whole stream is
            int expectedChunks = Math.max(1, (size + CHUNK - 1) / CHUNK);
            assertEquals(expectedChunks, frames(envelope).size(), "size " + size);
        }
    }

    @Test
    void aLargeStreamUsesMebibyteChunks() throws IOException {
        EnvelopeCipher defaults = new EnvelopeCipher(keys);
        byte[] plaintext = new byte[3 * EnvelopeCipher.MAX_CHUNK_SIZE + 5];
        random.nextBytes(plaintext);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        defaults.encrypt(acme, "large", new ByteArrayInputStream(plaintext), out);
        byte[] envelope = out.toByteArray();
        assertEquals(4, frames(envelope).size());
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        defaults.decrypt(acme, "large", new ByteArrayInputStream(envelope), back);
        assertArrayEquals(plaintext, back.toByteArray());
        assertThrows(LakewardException.class, () -> new EnvelopeCipher(keys, random, EnvelopeCipher.MAX_CHUNK_SIZE + 1));
    }

    @Test
    void streamTruncationReorderAndDuplicationAreDetected() throws IOException {
        byte[] plaintext = new byte[4 * CHUNK + 10];
        random.nextBytes(plaintext);
        byte[] envelope = encryptStream(acme, "big", plaintext);
        byte[] header = Arrays.copyOf(envelope, STREAM_HEADER);
        List<byte[]> frames = frames(envelope);
        assertEquals(5, frames.size());

        // the final chunk dropped: the rest authenticates chunk by chunk, but the end is missing
        assertStreamRejected(assemble(header, frames.subList(0, 4)));
        // cut inside a chunk, and cut right after the header
        assertStreamRejected(Arrays.copyOf(envelope, envelope.length - 5));
        assertStreamRejected(header);
        // two chunks swapped
        List<byte[]> swapped = new ArrayList<>(frames);
        swapped.set(1, frames.get(2));
        swapped.set(2, frames.get(1));
        assertStreamRejected(assemble(header, swapped));
        // a chunk duplicated
        List<byte[]> duplicated = new ArrayList<>(frames);
        duplicated.add(2, frames.get(1));
        assertStreamRejected(assemble(header, duplicated));
        // a middle chunk relabelled as final, which would silently truncate
        List<byte[]> earlyEnd = new ArrayList<>(frames.subList(0, 2));
        byte[] relabelled = frames.get(1).clone();
        relabelled[0] = 1;
        earlyEnd.set(1, relabelled);
        assertStreamRejected(assemble(header, earlyEnd));
        // data after the final chunk
        assertStreamRejected(assemble(header, List.of(frames.get(0), frames.get(1), frames.get(2), frames.get(3), frames.get(4), frames.get(4))));
        // the chunk size in the header changed
        byte[] resized = envelope.clone();
        ByteBuffer.wrap(resized).putInt(EnvelopeCipher.HEADER_LENGTH, CHUNK + 1);
        assertStreamRejected(resized);
        // the untouched stream still decrypts: the failures above are caused by the tampering
        assertArrayEquals(plaintext, decryptStream(acme, "big", envelope));
    }

    @Test
    void everyBitFlipInAStreamIsRejected() throws IOException {
        byte[] plaintext = new byte[2 * CHUNK + 3];
        random.nextBytes(plaintext);
        byte[] envelope = encryptStream(acme, "big", plaintext);
        for (int position = 0; position < envelope.length; position++) {
            byte[] tampered = envelope.clone();
            tampered[position] ^= 0x01;
            assertStreamRejected(tampered);
        }
    }

    @Test
    void aStreamMovedToAnotherTenantOrObjectFailsAndTypesDoNotMix() throws IOException {
        byte[] envelope = encryptStream(acme, "big", new byte[3 * CHUNK]);
        assertRejected(() -> decryptStream(globex, "big", envelope));
        assertRejected(() -> decryptStream(acme, "other", envelope));
        assertRejected(() -> cipher.decrypt(acme, "big", envelope));
        byte[] single = cipher.encrypt(acme, "big", new byte[100]);
        assertRejected(() -> decryptStream(acme, "big", single));
    }

    @Test
    void rotationKeepsOldDataReadableAndRewrapMovesOnlyTheDataKey() throws IOException {
        byte[] plaintext = MESSAGE.getBytes(StandardCharsets.UTF_8);
        byte[] old = cipher.encrypt(acme, "o", plaintext);
        byte[] oldStream = encryptStream(acme, "s", new byte[2 * CHUNK + 1]);
        assertEquals(1, EnvelopeCipher.keyVersionOf(old));

        assertEquals(2, keys.rotate(acme));
        byte[] fresh = cipher.encrypt(acme, "o", plaintext);
        assertEquals(2, EnvelopeCipher.keyVersionOf(fresh));
        assertArrayEquals(plaintext, cipher.decrypt(acme, "o", old));

        byte[] rewrapped = cipher.rewrap(acme, "o", old);
        assertEquals(2, EnvelopeCipher.keyVersionOf(rewrapped));
        assertArrayEquals(Arrays.copyOfRange(old, EnvelopeCipher.HEADER_LENGTH, old.length),
                Arrays.copyOfRange(rewrapped, EnvelopeCipher.HEADER_LENGTH, rewrapped.length), "payload untouched");
        assertArrayEquals(plaintext, cipher.decrypt(acme, "o", rewrapped));
        assertSame(rewrapped, cipher.rewrap(acme, "o", rewrapped));

        // a large object: rewrap its header alone and write it back in place
        byte[] newHeader = cipher.rewrap(acme, "s", Arrays.copyOf(oldStream, EnvelopeCipher.HEADER_LENGTH));
        byte[] patched = oldStream.clone();
        System.arraycopy(newHeader, 0, patched, 0, newHeader.length);
        assertEquals(2, EnvelopeCipher.keyVersionOf(patched));
        assertArrayEquals(decryptStream(acme, "s", oldStream), decryptStream(acme, "s", patched));

        // rewrap checks the binding too: it cannot launder an envelope into another object or tenant
        assertRejected(() -> cipher.rewrap(acme, "other", old));
        assertRejected(() -> cipher.rewrap(globex, "o", old));
    }

    @Test
    void destroyingATenantShredsItsDataForGoodAndSparesOthers() throws IOException {
        byte[] plaintext = MESSAGE.getBytes(StandardCharsets.UTF_8);
        byte[] acmeOld = cipher.encrypt(acme, "o", plaintext);
        keys.rotate(acme);
        byte[] acmeNew = cipher.encrypt(acme, "o", plaintext);
        byte[] acmeStream = encryptStream(acme, "s", new byte[3 * CHUNK]);
        byte[] globexData = cipher.encrypt(globex, "o", plaintext);

        keys.destroyTenant(acme);
        assertRejected(() -> cipher.decrypt(acme, "o", acmeNew));

        // everything reopened from disk: the remaining keystore and the master key cannot help
        TenantKeyStore reopened = TenantKeyStore.open(keystoreFile(), masterKey, BC);
        EnvelopeCipher afterRestart = new EnvelopeCipher(reopened, new SecureRandom(), CHUNK);
        assertRejected(() -> afterRestart.decrypt(acme, "o", acmeOld));
        assertRejected(() -> afterRestart.decrypt(acme, "o", acmeNew));
        assertRejected(() -> afterRestart.decrypt(acme, "s", new ByteArrayInputStream(acmeStream), new ByteArrayOutputStream()));
        assertArrayEquals(plaintext, afterRestart.decrypt(globex, "o", globexData));

        // a tenant re-created under the same id gets new keys; the old data stays unreadable
        reopened.createTenant(acme);
        reopened.rotate(acme);
        assertRejected(() -> afterRestart.decrypt(acme, "o", acmeOld));
        assertRejected(() -> afterRestart.decrypt(acme, "o", acmeNew));
    }

    @Test
    void unknownTenantsCannotEncrypt() {
        LakewardException failure = assertThrows(LakewardException.class,
                () -> cipher.encrypt(TenantId.of("nobody"), "o", new byte[1]));
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, failure.code());
        assertThrows(LakewardException.class, () -> cipher.encrypt(acme, "", new byte[1]));
    }

    @Test
    void concurrentEncryptAndDecryptDuringRotationLoseNothing() throws Exception {
        int workers = 4;
        int rotations = 5;
        executor = Executors.newFixedThreadPool(workers);
        AtomicBoolean rotating = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Object[]> written = new ConcurrentLinkedQueue<>();
        List<Future<Integer>> results = new ArrayList<>();
        for (int worker = 0; worker < workers; worker++) {
            int id = worker;
            results.add(executor.submit(() -> {
                int done = 0;
                // keep working until the rotations are over, so the two really overlap
                while (rotating.get() || done < 50) {
                    String objectId = "w" + id + "/" + done;
                    byte[] plaintext = objectId.getBytes(StandardCharsets.UTF_8);
                    byte[] envelope = cipher.encrypt(acme, objectId, plaintext);
                    if (!Arrays.equals(plaintext, cipher.decrypt(acme, objectId, envelope))) {
                        throw new AssertionError("round trip failed for " + objectId);
                    }
                    written.add(new Object[] {objectId, envelope});
                    done++;
                }
                return done;
            }));
        }
        for (int i = 0; i < rotations; i++) {
            keys.rotate(acme);
        }
        rotating.set(false);
        int total = 0;
        for (Future<Integer> result : results) {
            total += result.get(60, TimeUnit.SECONDS);
        }

        assertEquals(total, written.size());
        Set<Integer> versionsSeen = new HashSet<>();
        for (Object[] entry : written) {
            byte[] envelope = (byte[]) entry[1];
            versionsSeen.add(EnvelopeCipher.keyVersionOf(envelope));
            assertArrayEquals(((String) entry[0]).getBytes(StandardCharsets.UTF_8), cipher.decrypt(acme, (String) entry[0], envelope));
        }
        assertTrue(versionsSeen.size() > 1, "encryptions spanned several key versions: " + versionsSeen);
        assertEquals(1 + rotations, keys.currentVersion(acme));
    }

    @Test
    void failuresAndToStringRevealNoKeyMaterial() {
        byte[] envelope = cipher.encrypt(acme, "o", MESSAGE.getBytes(StandardCharsets.UTF_8));
        LakewardException failure = assertThrows(LakewardException.class, () -> cipher.decrypt(globex, "o", envelope));
        assertEquals("the envelope cannot be decrypted", failure.getMessage());
        assertEquals(null, failure.getCause());
        assertEquals("EnvelopeCipher[chunkSize=" + CHUNK + "]", cipher.toString());
        assertNotEquals(-1, keys.toString().indexOf("TenantKeyStore["));
    }

    private byte[] encryptStream(TenantId tenant, String objectId, byte[] plaintext) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        cipher.encrypt(tenant, objectId, new ByteArrayInputStream(plaintext), out);
        return out.toByteArray();
    }

    private byte[] decryptStream(TenantId tenant, String objectId, byte[] envelope) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        cipher.decrypt(tenant, objectId, new ByteArrayInputStream(envelope), out);
        return out.toByteArray();
    }

    private void assertStreamRejected(byte[] envelope) {
        assertRejected(() -> decryptStream(acme, "big", envelope));
    }

    /** Splits a chunked envelope into its frames (flag, length, ciphertext), as written. */
    private static List<byte[]> frames(byte[] envelope) {
        List<byte[]> frames = new ArrayList<>();
        int offset = STREAM_HEADER;
        while (offset < envelope.length) {
            int length = ByteBuffer.wrap(envelope, offset + 1, 4).getInt();
            frames.add(Arrays.copyOfRange(envelope, offset, offset + 5 + length));
            offset += 5 + length;
        }
        return frames;
    }

    private static byte[] assemble(byte[] header, List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        frames.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static void assertRejected(ThrowingRunnable action) {
        LakewardException failure = assertThrows(LakewardException.class, action::run);
        assertEquals(ErrorCode.INTERNAL_ERROR, failure.code());
        assertEquals("the envelope cannot be decrypted", failure.getMessage());
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}

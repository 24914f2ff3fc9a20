package io.lakeward.keyvault.keys;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envelope encryption of tenant data: each object gets a fresh random AES-256 data key, which
 * encrypts the payload with AES-256-GCM (JCE) and is itself wrapped with AES-256-GCM under the
 * tenant's current key-encryption key from the {@link TenantKeyStore}. Thread-safe.
 *
 * <p>Binding. The wrapped data key's associated data is the tenant id, the object id and the KEK
 * version; the payload's associated data is the tenant id and the object id (plus, when chunked,
 * chunk size, chunk index and final flag). An envelope moved to another tenant or object, or
 * relabelled with another key version, therefore fails. The KEK version is left out of the
 * payload's associated data on purpose so that {@link #rewrap} can move a data key to the current
 * version without re-encrypting the payload.
 *
 * <p>Envelope format version 1 (all integers big-endian):
 * <pre>
 * offset size
 *  0      4   magic "LWEN"
 *  4      1   format version = 1
 *  5      1   type: 1 = single, 2 = chunked stream
 *  6      4   KEK version (1..2^31-1)
 * 10     60   wrapped data key: 12-byte nonce | 32-byte encrypted key | 16-byte GCM tag
 * 70          type 1: 12-byte random nonce | ciphertext | 16-byte GCM tag
 *             type 2: 4-byte chunk size (1..1 MiB) | 8-byte random nonce prefix | chunks, each
 *                     1-byte flag (0 = more follow, 1 = final) | 4-byte length | ciphertext | tag
 * </pre>
 * Chunk {@code i} uses the nonce {@code prefix | i (4 bytes)}; a stream ends with exactly one chunk
 * flagged final (possibly empty), so truncation, reordering and duplication of chunks are detected.
 *
 * <p>Every failure to decrypt is a {@link LakewardException} {@code INTERNAL_ERROR} with the same
 * generic message, whatever the cause (unknown or destroyed key, tampering, wrong tenant or object),
 * so that neither key material nor an oracle leaks.
 */
public final class EnvelopeCipher {
    /** Bytes before the payload, the same for both types; {@link #rewrap} touches only these. */
    public static final int HEADER_LENGTH = 70;
    /** Largest plaintext chunk of a chunked stream. */
    public static final int MAX_CHUNK_SIZE = 1 << 20;

    static final byte[] MAGIC = {'L', 'W', 'E', 'N'};
    static final byte FORMAT_VERSION = 1;
    static final byte TYPE_SINGLE = 1;
    static final byte TYPE_STREAM = 2;
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final int TAG_BITS = TAG_BYTES * 8;
    private static final int WRAPPED_KEY_BYTES = NONCE_BYTES + KEY_BYTES + TAG_BYTES;
    private static final int NONCE_PREFIX_BYTES = 8;
    private static final int STREAM_HEADER_LENGTH = HEADER_LENGTH + 4 + NONCE_PREFIX_BYTES;
    private static final long MAX_CHUNKS = 1L << 32;
    private static final int MAX_OBJECT_ID_BYTES = 1024;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final byte[] WRAP_LABEL = "lakeward/data-key-wrap".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PAYLOAD_LABEL = "lakeward/payload".getBytes(StandardCharsets.US_ASCII);
    private static final String CANNOT_DECRYPT = "the envelope cannot be decrypted";
    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeCipher.class);

    private final TenantKeyStore keys;
    private final SecureRandom random;
    private final int chunkSize;

    /** An envelope cipher over {@code keys} with chunks of {@link #MAX_CHUNK_SIZE}. */
    public EnvelopeCipher(TenantKeyStore keys) {
        this(keys, new SecureRandom(), MAX_CHUNK_SIZE);
    }

    /** An envelope cipher writing streams in chunks of {@code chunkSize} plaintext bytes (1 to 1 MiB). */
    public EnvelopeCipher(TenantKeyStore keys, SecureRandom random, int chunkSize) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.random = Objects.requireNonNull(random, "random");
        if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
            throw LakewardException.invalidParameter("the chunk size must be between 1 and " + MAX_CHUNK_SIZE + " bytes");
        }
        this.chunkSize = chunkSize;
    }

    /** Encrypts {@code plaintext} of object {@code objectId} for {@code tenant} under its current key version. */
    public byte[] encrypt(TenantId tenant, String objectId, byte[] plaintext) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] objectIdBytes = objectIdBytes(objectId);
        TenantKey kek = keys.currentKey(Objects.requireNonNull(tenant, "tenant"));
        byte[] dataKey = newDataKey();
        try {
            byte[] header = header(TYPE_SINGLE, kek, dataKey, tenant, objectIdBytes);
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, dataKey, nonce);
            cipher.updateAAD(payloadAad(TYPE_SINGLE, tenant, objectIdBytes));
            byte[] ciphertext = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(header.length + NONCE_BYTES + ciphertext.length)
                    .put(header).put(nonce).put(ciphertext).array();
        } catch (GeneralSecurityException e) {
            throw encryptionFailure(e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** Decrypts a single envelope made by {@link #encrypt(TenantId, String, byte[])} for the same tenant and object. */
    public byte[] decrypt(TenantId tenant, String objectId, byte[] envelope) {
        Objects.requireNonNull(envelope, "envelope");
        byte[] objectIdBytes = objectIdBytes(objectId);
        Objects.requireNonNull(tenant, "tenant");
        if (envelope.length < HEADER_LENGTH + NONCE_BYTES + TAG_BYTES) {
            throw cannotDecrypt("envelope too short");
        }
        Header header = Header.parse(envelope);
        if (header.type() != TYPE_SINGLE) {
            throw cannotDecrypt("not a single envelope");
        }
        byte[] dataKey = unwrap(tenant, objectIdBytes, header);
        try {
            byte[] nonce = Arrays.copyOfRange(envelope, HEADER_LENGTH, HEADER_LENGTH + NONCE_BYTES);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, dataKey, nonce);
            cipher.updateAAD(payloadAad(TYPE_SINGLE, tenant, objectIdBytes));
            int offset = HEADER_LENGTH + NONCE_BYTES;
            return cipher.doFinal(envelope, offset, envelope.length - offset);
        } catch (GeneralSecurityException e) {
            throw cannotDecrypt("payload authentication failed");
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * Encrypts everything {@code in} yields into a chunked envelope written to {@code out}, holding at
     * most two chunks in memory. The streams are not closed.
     */
    public void encrypt(TenantId tenant, String objectId, InputStream in, OutputStream out) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        byte[] objectIdBytes = objectIdBytes(objectId);
        TenantKey kek = keys.currentKey(Objects.requireNonNull(tenant, "tenant"));
        byte[] dataKey = newDataKey();
        try {
            SecretKey key = new SecretKeySpec(dataKey, "AES");
            byte[] prefix = new byte[NONCE_PREFIX_BYTES];
            random.nextBytes(prefix);
            out.write(header(TYPE_STREAM, kek, dataKey, tenant, objectIdBytes));
            out.write(ByteBuffer.allocate(4).putInt(chunkSize).array());
            out.write(prefix);
            byte[] aadStart = payloadAad(TYPE_STREAM, tenant, objectIdBytes);
            byte[] current = new byte[chunkSize];
            byte[] next = new byte[chunkSize];
            int currentLength = in.readNBytes(current, 0, chunkSize);
            for (long index = 0; ; index++) {
                int nextLength = currentLength < chunkSize ? 0 : in.readNBytes(next, 0, chunkSize);
                boolean last = nextLength == 0;
                if (index >= MAX_CHUNKS) {
                    throw LakewardException.invalidParameter("the object is too large for one envelope");
                }
                Cipher cipher = Cipher.getInstance(TRANSFORMATION);
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, chunkNonce(prefix, index)));
                cipher.updateAAD(chunkAad(aadStart, chunkSize, index, last));
                byte[] ciphertext = cipher.doFinal(current, 0, currentLength);
                out.write(last ? 1 : 0);
                out.write(ByteBuffer.allocate(4).putInt(ciphertext.length).array());
                out.write(ciphertext);
                if (last) {
                    return;
                }
                byte[] swap = current;
                current = next;
                next = swap;
                currentLength = nextLength;
            }
        } catch (GeneralSecurityException e) {
            throw encryptionFailure(e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * Decrypts a chunked envelope from {@code in} to {@code out}. Each chunk is authenticated before
     * its plaintext is written, but the object as a whole is authentic only when this method returns
     * normally: on a failure (truncation, reordering, tampering) the caller must discard what was
     * written. The streams are not closed.
     */
    public void decrypt(TenantId tenant, String objectId, InputStream in, OutputStream out) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        byte[] objectIdBytes = objectIdBytes(objectId);
        Objects.requireNonNull(tenant, "tenant");
        byte[] start = in.readNBytes(STREAM_HEADER_LENGTH);
        if (start.length < STREAM_HEADER_LENGTH) {
            throw cannotDecrypt("stream header truncated");
        }
        Header header = Header.parse(start);
        if (header.type() != TYPE_STREAM) {
            throw cannotDecrypt("not a chunked envelope");
        }
        ByteBuffer rest = ByteBuffer.wrap(start, HEADER_LENGTH, 4 + NONCE_PREFIX_BYTES);
        int size = rest.getInt();
        if (size < 1 || size > MAX_CHUNK_SIZE) {
            throw cannotDecrypt("chunk size out of range");
        }
        byte[] prefix = new byte[NONCE_PREFIX_BYTES];
        rest.get(prefix);
        byte[] dataKey = unwrap(tenant, objectIdBytes, header);
        try {
            SecretKey key = new SecretKeySpec(dataKey, "AES");
            byte[] aadStart = payloadAad(TYPE_STREAM, tenant, objectIdBytes);
            for (long index = 0; index < MAX_CHUNKS; index++) {
                int flag = in.read();
                byte[] lengthBytes = in.readNBytes(4);
                if (flag < 0 || lengthBytes.length < 4) {
                    throw cannotDecrypt("stream truncated");
                }
                if (flag > 1) {
                    throw cannotDecrypt("bad chunk flag");
                }
                int length = ByteBuffer.wrap(lengthBytes).getInt();
                if (length < TAG_BYTES || length > size + TAG_BYTES) {
                    throw cannotDecrypt("chunk length out of range");
                }
                byte[] ciphertext = in.readNBytes(length);
                if (ciphertext.length < length) {
                    throw cannotDecrypt("stream truncated");
                }
                boolean last = flag == 1;
                byte[] plaintext;
                try {
                    Cipher cipher = Cipher.getInstance(TRANSFORMATION);
                    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, chunkNonce(prefix, index)));
                    cipher.updateAAD(chunkAad(aadStart, size, index, last));
                    plaintext = cipher.doFinal(ciphertext);
                } catch (GeneralSecurityException e) {
                    throw cannotDecrypt("chunk authentication failed");
                }
                out.write(plaintext);
                if (last) {
                    if (in.read() != -1) {
                        throw cannotDecrypt("data after the final chunk");
                    }
                    return;
                }
            }
            throw cannotDecrypt("too many chunks");
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * Wraps the data key of an envelope (single or chunked) again under the tenant's current key
     * version, leaving the payload untouched. Only the first {@link #HEADER_LENGTH} bytes are read and
     * replaced, so a caller may pass just the header of a large stored object and write the result
     * back in place. Returns {@code envelope} itself when it already uses the current version. Fails
     * like {@link #decrypt} when the envelope does not belong to this tenant and object.
     */
    public byte[] rewrap(TenantId tenant, String objectId, byte[] envelope) {
        Objects.requireNonNull(envelope, "envelope");
        byte[] objectIdBytes = objectIdBytes(objectId);
        TenantKey current = keys.currentKey(Objects.requireNonNull(tenant, "tenant"));
        if (envelope.length < HEADER_LENGTH) {
            throw cannotDecrypt("envelope too short");
        }
        Header header = Header.parse(envelope);
        // unwrap first even when nothing is to change: rewrap must not vouch for a foreign envelope
        byte[] dataKey = unwrap(tenant, objectIdBytes, header);
        try {
            if (header.keyVersion() == current.version()) {
                return envelope;
            }
            byte[] newHeader = header(header.type(), current, dataKey, tenant, objectIdBytes);
            byte[] result = envelope.clone();
            System.arraycopy(newHeader, 0, result, 0, HEADER_LENGTH);
            return result;
        } catch (GeneralSecurityException e) {
            throw encryptionFailure(e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** The KEK version an envelope (or its header) is wrapped under, e.g. to find envelopes to rewrap. */
    public static int keyVersionOf(byte[] envelope) {
        if (envelope == null || envelope.length < HEADER_LENGTH) {
            throw cannotDecrypt("envelope too short");
        }
        return Header.parse(envelope).keyVersion();
    }

    private byte[] header(byte type, TenantKey kek, byte[] dataKey, TenantId tenant, byte[] objectIdBytes)
            throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        Cipher wrap = Cipher.getInstance(TRANSFORMATION);
        wrap.init(Cipher.ENCRYPT_MODE, kek.key(), new GCMParameterSpec(TAG_BITS, nonce));
        wrap.updateAAD(wrapAad(kek.version(), tenant, objectIdBytes));
        byte[] wrapped = wrap.doFinal(dataKey);
        return ByteBuffer.allocate(HEADER_LENGTH)
                .put(MAGIC).put(FORMAT_VERSION).put(type).putInt(kek.version())
                .put(nonce).put(wrapped)
                .array();
    }

    private byte[] unwrap(TenantId tenant, byte[] objectIdBytes, Header header) {
        Optional<TenantKey> kek = keys.key(tenant, header.keyVersion());
        if (kek.isEmpty()) {
            throw cannotDecrypt("no such key version");
        }
        try {
            Cipher unwrap = Cipher.getInstance(TRANSFORMATION);
            unwrap.init(Cipher.DECRYPT_MODE, kek.get().key(),
                    new GCMParameterSpec(TAG_BITS, header.wrappedKey(), 0, NONCE_BYTES));
            unwrap.updateAAD(wrapAad(header.keyVersion(), tenant, objectIdBytes));
            byte[] dataKey = unwrap.doFinal(header.wrappedKey(), NONCE_BYTES, KEY_BYTES + TAG_BYTES);
            if (dataKey.length != KEY_BYTES) {
                throw cannotDecrypt("data key length");
            }
            return dataKey;
        } catch (GeneralSecurityException e) {
            throw cannotDecrypt("data key unwrap failed");
        }
    }

    private byte[] newDataKey() {
        byte[] dataKey = new byte[KEY_BYTES];
        random.nextBytes(dataKey);
        return dataKey;
    }

    private static Cipher cipher(int mode, byte[] dataKey, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(mode, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        return cipher;
    }

    private static byte[] chunkNonce(byte[] prefix, long index) {
        return ByteBuffer.allocate(NONCE_BYTES).put(prefix).putInt((int) index).array();
    }

    private static byte[] chunkAad(byte[] aadStart, int size, long index, boolean last) {
        return ByteBuffer.allocate(aadStart.length + 4 + 8 + 1)
                .put(aadStart).putInt(size).putLong(index).put((byte) (last ? 1 : 0))
                .array();
    }

    private static byte[] wrapAad(int keyVersion, TenantId tenant, byte[] objectIdBytes) {
        ByteArrayOutputStream aad = new ByteArrayOutputStream();
        aad.writeBytes(MAGIC);
        aad.write(FORMAT_VERSION);
        lengthPrefixed(aad, WRAP_LABEL);
        lengthPrefixed(aad, tenant.value().getBytes(StandardCharsets.UTF_8));
        lengthPrefixed(aad, objectIdBytes);
        aad.writeBytes(ByteBuffer.allocate(4).putInt(keyVersion).array());
        return aad.toByteArray();
    }

    private static byte[] payloadAad(byte type, TenantId tenant, byte[] objectIdBytes) {
        ByteArrayOutputStream aad = new ByteArrayOutputStream();
        aad.writeBytes(MAGIC);
        aad.write(FORMAT_VERSION);
        aad.write(type);
        lengthPrefixed(aad, PAYLOAD_LABEL);
        lengthPrefixed(aad, tenant.value().getBytes(StandardCharsets.UTF_8));
        lengthPrefixed(aad, objectIdBytes);
        return aad.toByteArray();
    }

    private static void lengthPrefixed(ByteArrayOutputStream out, byte[] value) {
        // length prefixes keep ("ab","c") and ("a","bc") apart
        out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
        out.writeBytes(value);
    }

    private static byte[] objectIdBytes(String objectId) {
        if (objectId == null || objectId.isEmpty()) {
            throw LakewardException.invalidParameter("an object id is required");
        }
        byte[] bytes = objectId.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_OBJECT_ID_BYTES) {
            throw LakewardException.invalidParameter("an object id is at most " + MAX_OBJECT_ID_BYTES + " bytes");
        }
        return bytes;
    }

    private static LakewardException cannotDecrypt(String reason) {
        // the reason helps operators and reveals nothing secret; the caller only sees the generic message
        LOG.debug("Envelope rejected: {}", reason);
        return new LakewardException(ErrorCode.INTERNAL_ERROR, CANNOT_DECRYPT);
    }

    private static LakewardException encryptionFailure(GeneralSecurityException e) {
        LOG.error("Envelope encryption failed: {}", e.getClass().getSimpleName());
        return new LakewardException(ErrorCode.INTERNAL_ERROR, "the data cannot be encrypted");
    }

    @Override
    public String toString() {
        return "EnvelopeCipher[chunkSize=" + chunkSize + "]";
    }

    /** The fixed-length header shared by both envelope types. */
    private record Header(byte type, int keyVersion, byte[] wrappedKey) {
        static Header parse(byte[] bytes) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, HEADER_LENGTH);
            byte[] magic = new byte[MAGIC.length];
            buffer.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw cannotDecrypt("bad magic");
            }
            if (buffer.get() != FORMAT_VERSION) {
                throw cannotDecrypt("unknown format version");
            }
            byte type = buffer.get();
            if (type != TYPE_SINGLE && type != TYPE_STREAM) {
                throw cannotDecrypt("unknown envelope type");
            }
            int keyVersion = buffer.getInt();
            if (keyVersion < 1) {
                throw cannotDecrypt("bad key version");
            }
            byte[] wrappedKey = new byte[WRAPPED_KEY_BYTES];
            buffer.get(wrappedKey);
            return new Header(type, keyVersion, wrappedKey);
        }

        @Override
        public String toString() {
            return "Header[type=" + type + ", keyVersion=" + keyVersion + "]";
        }
    }
}

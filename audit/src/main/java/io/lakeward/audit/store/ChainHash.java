package io.lakeward.audit.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash that links each record of a log to the one before it:
 *
 * <pre>
 *   hash(n) = SHA-256( "lakeward-audit-chain-v1" LF log LF sequence LF hash(n-1) LF event-json )
 * </pre>
 *
 * in lowercase hexadecimal, where {@code log} is the tenant id (or {@code _platform}),
 * {@code sequence} the record's decimal sequence number, {@code hash(0)} 64 zeros and
 * {@code event-json} the exact bytes of the stored event (the platform mapper's JSON, UTF-8). The
 * log name and sequence are inside the hash, so a record moved to another log or position no
 * longer verifies.
 */
public final class ChainHash {
    /** The previous hash of a log's first record. */
    public static final String GENESIS = "0".repeat(64);
    private static final byte[] DOMAIN = "lakeward-audit-chain-v1\n".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ChainHash::newDigest);

    private ChainHash() {
    }

    public static String of(String log, long sequence, String previousHash, byte[] eventJson) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        digest.update(DOMAIN);
        digest.update(log.getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) '\n');
        digest.update(Long.toString(sequence).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) '\n');
        digest.update(previousHash.getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) '\n');
        digest.update(eventJson);
        return HEX.formatHex(digest.digest());
    }

    /** SHA-256 of {@code bytes}, lowercase hexadecimal. */
    public static String sha256(byte[] bytes) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return HEX.formatHex(digest.digest(bytes));
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static boolean isHash(String text) {
        if (text == null || text.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}

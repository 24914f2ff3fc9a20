package io.lakeward.audit.client.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The on-disk form of the outbox. A segment file {@code segment-<first sequence, 20 digits>.log}
 * holds records back to back, each:
 *
 * <pre>
 *   magic     4 bytes  0x4C574101 ("LWA" + format version 1)
 *   length    4 bytes  payload length, big-endian
 *   sequence  8 bytes  the record's sequence number, big-endian; the n-th record of a segment has base + n
 *   crc32c    4 bytes  CRC32C over magic, length, sequence and payload
 *   payload   length bytes: the event's JSON (UTF-8)
 * </pre>
 *
 * JSON never contains the byte 0x01, so a magic number is found only at the start of a record;
 * recovery relies on this to find the intact records after a damaged one.
 */
final class RecordFormat {
    static final int MAGIC = 0x4C574101;
    static final int HEADER_BYTES = 20;
    /** The largest payload the format accepts; a larger length is damage, not a record. */
    static final int MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

    private static final Pattern SEGMENT_NAME = Pattern.compile("segment-(\\d{20})\\.log");

    private RecordFormat() {
    }

    /** One intact record read from a segment; {@code end} is the offset just past it. */
    record StoredRecord(long sequence, byte[] payload, long offset, long end) {
    }

    static String segmentFileName(long baseSequence) {
        return String.format("segment-%020d.log", baseSequence);
    }

    /** The base sequence of a segment file name, or -1 if the name is not a segment's. */
    static long baseSequenceOf(String fileName) {
        Matcher matcher = SEGMENT_NAME.matcher(fileName);
        if (!matcher.matches()) {
            return -1;
        }
        try {
            return Long.parseLong(matcher.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Appends one record to {@code buffer}, which must have room for {@code HEADER_BYTES + payload.length}. */
    static void write(ByteBuffer buffer, long sequence, byte[] payload) {
        int start = buffer.position();
        buffer.putInt(MAGIC).putInt(payload.length).putLong(sequence);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), buffer.arrayOffset() + start, 16);
        crc.update(payload);
        buffer.putInt((int) crc.getValue()).put(payload);
    }

    /**
     * The intact record at {@code offset}, or {@code null} when the bytes there are not one: short
     * (the segment ends inside it), a wrong magic number, an impossible length or a checksum mismatch.
     */
    static StoredRecord read(SegmentReader reader, long offset) throws IOException {
        ByteBuffer header = reader.bytes(offset, HEADER_BYTES);
        if (header == null || header.getInt(0) != MAGIC) {
            return null;
        }
        int length = header.getInt(4);
        long sequence = header.getLong(8);
        int storedCrc = header.getInt(16);
        if (length < 0 || length > MAX_PAYLOAD_BYTES || sequence < 0) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(header.duplicate().position(0).limit(16));
        ByteBuffer payloadBytes = reader.bytes(offset + HEADER_BYTES, length);
        if (payloadBytes == null) {
            return null;
        }
        crc.update(payloadBytes.duplicate());
        if ((int) crc.getValue() != storedCrc) {
            return null;
        }
        byte[] payload = new byte[length];
        payloadBytes.duplicate().get(payload);
        return new StoredRecord(sequence, payload, offset, offset + HEADER_BYTES + length);
    }

    /** Whether the four bytes at {@code offset} are the magic number. */
    static boolean magicAt(SegmentReader reader, long offset) throws IOException {
        ByteBuffer bytes = reader.bytes(offset, 4);
        return bytes != null && bytes.getInt(0) == MAGIC;
    }
}

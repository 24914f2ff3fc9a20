package io.lakeward.audit.client.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads byte ranges of a segment up to a limit through a window buffer, so that sequential record
 * reads cost one system call per window rather than two per record.
 */
final class SegmentReader {
    private static final int WINDOW_BYTES = 256 * 1024;

    private final FileChannel channel;
    private final long limit;
    private ByteBuffer window = ByteBuffer.allocate(WINDOW_BYTES);
    private long windowOffset;
    private int windowLength;

    SegmentReader(FileChannel channel, long limit) {
        this.channel = channel;
        this.limit = limit;
    }

    long limit() {
        return limit;
    }

    /** The byte at {@code offset} (0 to 255), or -1 past the limit. */
    int byteAt(long offset) throws IOException {
        ByteBuffer bytes = bytes(offset, 1);
        return bytes == null ? -1 : bytes.get(0) & 0xFF;
    }

    /** A read-only view of {@code [offset, offset + length)}, or {@code null} if that range passes the limit. */
    ByteBuffer bytes(long offset, int length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > limit) {
            return null;
        }
        if (offset < windowOffset || offset + length > windowOffset + windowLength) {
            fill(offset, length);
            if (windowLength < length) {
                return null;
            }
        }
        int start = (int) (offset - windowOffset);
        return window.asReadOnlyBuffer().position(start).limit(start + length).slice();
    }

    private void fill(long offset, int length) throws IOException {
        if (window.capacity() < length) {
            window = ByteBuffer.allocate(length);
        }
        window.clear();
        int wanted = (int) Math.min(window.capacity(), limit - offset);
        window.limit(wanted);
        while (window.hasRemaining()) {
            int read = channel.read(window, offset + window.position());
            if (read < 0) {
                break;
            }
        }
        windowOffset = offset;
        windowLength = window.position();
    }
}

package io.lakeward.audit.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the lines of a segment file up to a byte limit (the durable end), without decoding them:
 * each call to {@link #next()} fills {@link #line} and {@link #length}. A last line without its
 * line feed is reported as {@link #complete} {@code false}.
 */
final class SegmentLines implements AutoCloseable {
    private final InputStream in;
    private final long limit;
    private final byte[] buffer = new byte[256 * 1024];
    private int bufferStart;
    private int bufferEnd;
    private long consumed;
    byte[] line = new byte[4096];
    int length;
    long offset;
    boolean complete;

    SegmentLines(Path file, long limit) throws IOException {
        this.in = Files.newInputStream(file);
        this.limit = limit;
    }

    /** The next line, or false at the limit. */
    boolean next() throws IOException {
        offset = consumed;
        length = 0;
        while (true) {
            if (bufferStart == bufferEnd && !fill()) {
                complete = false;
                return length > 0;
            }
            for (int i = bufferStart; i < bufferEnd; i++) {
                if (buffer[i] == '\n') {
                    append(bufferStart, i - bufferStart);
                    consumed += i - bufferStart + 1;
                    bufferStart = i + 1;
                    complete = true;
                    return true;
                }
            }
            append(bufferStart, bufferEnd - bufferStart);
            consumed += bufferEnd - bufferStart;
            bufferStart = bufferEnd;
        }
    }

    private boolean fill() throws IOException {
        long remaining = limit - (consumed + (bufferEnd - bufferStart));
        if (remaining <= 0) {
            return false;
        }
        int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
        if (read <= 0) {
            return false;
        }
        bufferStart = 0;
        bufferEnd = read;
        return true;
    }

    private void append(int from, int count) {
        if (length + count > line.length) {
            byte[] larger = new byte[Math.max(line.length * 2, length + count)];
            System.arraycopy(line, 0, larger, 0, length);
            line = larger;
        }
        System.arraycopy(buffer, from, line, length, count);
        length += count;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

package io.lakeward.policy.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads the regular files of a small gzip-compressed tar archive (an OPA bundle) into memory:
 * ustar headers, with PAX and GNU long names. Sizes are capped, as the archive comes from outside.
 */
final class TarGz {
    private static final int BLOCK = 512;
    private static final long MAX_TOTAL_BYTES = 256L * 1024 * 1024;
    private static final int MAX_ENTRIES = 10_000;

    private TarGz() {
    }

    /** File name (without a leading slash) to content. */
    static Map<String, byte[]> read(Path archive) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
            String longName = null;
            byte[] header = new byte[BLOCK];
            long total = 0;
            for (int entries = 0; ; entries++) {
                if (!readBlock(in, header)) {
                    return files;
                }
                if (isZero(header)) {
                    return files;
                }
                long size = octal(header, 124, 12);
                total += size;
                if (total > MAX_TOTAL_BYTES || entries >= MAX_ENTRIES) {
                    throw new IOException("the archive holds more than " + MAX_ENTRIES + " entries or " + MAX_TOTAL_BYTES + " bytes");
                }
                byte type = header[156];
                byte[] content = readContent(in, (int) size);
                switch (type) {
                    case 'x' -> longName = paxPath(content);
                    case 'L' -> longName = cString(content, 0, content.length);
                    case '0', 0 -> {
                        String name = longName != null ? longName : name(header);
                        longName = null;
                        files.put(WasmPolicy.stripLeadingSlash(name), content);
                    }
                    default -> longName = null;
                }
            }
        }
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int read = in.readNBytes(block, 0, BLOCK);
        if (read == 0) {
            return false;
        }
        if (read < BLOCK) {
            throw new EOFException("truncated tar header");
        }
        return true;
    }

    private static byte[] readContent(InputStream in, int size) throws IOException {
        byte[] content = in.readNBytes(size);
        if (content.length < size) {
            throw new EOFException("truncated tar entry");
        }
        int padding = (BLOCK - size % BLOCK) % BLOCK;
        if (in.readNBytes(padding).length < padding) {
            throw new EOFException("truncated tar padding");
        }
        return content;
    }

    private static String name(byte[] header) {
        String name = cString(header, 0, 100);
        boolean ustar = cString(header, 257, 6).startsWith("ustar");
        String prefix = ustar ? cString(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** The {@code path} record of a PAX extended header ({@code "<length> path=<value>\n"} records). */
    private static String paxPath(byte[] content) {
        String records = new String(content, StandardCharsets.UTF_8);
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static long octal(byte[] header, int offset, int length) throws IOException {
        long value = 0;
        for (int i = offset; i < offset + length; i++) {
            byte b = header[i];
            if (b == 0 || b == ' ') {
                if (value > 0) {
                    break;
                }
                continue;
            }
            if (b < '0' || b > '7') {
                throw new IOException("not a tar archive (bad size field)");
            }
            value = value * 8 + (b - '0');
        }
        return value;
    }

    private static String cString(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}

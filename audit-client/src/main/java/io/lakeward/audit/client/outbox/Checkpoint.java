package io.lakeward.audit.client.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * The shipped position: the highest sequence the audit service acknowledged, in a small text file
 * replaced atomically (write a temporary file, fsync it, rename it over, fsync the directory).
 */
final class Checkpoint {
    static final String FILE_NAME = "shipped.checkpoint";
    static final String TEMPORARY_FILE_NAME = FILE_NAME + ".tmp";
    private static final String HEADER = "lakeward-audit-outbox-checkpoint 1\n";

    private Checkpoint() {
    }

    /** Thrown when the checkpoint file exists but is not one this code wrote. */
    static final class CorruptCheckpointException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptCheckpointException(String message) {
            super(message);
        }
    }

    /** The shipped position, or empty when nothing was ever shipped. */
    static OptionalLong read(Path directory) throws IOException {
        Files.deleteIfExists(directory.resolve(TEMPORARY_FILE_NAME));
        String text;
        try {
            text = Files.readString(directory.resolve(FILE_NAME), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (MalformedInputException e) {
            throw new CorruptCheckpointException("checkpoint is not UTF-8 text");
        }
        String[] lines = text.split("\n", -1);
        if (lines.length != 4 || !(lines[0] + "\n").equals(HEADER) || !lines[1].startsWith("shipped-through ")
                || !lines[2].startsWith("crc32c ") || !lines[3].isEmpty()) {
            throw new CorruptCheckpointException("checkpoint has an unknown layout");
        }
        String body = HEADER + lines[1] + "\n";
        if (!lines[2].substring("crc32c ".length()).equals(crcOf(body))) {
            throw new CorruptCheckpointException("checkpoint checksum does not match");
        }
        try {
            long shippedThrough = Long.parseLong(lines[1].substring("shipped-through ".length()));
            if (shippedThrough < 0) {
                throw new CorruptCheckpointException("checkpoint position is negative");
            }
            return OptionalLong.of(shippedThrough);
        } catch (NumberFormatException e) {
            throw new CorruptCheckpointException("checkpoint position is not a number");
        }
    }

    /** Replaces the checkpoint durably; when this returns, a crash cannot bring back an older position. */
    static void write(Path directory, long shippedThrough) throws IOException {
        String body = HEADER + "shipped-through " + shippedThrough + "\n";
        String text = body + "crc32c " + crcOf(body) + "\n";
        Path temporary = directory.resolve(TEMPORARY_FILE_NAME);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temporary, directory.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(directory);
    }

    /** Makes creations, renames and deletions of files in {@code directory} durable. */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static String crcOf(String body) {
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }
}

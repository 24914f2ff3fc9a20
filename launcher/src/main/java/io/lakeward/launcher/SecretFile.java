package io.lakeward.launcher;

import io.lakeward.common.config.Secret;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** A generated secret kept in one owner-only file of the state directory, made at first start. */
final class SecretFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFile() {
    }

    static synchronized Secret loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            String value = Files.readString(file).strip();
            if (value.length() < 24) {
                throw new IOException(file + " holds no usable secret; delete it together with the state it protects");
            }
            return Secret.of(value);
        }
        Path directory = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory.getParent());
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // created concurrently
            }
        }
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Path temporary = Files.createTempFile(directory, ".secret", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, value);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        return Secret.of(value);
    }
}

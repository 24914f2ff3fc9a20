package io.lakeward.launcher;

import io.lakeward.common.config.Secret;
import io.lakeward.common.files.SecretFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/** A generated secret kept in one owner-only file of the state directory, made at first start. */
final class SecretFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFile() {
    }

    static synchronized Secret loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            String value = SecretFiles.read(file).strip();
            if (value.length() < 24) {
                throw new IOException(file + " holds no usable secret; delete it together with the state it protects");
            }
            return Secret.of(value);
        }
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        SecretFiles.writeOwnerOnly(file, value);
        return Secret.of(value);
    }
}

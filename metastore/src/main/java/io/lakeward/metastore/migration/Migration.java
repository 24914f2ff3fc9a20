package io.lakeward.metastore.migration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One versioned schema change: {@code V<version>__<description>.sql}. Its checksum is the SHA-256
 * of the script as written (line endings normalized), before any placeholder is replaced, so that
 * a changed file is told apart from a changed configuration.
 */
public record Migration(int version, String description, String script, String checksum) {
    private static final Pattern FILE_NAME = Pattern.compile("V([1-9][0-9]{0,8})__([a-z0-9_]+)\\.sql");

    public Migration {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(checksum, "checksum");
        if (version < 1) {
            throw new IllegalArgumentException("migration versions start at 1");
        }
    }

    /** A migration from its file name and text. */
    public static Migration of(String fileName, String text) {
        Matcher matcher = FILE_NAME.matcher(fileName);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("a migration file is named V<version>__<lowercase_description>.sql, not " + fileName);
        }
        String normalized = text.replace("\r\n", "\n");
        return new Migration(Integer.parseInt(matcher.group(1)), matcher.group(2), normalized, sha256(normalized));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

package io.lakeward.common.identity;

import io.lakeward.common.files.SecretFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One HMAC-SHA256 key per internal service, so that an assertion made for one service is useless
 * at another even if it leaked. Generated at first start (256 bits each) and kept in an
 * owner-only file; the file holds key material, never logged or shown.
 */
public final class InternalServiceKeys {
    private static final Pattern SERVICE = Pattern.compile("[a-z][a-z0-9-]{1,40}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, SecretKey> keys;

    private InternalServiceKeys(Map<String, SecretKey> keys) {
        this.keys = Map.copyOf(keys);
    }

    /** Fresh keys for the given services (tests, or a first start). */
    public static InternalServiceKeys generate(List<String> services) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (String service : services) {
            keys.put(checked(service), newKey());
        }
        return new InternalServiceKeys(keys);
    }

    /**
     * Reads the keys kept in {@code file}, adding a key for any service that has none yet and
     * writing the file back atomically with owner-only permissions.
     */
    public static synchronized InternalServiceKeys loadOrCreate(Path file, List<String> services) throws IOException {
        Properties stored = new Properties();
        if (Files.exists(file)) {
            stored.load(new StringReader(SecretFiles.read(file)));
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        boolean changed = false;
        for (String service : services) {
            String encoded = stored.getProperty(checked(service));
            if (encoded == null) {
                SecretKey key = newKey();
                stored.setProperty(service, Base64.getEncoder().encodeToString(key.getEncoded()));
                keys.put(service, key);
                changed = true;
            } else {
                byte[] bytes = Base64.getDecoder().decode(encoded);
                if (bytes.length < 32) {
                    throw new IOException("the internal key of " + service + " is shorter than 256 bits");
                }
                keys.put(service, new SecretKeySpec(bytes, "HmacSHA256"));
            }
        }
        if (changed) {
            write(file, stored);
        }
        return new InternalServiceKeys(keys);
    }

    /** The key of {@code service}; a service with no key cannot be called. */
    public SecretKey keyOf(String service) {
        SecretKey key = keys.get(service);
        if (key == null) {
            throw new IllegalArgumentException("no internal key for service " + service);
        }
        return key;
    }

    private static void write(Path file, Properties stored) throws IOException {
        StringWriter text = new StringWriter();
        stored.store(text, "HMAC-SHA256 keys of the internal services; owner-only");
        SecretFiles.writeOwnerOnly(file, text.toString());
    }

    private static SecretKey newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return new SecretKeySpec(bytes, "HmacSHA256");
    }

    private static String checked(String service) {
        if (!SERVICE.matcher(service).matches()) {
            throw new IllegalArgumentException("service names are short lowercase words");
        }
        return service;
    }
}

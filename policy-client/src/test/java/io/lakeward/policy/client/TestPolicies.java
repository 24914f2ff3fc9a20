package io.lakeward.policy.client;

import io.lakeward.testing.opa.TestingOpa;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The test policies under {@code src/test/resources/rego/<name>} (package {@code lakeward.authz},
 * entrypoint {@code lakeward/authz/decision}), compiled to Wasm bundles once per JVM with the real
 * {@code opa build}.
 */
final class TestPolicies {
    private static final Map<String, Path> BUNDLES = new HashMap<>(); // guarded by TestPolicies.class

    private TestPolicies() {
    }

    static Path directory(String name) {
        URL url = TestPolicies.class.getResource("/rego/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no test policy " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static synchronized Path bundle(String name) {
        return BUNDLES.computeIfAbsent(name, key -> TestingOpa.buildWasmBundle(directory(key), PolicyClient.AUTHORIZATION_ENTRYPOINT, temporaryDirectory(key)));
    }

    static WasmPolicy wasm(String name) {
        return WasmPolicy.fromBundle(bundle(name));
    }

    /** The production bundle the policies jar carries, copied to a file. */
    static Path productionBundle() {
        try (InputStream in = TestPolicies.class.getClassLoader().getResourceAsStream("io/lakeward/policies/bundle.tar.gz")) {
            if (in == null) {
                throw new IllegalStateException("io/lakeward/policies/bundle.tar.gz is not on the class path");
            }
            Path file = temporaryDirectory("production").resolve("bundle.tar.gz");
            Files.copy(in, file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path temporaryDirectory(String name) {
        try {
            // Under the module's build directory when there is one, so that `mvn clean` removes them.
            Path target = Path.of("target");
            return Files.isDirectory(target)
                    ? Files.createTempDirectory(target, "test-policy-" + name + "-")
                    : Files.createTempDirectory("policy-client-test-policy-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

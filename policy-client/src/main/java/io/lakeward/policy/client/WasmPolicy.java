package io.lakeward.policy.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The compiled policies: an OPA Wasm module (ABI 1.x, built with {@code opa build -t wasm}) and
 * where it came from. Loading only reads the bytes; whether they are a usable policy shows when
 * {@link EmbeddedPolicyClient} instantiates them, which fails at start, not at decision time.
 */
public final class WasmPolicy {
    /** The module the {@code policies} jar carries. */
    public static final String CLASSPATH_RESOURCE = "io/lakeward/policies/policy.wasm";

    private final byte[] module;
    private final String source;

    private WasmPolicy(byte[] module, String source) {
        this.module = module;
        this.source = source;
    }

    /** The policies of the {@code policies} jar on the class path. */
    public static WasmPolicy fromClasspath() {
        return fromClasspath(WasmPolicy.class.getClassLoader(), CLASSPATH_RESOURCE);
    }

    public static WasmPolicy fromClasspath(ClassLoader loader, String resource) {
        String source = "classpath:" + resource;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw loadFailure(source, "no such resource (is io.lakeward:policies on the class path?)", null);
            }
            return new WasmPolicy(in.readAllBytes(), source);
        } catch (IOException e) {
            throw loadFailure(source, "cannot read it", e);
        }
    }

    /** A {@code policy.wasm} file. */
    public static WasmPolicy fromFile(Path wasm) {
        String source = wasm.toString();
        try {
            return new WasmPolicy(Files.readAllBytes(wasm), source);
        } catch (IOException e) {
            throw loadFailure(source, "cannot read it", e);
        }
    }

    /**
     * The Wasm module of an OPA bundle ({@code bundle.tar.gz} from {@code opa build -t wasm}): the
     * one module its manifest names for {@value PolicyClient#AUTHORIZATION_ENTRYPOINT}. Data
     * comes through {@link PolicyClient#updateData}, so a bundle whose {@code data.json} holds
     * anything is refused rather than half used.
     */
    public static WasmPolicy fromBundle(Path bundle) {
        String source = bundle.toString();
        Map<String, byte[]> files;
        try {
            files = TarGz.read(bundle);
        } catch (IOException e) {
            throw loadFailure(source, "cannot read it as a gzip-compressed tar archive: " + e.getMessage(), e);
        }
        byte[] data = files.get("data.json");
        if (data != null && !isEmptyObject(data)) {
            throw loadFailure(source, "its data.json is not empty; policy data is pushed with updateData, not bundled", null);
        }
        String modulePath = modulePath(files.get(".manifest"), source);
        byte[] module = files.get(modulePath);
        if (module == null) {
            throw loadFailure(source, "it has no " + modulePath, null);
        }
        return new WasmPolicy(module, source + "!/" + modulePath);
    }

    /** Where the module came from, for messages. */
    public String source() {
        return source;
    }

    byte[] module() {
        return module;
    }

    @Override
    public String toString() {
        return "WasmPolicy[" + source + "]";
    }

    private static String modulePath(byte[] manifest, String source) {
        if (manifest == null) {
            return "policy.wasm";
        }
        JsonNode wasm;
        try {
            wasm = DecisionResults.MAPPER.readTree(manifest).path("wasm");
        } catch (IOException e) {
            throw loadFailure(source, "its .manifest is not JSON", e);
        }
        Set<String> modules = new HashSet<>();
        for (JsonNode entry : wasm) {
            modules.add(stripLeadingSlash(entry.path("module").asText("")));
        }
        if (modules.size() > 1) {
            throw loadFailure(source, "its manifest names several Wasm modules " + modules + "; build the policies into one", null);
        }
        return modules.isEmpty() ? "policy.wasm" : modules.iterator().next();
    }

    private static boolean isEmptyObject(byte[] json) {
        try {
            JsonNode node = DecisionResults.MAPPER.readTree(json);
            return node != null && node.isObject() && node.isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    static String stripLeadingSlash(String path) {
        String stripped = Objects.requireNonNull(path);
        while (stripped.startsWith("/")) {
            stripped = stripped.substring(1);
        }
        return stripped;
    }

    static LakewardException loadFailure(String source, String problem, Throwable cause) {
        return new LakewardException(ErrorCode.INTERNAL_ERROR, "cannot load the policy Wasm from " + source + ": " + problem, cause);
    }
}

package io.lakeward.keyvault.parquet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.common.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.crypto.KeyAccessDeniedException;
import org.apache.parquet.crypto.ParquetCryptoRuntimeException;
import org.apache.parquet.crypto.keytools.KmsClient;

/**
 * Parquet modular encryption's {@link KmsClient} for cluster drivers: master keys live in the
 * Lakeward keyvault and never leave it; this client sends Parquet's key-encryption keys (with double
 * wrapping, Parquet's default) to the keyvault API to be wrapped and unwrapped under the tenant's
 * key, authenticated with the driver's scoped token. The master key identifier is the keyvault's
 * key id, e.g. {@code table/<table id>}: with {@code parquet.encryption.uniform.key} every file of a
 * table uses that one id (per-column keys break Delta checkpoints).
 *
 * <p>Configuration (the session's Hadoop configuration; Delta ignores write options):
 * <pre>
 * parquet.crypto.factory.class         = org.apache.parquet.crypto.keytools.PropertiesDrivenCryptoFactory
 * parquet.encryption.kms.client.class  = io.lakeward.keyvault.parquet.LakewardKmsClient
 * parquet.encryption.kms.instance.url  = http://127.0.0.1:9454     (loopback, or any https URL)
 * parquet.encryption.key.access.token  = lwkv1....                 (the driver's scoped token)
 * parquet.encryption.uniform.key       = table/&lt;table id&gt;
 * lakeward.keyvault.timeout.ms         = 10000                      (each call's timeout)
 * </pre>
 * A refused token (expired, revoked, another tenant's) is a {@link KeyAccessDeniedException}; a
 * key the keyvault cannot unwrap for this token is one too. Parquet makes one client per token, so
 * a refreshed token set in the configuration is picked up by the next file opened.
 */
public final class LakewardKmsClient implements KmsClient {
    public static final String TIMEOUT_PROPERTY = "lakeward.keyvault.timeout.ms";
    private static final ObjectMapper JSON = Json.newMapper();

    private HttpClient http;
    private URI wrapUri;
    private URI unwrapUri;
    private String token;
    private Duration timeout;

    @Override
    public void initialize(Configuration configuration, String kmsInstanceId, String kmsInstanceUrl, String accessToken)
            throws KeyAccessDeniedException {
        if (accessToken == null || accessToken.isEmpty() || KEY_ACCESS_TOKEN_DEFAULT.equals(accessToken)) {
            throw new KeyAccessDeniedException("no keyvault token: set parquet.encryption.key.access.token");
        }
        URI base = keyvaultUri(kmsInstanceUrl);
        this.token = accessToken;
        this.timeout = Duration.ofMillis(configuration.getLong(TIMEOUT_PROPERTY, 10_000));
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.wrapUri = base.resolve("/api/keyvault/v1/keys/wrap");
        this.unwrapUri = base.resolve("/api/keyvault/v1/keys/unwrap");
    }

    @Override
    public String wrapKey(byte[] keyBytes, String masterKeyIdentifier) throws KeyAccessDeniedException {
        JsonNode answer = call(wrapUri, Map.of("key_id", masterKeyIdentifier, "key", Base64.getEncoder().encodeToString(keyBytes)));
        return text(answer, "wrapped_key");
    }

    @Override
    public byte[] unwrapKey(String wrappedKey, String masterKeyIdentifier) throws KeyAccessDeniedException {
        JsonNode answer = call(unwrapUri, Map.of("key_id", masterKeyIdentifier, "wrapped_key", wrappedKey));
        return Base64.getDecoder().decode(text(answer, "key"));
    }

    private JsonNode call(URI uri, Map<String, String> body) throws KeyAccessDeniedException {
        HttpResponse<byte[]> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                    .build();
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ParquetCryptoRuntimeException("the keyvault cannot be reached at " + uri.getAuthority() + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ParquetCryptoRuntimeException("interrupted while calling the keyvault");
        }
        int status = response.statusCode();
        JsonNode answer = parse(response.body());
        if (status == 200) {
            return answer;
        }
        String code = answer.path("error_code").asText("UNKNOWN");
        if (status == 401 || status == 403 || status == 400) {
            // refused token, or a key this token may not unwrap: both are a denial to Parquet
            throw new KeyAccessDeniedException("the keyvault refused the key operation: " + code);
        }
        throw new ParquetCryptoRuntimeException("the keyvault answered " + status + " " + code);
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String text(JsonNode answer, String field) {
        JsonNode value = answer.get(field);
        if (value == null || !value.isTextual()) {
            throw new ParquetCryptoRuntimeException("the keyvault's answer has no " + field);
        }
        return value.asText();
    }

    /** The token goes only to a loopback keyvault over http, or to any keyvault over https. */
    static URI keyvaultUri(String url) {
        if (url == null || url.isEmpty() || KMS_INSTANCE_URL_DEFAULT.equals(url)) {
            throw new ParquetCryptoRuntimeException("set parquet.encryption.kms.instance.url to the keyvault API");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ParquetCryptoRuntimeException("parquet.encryption.kms.instance.url is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || uri.getUserInfo() != null || !(scheme.equals("https") || (scheme.equals("http") && isLoopback(uri.getHost())))) {
            throw new ParquetCryptoRuntimeException("the keyvault URL must be https, or http on loopback");
        }
        return URI.create(scheme + "://" + uri.getRawAuthority() + "/");
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}

package io.lakeward.gateway.login;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakeward.common.config.Secret;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's token endpoint, as the gateway's confidential client (HTTP Basic client
 * authentication): the authorization-code grant with the PKCE verifier, and the refresh grant.
 * Every call has the identity provider timeout. Blocking: call on a worker pool.
 */
public final class TokenEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
    private static final int MAXIMUM_RESPONSE_LENGTH = 64 * 1024;
    private static final ObjectMapper JSON = Json.newMapper();

    private final HttpClient client;
    private final OidcDiscovery discovery;
    private final String clientId;
    private final Duration timeout;

    public TokenEndpoint(HttpClient client, OidcDiscovery discovery, String clientId, Duration timeout) {
        this.client = client;
        this.discovery = discovery;
        this.clientId = clientId;
        this.timeout = timeout;
    }

    /** What the token endpoint answered. {@code idToken} and {@code refreshToken} may be null on refresh. */
    public record Tokens(String accessToken, String refreshToken, String idToken) {
        @Override
        public String toString() {
            return "Tokens[redacted]";
        }
    }

    /** The identity provider refused the grant (a used or foreign code, an ended session): the caller's problem, not an outage. */
    public static final class GrantRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GrantRefused(String error) {
            super("the identity provider refused the grant: " + error);
        }
    }

    public Tokens exchangeCode(URI issuer, Secret clientSecret, String code, String codeVerifier, URI redirectUri) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("code_verifier", codeVerifier);
        form.put("redirect_uri", redirectUri.toString());
        return call(issuer, clientSecret, form);
    }

    public Tokens refresh(URI issuer, Secret clientSecret, String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return call(issuer, clientSecret, form);
    }

    private Tokens call(URI issuer, Secret clientSecret, Map<String, String> form) {
        String basic = Base64.getEncoder().encodeToString((encode(clientId) + ":" + encode(clientSecret.reveal())).getBytes(StandardCharsets.UTF_8));
        URI endpoint;
        try {
            endpoint = discovery.endpoints(issuer).token();
        } catch (IOException e) {
            LOG.warn("cannot learn the token endpoint of {}: {}", issuer, e.toString());
            throw LakewardException.unavailable("the identity provider is unavailable", e);
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
                        .collect(Collectors.joining("&"))))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            LOG.warn("token endpoint of {} unreachable: {}", issuer, e.toString());
            throw LakewardException.unavailable("the identity provider is unavailable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LakewardException.unavailable("the identity provider is unavailable", e);
        }
        String body = response.body() == null ? "" : response.body();
        if (body.length() > MAXIMUM_RESPONSE_LENGTH) {
            throw LakewardException.unavailable("the identity provider answered out of bounds", null);
        }
        JsonNode json;
        try {
            json = JSON.readTree(body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            throw LakewardException.unavailable("the identity provider answered something unreadable", e);
        }
        if (response.statusCode() == 400 || response.statusCode() == 401) {
            String error = json.path("error").asText("unknown");
            LOG.info("token endpoint of {} refused a {} grant: {}", issuer, form.get("grant_type"), error);
            if ("invalid_client".equals(error) || "unauthorized_client".equals(error)) {
                throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the gateway's login client is misconfigured");
            }
            throw new GrantRefused(error);
        }
        if (response.statusCode() != 200) {
            LOG.warn("token endpoint of {} answered {}", issuer, response.statusCode());
            throw LakewardException.unavailable("the identity provider is unavailable", null);
        }
        String accessToken = json.path("access_token").asText(null);
        if (accessToken == null || !"bearer".equalsIgnoreCase(json.path("token_type").asText(""))) {
            throw LakewardException.unavailable("the identity provider answered without an access token", null);
        }
        return new Tokens(accessToken, json.path("refresh_token").asText(null), json.path("id_token").asText(null));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

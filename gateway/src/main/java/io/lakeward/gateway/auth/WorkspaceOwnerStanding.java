package io.lakeward.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.identity.Principal;
import io.lakeward.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the workspace-service, which holds the identity directory, for a token owner's standing
 * ({@code GET /api/2.0/internal/identity/standing}, behind the internal identity check like every service API route, as the owner, under the gateway's internal identity).
 * When the directory cannot be reached the last standing seen for the owner holds, so an outage of
 * the identity provider does not stop personal access tokens (nor revive a disabled owner's); with
 * none seen, the token's own record does.
 */
public final class WorkspaceOwnerStanding implements OwnerStanding {
    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceOwnerStanding.class);
    private static final ObjectMapper JSON = Json.newMapper();
    private static final String SERVICE = "workspace-service";
    private static final int MAXIMUM_REMEMBERED = 100_000;

    private final HttpClient client;
    private final URI endpoint;
    private final InternalIdentitySigner signer;
    private final Duration timeout;
    private final Map<String, Standing> lastSeen = new ConcurrentHashMap<>();

    /** @param workspaceService the workspace-service's loopback base URL */
    public WorkspaceOwnerStanding(URI workspaceService, InternalIdentitySigner signer, Duration timeout) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.endpoint = workspaceService.resolve("/api/2.0/internal/identity/standing");
        this.signer = signer;
        this.timeout = timeout;
    }

    @Override
    public Standing of(Principal owner) {
        String key = owner.tenant().value() + "\u0000" + owner.subject();
        RequestId requestId = RequestId.random();
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout).GET()
                .header(InternalIdentitySigner.HEADER, signer.sign(SERVICE, owner, requestId))
                .header(io.lakeward.service.RequestIds.HEADER, requestId.value())
                .build();
        Standing standing;
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            standing = parse(JSON.readTree(response.body()));
        } catch (IOException | RuntimeException e) {
            Standing remembered = lastSeen.getOrDefault(key, Standing.UNKNOWN);
            LOG.warn("cannot learn the standing of the owner {} of a personal access token at {} ({}); using {}", owner.subject(),
                    owner.tenant().value(), e.toString(), remembered.kind());
            return remembered;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return lastSeen.getOrDefault(key, Standing.UNKNOWN);
        }
        if (lastSeen.size() >= MAXIMUM_REMEMBERED) {
            lastSeen.clear();
        }
        lastSeen.put(key, standing);
        return standing;
    }

    static Standing parse(JsonNode body) {
        if (!body.path("managed").asBoolean(false)) {
            return Standing.UNKNOWN;
        }
        if (!body.path("exists").asBoolean(false) || !body.path("enabled").asBoolean(false)) {
            return Standing.GONE;
        }
        return Standing.current(strings(body.path("roles")), strings(body.path("groups")));
    }

    private static List<String> strings(JsonNode array) {
        if (!array.isArray()) {
            throw new IllegalArgumentException("not a list of names");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode value : array) {
            if (!value.isTextual()) {
                throw new IllegalArgumentException("not a list of names");
            }
            values.add(value.textValue());
        }
        return values;
    }
}

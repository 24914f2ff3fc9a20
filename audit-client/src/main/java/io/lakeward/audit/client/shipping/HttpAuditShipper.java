package io.lakeward.audit.client.shipping;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuditJson;
import io.lakeward.audit.client.event.PlatformService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.crypto.SecretKey;

/**
 * Ships outbox batches to the audit service over loopback HTTP: {@code POST
 * <base>/internal/audit/v1/events} with {@code {"events": [...]}} and an
 * {@link AuditIngestToken} of the shipping service. Acknowledged (the future completes) only on
 * 200, which the audit service answers after its own fsync; anything else fails the shipment, so
 * the outbox keeps the batch and retries it.
 */
public final class HttpAuditShipper implements AuditShipper {
    public static final String PATH = "/internal/audit/v1/events";

    private final HttpClient client;
    private final URI endpoint;
    private final PlatformService service;
    private final SecretKey key;
    private final Duration timeout;
    private final Clock clock;
    private final ObjectMapper mapper = AuditJson.newMapper();

    public HttpAuditShipper(URI auditService, PlatformService service, SecretKey key, Duration timeout, Clock clock) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.endpoint = auditService.resolve(PATH);
        this.service = service;
        this.key = key;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Void> ship(List<AuditEvent> batch) {
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(Map.of("events", batch));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header(AuditIngestToken.HEADER, AuditIngestToken.sign(service, key, body, clock))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the audit service answered " + response.statusCode());
            }
            return null;
        });
    }
}

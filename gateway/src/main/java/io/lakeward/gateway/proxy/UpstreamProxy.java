package io.lakeward.gateway.proxy;

import io.lakeward.common.error.LakewardException;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.identity.Principal;
import io.lakeward.gateway.audit.RequestAudit;
import io.lakeward.gateway.auth.BearerAuthentication;
import io.lakeward.service.FailureHandler;
import io.lakeward.service.RequestIds;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards an authenticated request to the internal service that owns it, on loopback, with the
 * internal identity assertion made for that service. What a client sent as credentials or as
 * internal headers never reaches a service: {@code Authorization}, cookies and every
 * {@code X-Lakeward-*} header are dropped, and the assertion is the gateway's own.
 */
public final class UpstreamProxy {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamProxy.class);
    private static final String INTERNAL_PREFIX = "x-lakeward-";
    /** Hop-by-hop headers (RFC 9110 section 7.6.1) and what the gateway sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length",
            "authorization", "cookie", "x-csrf-token", "x-request-id", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
            // identity headers other proxies set and some services trust: a client never gets to claim one
            "x-forwarded-user", "x-forwarded-email", "x-forwarded-preferred-username", "x-forwarded-groups", "x-forwarded-access-token",
            "x-remote-user", "remote-user", "x-user", "x-user-id", "x-auth-request-user", "x-auth-request-email",
            "x-auth-request-access-token", "x-ms-client-principal", "x-ms-client-principal-id", "x-ms-client-principal-name",
            "x-databricks-org-id");
    private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "transfer-encoding", "trailer",
            "upgrade", "content-length", "set-cookie", "x-request-id");

    private final HttpClient client;
    private final Map<String, URI> upstreams;
    private final InternalIdentitySigner signer;
    private final Duration timeout;
    private final RequestAudit audit;

    public UpstreamProxy(HttpClient client, Map<String, URI> upstreams, InternalIdentitySigner signer, Duration timeout,
                         RequestAudit audit) {
        this.client = client;
        this.audit = audit;
        this.upstreams = Map.copyOf(upstreams);
        this.signer = signer;
        this.timeout = timeout;
    }

    /** The handler that forwards to {@code service}; an unknown service is a configuration error at start. */
    public Handler<RoutingContext> to(String service) {
        URI base = upstreams.get(service);
        if (base == null) {
            throw new IllegalArgumentException("no upstream address for service " + service);
        }
        return context -> forward(context, service, base);
    }

    private void forward(RoutingContext context, String service, URI base) {
        Principal principal = BearerAuthentication.of(context);
        String requestId = RequestIds.of(context).value();
        RequestOptions options = new RequestOptions()
                .setMethod(context.request().method())
                .setHost(base.getHost())
                .setPort(base.getPort())
                .setURI(context.request().uri())
                .setTimeout(timeout.toMillis())
                .setHeaders(forwardedHeaders(context.request().headers()))
                .putHeader(InternalIdentitySigner.HEADER, signer.sign(service, principal, RequestIds.of(context)))
                .putHeader(RequestIds.HEADER, requestId);
        Buffer body = context.body() == null || context.body().buffer() == null ? Buffer.buffer() : context.body().buffer();
        client.request(options)
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(bytes -> new Answer(response, bytes)))
                .onSuccess(answer -> answer(context, answer))
                .onFailure(failure -> {
                    LOG.warn("request {} to {} failed: {}", requestId, service, failure.toString());
                    LakewardException unavailable = LakewardException.unavailable("the service is temporarily unavailable", failure);
                    audit.thenAnswer(context, unavailable.code().httpStatus(), unavailable.code(),
                            () -> FailureHandler.answer(context, unavailable));
                });
    }

    private static MultiMap forwardedHeaders(MultiMap incoming) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        incoming.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(lower) && !lower.startsWith(INTERNAL_PREFIX)) {
                headers.add(name, value);
            }
        });
        return headers;
    }

    private void answer(RoutingContext context, Answer answer) {
        audit.thenAnswer(context, answer.response().statusCode(), null, () -> send(context, answer));
    }

    private static void send(RoutingContext context, Answer answer) {
        var response = context.response().setStatusCode(answer.response().statusCode());
        answer.response().headers().forEach((name, value) -> {
            if (!NOT_RETURNED.contains(name.toLowerCase(Locale.ROOT))) {
                response.headers().set(name, value);
            }
        });
        response.end(answer.body());
    }

    private record Answer(HttpClientResponse response, Buffer body) {
    }
}

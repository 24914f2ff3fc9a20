package io.lakeward.policy.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks an OPA server through its REST API: decisions with
 * {@code POST /v1/data/lakeward/authz/decision} and {@code {"input": ...}}, policy data with
 * {@code PUT /v1/data/lakeward/admin}. Every call has a connect timeout and an overall timeout.
 *
 * <p><b>Revisions.</b> OPA does not say which data a query read, so this client tracks it: it
 * must be the only writer of the server's policy data. Decisions wait while a push is in flight,
 * and a decision during which the data changed is asked again; so the revision a decision
 * reports is the one the server held for the whole evaluation. Until a push succeeds, or after a
 * push whose effect is unknown (timeout, broken connection), decisions are
 * {@link Decision.Failure#NO_DATA}: the server's data is not known, so nothing is allowed.
 *
 * <p><b>Failures</b> become {@link Decision.Outcome#UNAVAILABLE} decisions, never exceptions:
 * unreachable server, timeout, HTTP error status, undefined ({@code {}} without {@code result})
 * or malformed result.
 */
public final class RemotePolicyClient implements PolicyClient {
    private static final Logger LOG = LoggerFactory.getLogger(RemotePolicyClient.class);
    private static final String JSON = "application/json";

    private final RemotePolicyConfig config;
    private final HttpClient http;
    private final URI decisionUri;
    private final URI dataAccessUri;
    private final URI dataUri;
    private final AtomicReference<DataState> state = new AtomicReference<>(new DataState(null, null, "no policy data has been pushed to the OPA server yet"));
    private CompletableFuture<Void> lastPush = CompletableFuture.completedFuture(null); // guarded by this
    private volatile boolean closed;

    public RemotePolicyClient(RemotePolicyConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.decisionUri = config.resolve("/v1/data/" + AUTHORIZATION_ENTRYPOINT);
        this.dataAccessUri = config.resolve("/v1/data/" + DATA_ACCESS_ENTRYPOINT);
        this.dataUri = config.resolve("/v1/data/" + PolicyData.PATH);
    }

    @Override
    public CompletableFuture<Decision> decide(AuthorizationInput input) {
        Objects.requireNonNull(input, "input");
        return ask(decisionUri, DecisionResults.AUTHORIZATION, new Query(input), input.context());
    }

    @Override
    public CompletableFuture<DataAccessDecision> decideDataAccess(DataAccessInput input) {
        Objects.requireNonNull(input, "input");
        return ask(dataAccessUri, DecisionResults.DATA_ACCESS, new DataQuery(input), input.context());
    }

    private <T> CompletableFuture<T> ask(URI uri, DecisionResults.Reader<T> reader, Object query, AuthorizationInput.Context context) {
        String decisionId = Decision.newDecisionId();
        String requestId = context == null ? null : context.requestId();
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed) {
            result.complete(reader.unavailable(closedDecision(decisionId)));
            return result;
        }
        String body;
        try {
            body = DecisionResults.toJson(query);
        } catch (IllegalArgumentException e) {
            result.complete(reader.unavailable(Decision.unavailable(Decision.Failure.ENGINE_ERROR, "the policy input cannot be written as JSON", decisionId, null)));
            return result;
        }
        HttpRequest request = request(uri)
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        attempt(request, reader, decisionId, result);
        result.completeOnTimeout(reader.unavailable(Decision.unavailable(Decision.Failure.TIMEOUT,
                "no answer from the OPA server within " + config.requestTimeout().toMillis() + " ms", decisionId, null)),
                config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        result.thenAccept(answer -> logUnavailable(answer instanceof DataAccessDecision data ? data.decision() : (Decision) answer, requestId));
        return result;
    }

    @Override
    public synchronized CompletableFuture<Void> updateData(PolicyData data) {
        Objects.requireNonNull(data, "data");
        if (closed) {
            return CompletableFuture.failedFuture(new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE, "the policy client is closed"));
        }
        // One push at a time, in the order asked: the tracked revision must follow the server's.
        CompletableFuture<Void> push = lastPush.handle((ignored, failure) -> null).thenCompose(ignored -> push(data));
        lastPush = push;
        return push.copy();
    }

    @Override
    public Optional<String> revision() {
        return Optional.ofNullable(state.get().revision);
    }

    @Override
    public void close() {
        closed = true;
    }

    private <T> void attempt(HttpRequest request, DecisionResults.Reader<T> reader, String decisionId, CompletableFuture<T> result) {
        if (result.isDone()) {
            return;
        }
        if (closed) {
            result.complete(reader.unavailable(closedDecision(decisionId)));
            return;
        }
        DataState before = state.get();
        if (before.push != null) {
            before.push.thenRun(() -> attempt(request, reader, decisionId, result));
            return;
        }
        if (before.revision == null) {
            result.complete(reader.unavailable(Decision.unavailable(Decision.Failure.NO_DATA, before.reason, decisionId, null)));
            return;
        }
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) -> {
            if (state.get() != before) {
                attempt(request, reader, decisionId, result); // the data changed while the server evaluated
                return;
            }
            result.complete(interpret(reader, response, failure, decisionId, before.revision));
        });
    }

    private static <T> T interpret(DecisionResults.Reader<T> reader, HttpResponse<byte[]> response, Throwable failure, String decisionId, String revision) {
        if (failure != null) {
            return reader.unavailable(unreachable(unwrap(failure), decisionId, revision));
        }
        if (response.statusCode() != 200) {
            return reader.unavailable(Decision.unavailable(Decision.Failure.ENGINE_ERROR,
                    "the OPA server answered HTTP " + response.statusCode() + errorCode(response.body()), decisionId, revision));
        }
        JsonNode answer;
        try {
            answer = DecisionResults.MAPPER.readTree(response.body());
        } catch (IOException e) {
            return reader.unavailable(Decision.unavailable(Decision.Failure.ENGINE_ERROR, "the OPA server's answer is not JSON", decisionId, revision));
        }
        if (answer == null || !answer.isObject()) {
            return reader.unavailable(Decision.unavailable(Decision.Failure.MALFORMED_RESULT,
                    "malformed policy result: the OPA server's answer is not an object", decisionId, revision));
        }
        if (!answer.has("result")) {
            return reader.unavailable(DecisionResults.undefined(decisionId, revision));
        }
        return reader.read(answer.get("result"), decisionId, revision);
    }

    private static Decision unreachable(Throwable failure, String decisionId, String revision) {
        if (failure instanceof HttpTimeoutException || failure instanceof TimeoutException) {
            return Decision.unavailable(Decision.Failure.TIMEOUT, "no answer from the OPA server in time (" + failure.getMessage() + ")", decisionId, revision);
        }
        if (failure instanceof ConnectException || failure instanceof IOException) {
            return Decision.unavailable(Decision.Failure.UNREACHABLE, "cannot reach the OPA server (" + failure + ")", decisionId, revision);
        }
        return Decision.unavailable(Decision.Failure.ENGINE_ERROR, "the OPA request failed (" + failure + ")", decisionId, revision);
    }

    private CompletableFuture<Void> push(PolicyData data) {
        HttpRequest request = request(dataUri)
                .header("Content-Type", JSON)
                .PUT(HttpRequest.BodyPublishers.ofString(DecisionResults.toJson(data.document())))
                .build();
        DataState before = state.get();
        CompletableFuture<Void> settled = new CompletableFuture<>();
        // Marked before the request leaves: from here on, the server's data may change at any moment.
        state.set(new DataState(before.revision, settled, before.reason));
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .orTimeout(config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .handle((response, failure) -> {
                    DataState after;
                    LakewardException error = null;
                    if (failure == null && (response.statusCode() == 204 || response.statusCode() == 200)) {
                        after = new DataState(data.revision(), null, null);
                        LOG.info("policy data revision {} pushed to the OPA server (was {})", data.revision(), before.revision);
                    } else if (failure == null) {
                        // OPA applies a write in one transaction: a refused write changed nothing.
                        after = new DataState(before.revision, null, before.reason);
                        error = new LakewardException(ErrorCode.INTERNAL_ERROR, "the OPA server refused policy data revision "
                                + data.revision() + ": HTTP " + response.statusCode() + errorCode(response.body()));
                    } else {
                        after = new DataState(null, null, "the push of policy data revision " + data.revision()
                                + " failed midway; the OPA server's data is unknown until a push succeeds");
                        error = new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE, "cannot push policy data revision "
                                + data.revision() + " to the OPA server", unwrap(failure));
                    }
                    state.set(after);
                    settled.complete(null);
                    if (error != null) {
                        LOG.error("{}", error.getMessage());
                        throw error;
                    }
                    return null;
                });
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(config.requestTimeout())
                .header("Accept", JSON);
        config.token().ifPresent(token -> builder.header("Authorization", "Bearer " + token.reveal()));
        return builder;
    }

    /** OPA's error code from an error body ({@code {"code": "...", "message": "..."}}), never its message. */
    private static String errorCode(byte[] body) {
        try {
            JsonNode code = DecisionResults.MAPPER.readTree(body).path("code");
            return code.isTextual() ? " (" + code.textValue() + ")" : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static void logUnavailable(Decision decision, String requestId) {
        if (decision.outcome() == Decision.Outcome.UNAVAILABLE && decision.failure() != Decision.Failure.CLOSED) {
            LOG.warn("policy decision {} unavailable ({}): {} [request {}]", decision.decisionId(), decision.failure(), decision.reason(), requestId);
        }
    }

    private static Decision closedDecision(String decisionId) {
        return Decision.unavailable(Decision.Failure.CLOSED, "the policy client is closed", decisionId, null);
    }

    /** The body of an authorization query. */
    private record Query(@JsonProperty("input") AuthorizationInput input) {
    }

    /** The body of a data-access query. */
    private record DataQuery(@JsonProperty("input") DataAccessInput input) {
    }

    /**
     * What this client knows of the server's data. Every change makes a new object, so a decision
     * can tell by identity whether the data changed while it was evaluated.
     */
    private static final class DataState {
        final String revision;
        final CompletableFuture<Void> push;
        final String reason;

        DataState(String revision, CompletableFuture<Void> push, String reason) {
            this.revision = revision;
            this.push = push;
            this.reason = reason;
        }
    }
}

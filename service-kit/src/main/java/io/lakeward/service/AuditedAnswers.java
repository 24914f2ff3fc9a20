package io.lakeward.service;

import io.lakeward.common.error.ErrorBody;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request only once its audit event is durable: the result (200, JSON) or the one error
 * shape. When the event cannot be recorded the caller gets 503 {@code TEMPORARILY_UNAVAILABLE}
 * instead of the answer, so nothing is answered that the audit trail lacks.
 */
public final class AuditedAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(AuditedAnswers.class);

    private AuditedAnswers() {
    }

    /** What the answer will say: its status, and its error code ({@code null} on success). */
    public record Outcome(int status, ErrorCode code) {
        static Outcome of(Throwable failure) {
            if (failure == null) {
                return new Outcome(200, null);
            }
            return new Outcome(ErrorBody.statusOf(failure), failure instanceof LakewardException known ? known.code() : ErrorCode.INTERNAL_ERROR);
        }
    }

    /**
     * Records the outcome with {@code record} (which appends the audit event and completes when it
     * is durable), then answers {@code result} or {@code failure}.
     *
     * @param component names the service in the 503 message, e.g. {@code "the keyvault"}
     */
    public static void answer(RoutingContext context, Throwable failure, Object result, Function<Outcome, CompletionStage<Void>> record,
                              String component) {
        CompletionStage<Void> recorded;
        try {
            recorded = record.apply(Outcome.of(failure));
        } catch (RuntimeException e) {
            recorded = CompletableFuture.failedFuture(e);
        }
        Future.fromCompletionStage(recorded, context.vertx().getOrCreateContext())
                .onSuccess(ignored -> {
                    if (failure == null) {
                        Responses.json(context, 200, result);
                    } else {
                        FailureHandler.answer(context, failure);
                    }
                })
                .onFailure(refused -> {
                    LOG.error("request {}: the audit outbox of {} did not take its event, refusing: {}", RequestIds.of(context).value(),
                            component, refused.toString());
                    FailureHandler.answer(context, new LakewardException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                            component + " is temporarily unavailable; retry later"));
                });
    }
}

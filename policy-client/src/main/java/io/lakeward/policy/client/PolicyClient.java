package io.lakeward.policy.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A policy decision point: the Lakeward policies evaluated in-process ({@link EmbeddedPolicyClient})
 * or by an OPA server ({@link RemotePolicyClient}). Both give the same answers for the same
 * input and data.
 *
 * <p>Fail closed: the futures returned by {@code decide} always complete normally, within the
 * client's timeout, with a {@link Decision}; whatever goes wrong becomes an
 * {@link Decision.Outcome#UNAVAILABLE} decision, which never allows. Dependent stages may run on
 * the client's threads: hand heavy work to the caller's own executor.
 *
 * <p>Implementations are thread-safe.
 */
public interface PolicyClient extends AutoCloseable {

    /** The entrypoint of the API authorization decision in the policies module. */
    String AUTHORIZATION_ENTRYPOINT = "lakeward/authz/decision";

    /** The API authorization decision ({@value #AUTHORIZATION_ENTRYPOINT}) for one request. */
    CompletableFuture<Decision> decide(AuthorizationInput input);

    /** The entrypoint of the data-access decision in the policies module. */
    String DATA_ACCESS_ENTRYPOINT = "lakeward/data/decision";

    /**
     * The data-access decision ({@value #DATA_ACCESS_ENTRYPOINT}) for a principal and a table:
     * allowed or not, and the row filter and column masks that apply. Fails closed like
     * {@link #decide}.
     */
    CompletableFuture<DataAccessDecision> decideDataAccess(DataAccessInput input);

    /**
     * Replaces the policy data. Decisions started after the returned future completes use the new
     * revision; no decision ever sees part of one revision and part of another. Updates apply in
     * the order they are made. The future fails with a {@code LakewardException} if the data
     * could not be applied; decisions then keep using the previous revision, unless the client
     * reports otherwise ({@link Decision.Failure#NO_DATA}).
     */
    CompletableFuture<Void> updateData(PolicyData data);

    /** Same as {@link #updateData(PolicyData)}: {@code data} is a JSON object carrying {@code "revision": revision}. */
    default CompletableFuture<Void> updateData(String revision, JsonNode data) {
        return updateData(PolicyData.of(revision, data));
    }

    /** The data revision that decisions started now would use, if known. */
    Optional<String> revision();

    /** Stops the client; later decisions are {@link Decision.Failure#CLOSED}. Idempotent. */
    @Override
    void close();
}

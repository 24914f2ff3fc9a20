package io.lakeward.policy.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.lakeward.common.json.Json;

/**
 * Turns what an engine returned into a {@link Decision}, the same way for both engines, so that
 * their answers can only differ if the engines do.
 */
final class DecisionResults {
    static final ObjectMapper MAPPER = Json.newMapper();

    /**
     * Writes inputs as pure ASCII (non-ASCII characters escaped): the Wasm loader sizes its
     * buffers from the string, and escaping keeps characters and bytes the same count.
     */
    static final ObjectWriter WRITER = MAPPER.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

    private DecisionResults() {
    }

    static String toJson(Object value) {
        try {
            return WRITER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the policy input as JSON", e);
        }
    }

    /**
     * The decision for a defined result of the authorization entrypoint: it must be
     * {@code {"allow": boolean, "reason": string}} (further fields are ignored).
     */
    static Decision authorization(JsonNode result, String decisionId, String revision) {
        if (result == null || !result.isObject()) {
            return malformed("the result is not an object", decisionId, revision);
        }
        JsonNode allow = result.get("allow");
        JsonNode reason = result.get("reason");
        if (allow == null || !allow.isBoolean()) {
            return malformed("\"allow\" is missing or not a boolean", decisionId, revision);
        }
        if (reason == null || !reason.isTextual()) {
            return malformed("\"reason\" is missing or not a string", decisionId, revision);
        }
        return allow.booleanValue()
                ? Decision.allowed(reason.textValue(), decisionId, revision)
                : Decision.denied(reason.textValue(), decisionId, revision);
    }

    /**
     * The decision for the Wasm evaluation's output, a result set: {@code []} when the decision
     * is undefined, {@code [{"result": ...}]} otherwise.
     */
    static Decision authorizationFromWasm(String output, String decisionId, String revision) {
        JsonNode resultSet;
        try {
            resultSet = MAPPER.readTree(output);
        } catch (JsonProcessingException e) {
            return Decision.unavailable(Decision.Failure.ENGINE_ERROR, "the Wasm engine returned unreadable JSON", decisionId, revision);
        }
        if (resultSet == null || !resultSet.isArray()) {
            return malformed("the Wasm result set is not an array", decisionId, revision);
        }
        if (resultSet.isEmpty()) {
            return undefined(decisionId, revision);
        }
        if (resultSet.size() > 1 || !resultSet.get(0).has("result")) {
            return malformed("the Wasm result set does not hold exactly one result", decisionId, revision);
        }
        return authorization(resultSet.get(0).get("result"), decisionId, revision);
    }

    static Decision undefined(String decisionId, String revision) {
        return Decision.unavailable(Decision.Failure.UNDEFINED_RESULT, "the policy decision is undefined", decisionId, revision);
    }

    private static Decision malformed(String problem, String decisionId, String revision) {
        return Decision.unavailable(Decision.Failure.MALFORMED_RESULT, "malformed policy result: " + problem, decisionId, revision);
    }
}

package io.lakeward.policy.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.lakeward.common.json.Json;
import java.util.ArrayList;
import java.util.List;

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

    /** Reads the defined result of one entrypoint into its decision type. */
    interface Reader<T> {
        T read(JsonNode result, String decisionId, String revision);

        /** The answer of this type for a decision that got no answer. */
        T unavailable(Decision decision);

        /** The decision inside an answer of this type. */
        Decision decisionOf(T answer);

        /** The same answer under another decision id (a cached answer given again). */
        T withDecisionId(T answer, String decisionId);
    }

    static final Reader<Decision> AUTHORIZATION = new Reader<>() {
        @Override
        public Decision read(JsonNode result, String decisionId, String revision) {
            return authorization(result, decisionId, revision);
        }

        @Override
        public Decision unavailable(Decision decision) {
            return decision;
        }

        @Override
        public Decision decisionOf(Decision answer) {
            return answer;
        }

        @Override
        public Decision withDecisionId(Decision answer, String decisionId) {
            return answer.withDecisionId(decisionId);
        }
    };

    static final Reader<DataAccessDecision> DATA_ACCESS = new Reader<>() {
        @Override
        public DataAccessDecision read(JsonNode result, String decisionId, String revision) {
            return dataAccess(result, decisionId, revision);
        }

        @Override
        public DataAccessDecision unavailable(Decision decision) {
            return DataAccessDecision.of(decision);
        }

        @Override
        public Decision decisionOf(DataAccessDecision answer) {
            return answer.decision();
        }

        @Override
        public DataAccessDecision withDecisionId(DataAccessDecision answer, String decisionId) {
            return new DataAccessDecision(answer.decision().withDecisionId(decisionId), answer.rowFilter(), answer.masks());
        }
    };

    /**
     * The decision for a defined result of the authorization entrypoint: it must be
     * {@code {"allow": boolean, "reason": string}}, optionally with {@code "visible": boolean} and
     * {@code "tenant_revision": integer} (further fields are ignored).
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
        JsonNode visible = result.get("visible");
        if (visible != null && !visible.isBoolean()) {
            return malformed("\"visible\" is not a boolean", decisionId, revision);
        }
        JsonNode tenantRevision = result.get("tenant_revision");
        if (tenantRevision != null && !(tenantRevision.isIntegralNumber() && tenantRevision.canConvertToLong() && tenantRevision.longValue() >= 0)) {
            return malformed("\"tenant_revision\" is not a non-negative integer", decisionId, revision);
        }
        Decision decision = allow.booleanValue()
                ? Decision.allowed(reason.textValue(), decisionId, revision)
                : Decision.denied(reason.textValue(), decisionId, revision);
        return decision.withPolicyDetails(visible == null ? null : visible.booleanValue(),
                tenantRevision == null ? null : tenantRevision.longValue());
    }

    /**
     * The decision for a defined result of the data-access entrypoint: an authorization result
     * with {@code "row_filter": string | null} and {@code "masks": [{column, type, reason}]}, both
     * required; a denial must carry neither a filter nor masks.
     */
    static DataAccessDecision dataAccess(JsonNode result, String decisionId, String revision) {
        Decision decision = authorization(result, decisionId, revision);
        if (decision.outcome() == Decision.Outcome.UNAVAILABLE) {
            return DataAccessDecision.of(decision);
        }
        JsonNode filter = result.get("row_filter");
        JsonNode masks = result.get("masks");
        if (filter == null || !(filter.isNull() || filter.isTextual())) {
            return DataAccessDecision.of(malformed("\"row_filter\" is missing or not a string or null", decisionId, revision));
        }
        if (masks == null || !masks.isArray()) {
            return DataAccessDecision.of(malformed("\"masks\" is missing or not an array", decisionId, revision));
        }
        List<DataAccessDecision.ColumnMask> columnMasks = new ArrayList<>();
        for (JsonNode mask : masks) {
            JsonNode column = mask.get("column");
            JsonNode type = mask.get("type");
            JsonNode why = mask.get("reason");
            if (column == null || !column.isTextual() || type == null || !type.isTextual() || why == null || !why.isTextual()) {
                return DataAccessDecision.of(malformed("a mask is not {column, type, reason}", decisionId, revision));
            }
            columnMasks.add(new DataAccessDecision.ColumnMask(column.textValue(), type.textValue(), why.textValue()));
        }
        if (!decision.allow() && (filter.isTextual() || !columnMasks.isEmpty())) {
            return DataAccessDecision.of(malformed("a denial carries a row filter or masks", decisionId, revision));
        }
        return new DataAccessDecision(decision, filter.isTextual() ? filter.textValue() : null, columnMasks);
    }

    /**
     * The decision for the Wasm evaluation's output, a result set: {@code []} when the decision
     * is undefined, {@code [{"result": ...}]} otherwise.
     */
    static Decision authorizationFromWasm(String output, String decisionId, String revision) {
        return fromWasm(AUTHORIZATION, output, decisionId, revision);
    }

    /** As {@link #authorizationFromWasm}, for any entrypoint's reader. */
    static <T> T fromWasm(Reader<T> reader, String output, String decisionId, String revision) {
        JsonNode resultSet;
        try {
            resultSet = MAPPER.readTree(output);
        } catch (JsonProcessingException e) {
            return reader.unavailable(Decision.unavailable(Decision.Failure.ENGINE_ERROR, "the Wasm engine returned unreadable JSON", decisionId, revision));
        }
        if (resultSet == null || !resultSet.isArray()) {
            return reader.unavailable(malformed("the Wasm result set is not an array", decisionId, revision));
        }
        if (resultSet.isEmpty()) {
            return reader.unavailable(undefined(decisionId, revision));
        }
        if (resultSet.size() > 1 || !resultSet.get(0).has("result")) {
            return reader.unavailable(malformed("the Wasm result set does not hold exactly one result", decisionId, revision));
        }
        return reader.read(resultSet.get(0).get("result"), decisionId, revision);
    }

    static Decision undefined(String decisionId, String revision) {
        return Decision.unavailable(Decision.Failure.UNDEFINED_RESULT, "the policy decision is undefined", decisionId, revision);
    }

    private static Decision malformed(String problem, String decisionId, String revision) {
        return Decision.unavailable(Decision.Failure.MALFORMED_RESULT, "malformed policy result: " + problem, decisionId, revision);
    }
}

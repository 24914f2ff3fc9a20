package io.lakeward.policy.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DecisionResultsTest {
    private static final String ID = "0123456789abcdef0123456789abcdef";

    @Test
    void definedResultsAreThePolicysAnswer() {
        Decision allowed = DecisionResults.authorizationFromWasm("[{\"result\":{\"allow\":true,\"reason\":\"granted\"}}]", ID, "3");
        assertEquals(Decision.allowed("granted", ID, "3"), allowed);
        Decision denied = DecisionResults.authorizationFromWasm("[{\"result\":{\"allow\":false,\"reason\":\"no\",\"extra\":1}}]", ID, "3");
        assertEquals(Decision.denied("no", ID, "3"), denied);
    }

    @Test
    void anEmptyResultSetIsUndefined() {
        assertFailure(Decision.Failure.UNDEFINED_RESULT, "[]");
    }

    @Test
    void resultsOfAnotherShapeAreMalformedNeverAllowed() {
        assertFailure(Decision.Failure.MALFORMED_RESULT, "{}");
        assertFailure(Decision.Failure.MALFORMED_RESULT, "[{}]");
        assertFailure(Decision.Failure.MALFORMED_RESULT, "[{\"result\":true}]");
        assertFailure(Decision.Failure.MALFORMED_RESULT, "[{\"result\":{\"allow\":\"true\",\"reason\":\"r\"}}]");
        assertFailure(Decision.Failure.MALFORMED_RESULT, "[{\"result\":{\"allow\":1,\"reason\":\"r\"}}]");
        assertFailure(Decision.Failure.MALFORMED_RESULT, "[{\"result\":{\"allow\":true}}]");
        assertFailure(Decision.Failure.MALFORMED_RESULT, "[{\"result\":{\"allow\":true,\"reason\":null}}]");
        assertFailure(Decision.Failure.MALFORMED_RESULT, "[{\"result\":{\"reason\":\"r\"}}]");
        assertFailure(Decision.Failure.MALFORMED_RESULT,
                "[{\"result\":{\"allow\":true,\"reason\":\"a\"}},{\"result\":{\"allow\":true,\"reason\":\"b\"}}]");
    }

    @Test
    void unreadableOutputIsAnEngineError() {
        assertFailure(Decision.Failure.ENGINE_ERROR, "[{\"result\":");
        assertFailure(Decision.Failure.ENGINE_ERROR, "[] []");
    }

    private static void assertFailure(Decision.Failure expected, String output) {
        Decision decision = DecisionResults.authorizationFromWasm(output, ID, "3");
        assertEquals(Decision.Outcome.UNAVAILABLE, decision.outcome(), output);
        assertEquals(expected, decision.failure(), output);
        assertEquals(false, decision.allow(), output);
    }
}

package io.lakeward.policy.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.policy.client.AuthorizationInput.Principal;
import io.lakeward.policy.client.AuthorizationInput.PrincipalType;
import io.lakeward.policy.client.AuthorizationInput.Resource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DecisionTest {

    @Test
    void enforceReturnsAnAllowedDecision() {
        Decision allowed = Decision.allowed("granted to role viewer", Decision.newDecisionId(), "7");
        assertSame(allowed, allowed.enforce());
    }

    @Test
    void enforceMapsAPolicyDenialToPermissionDeniedWithoutTheReason() {
        Decision denied = Decision.denied("tenant mismatch", Decision.newDecisionId(), "7");
        LakewardException failure = assertThrows(LakewardException.class, denied::enforce);
        assertEquals(ErrorCode.PERMISSION_DENIED, failure.code());
        assertFalse(failure.getMessage().contains("tenant"), failure.getMessage());
    }

    @Test
    void enforceMapsEveryUnavailableDecisionToTemporarilyUnavailable() {
        for (Decision.Failure cause : Decision.Failure.values()) {
            Decision unavailable = Decision.unavailable(cause, "engine detail", Decision.newDecisionId(), null);
            assertFalse(unavailable.allow(), cause.name());
            LakewardException failure = assertThrows(LakewardException.class, unavailable::enforce);
            assertEquals(ErrorCode.TEMPORARILY_UNAVAILABLE, failure.code(), cause.name());
            assertFalse(failure.getMessage().contains("engine detail"), failure.getMessage());
        }
    }

    @Test
    void onlyAnAllowedOutcomeAllows() {
        String id = Decision.newDecisionId();
        assertThrows(IllegalArgumentException.class, () -> new Decision(Decision.Outcome.DENIED, true, "r", id, "1", null));
        assertThrows(IllegalArgumentException.class, () -> new Decision(Decision.Outcome.UNAVAILABLE, true, "r", id, null, Decision.Failure.TIMEOUT));
        assertThrows(IllegalArgumentException.class, () -> new Decision(Decision.Outcome.ALLOWED, false, "r", id, "1", null));
        assertThrows(IllegalArgumentException.class, () -> new Decision(Decision.Outcome.UNAVAILABLE, false, "r", id, null, null));
        assertThrows(IllegalArgumentException.class, () -> new Decision(Decision.Outcome.DENIED, false, "r", id, "1", Decision.Failure.TIMEOUT));
    }

    @Test
    void decisionIdsAreFreshRandom128BitHex() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = Decision.newDecisionId();
            assertTrue(id.matches("[0-9a-f]{32}"), id);
            ids.add(id);
        }
        assertEquals(10_000, ids.size());
    }

    @Test
    void decisionSerializesWithSnakeCaseNames() throws Exception {
        JsonNode json = DecisionResults.MAPPER.valueToTree(Decision.denied("no role grants the action", "0123456789abcdef0123456789abcdef", "42"));
        assertEquals(DecisionResults.MAPPER.readTree("""
                {"outcome":"DENIED","allow":false,"reason":"no role grants the action",
                 "decision_id":"0123456789abcdef0123456789abcdef","revision":"42"}"""), json);
    }

    @Test
    void inputSerializesAsTheRegoInput() throws Exception {
        JsonNode json = DecisionResults.MAPPER.readTree(DecisionResults.toJson(Inputs.allowed()));
        assertEquals(DecisionResults.MAPPER.readTree("""
                {"principal": {"id": "user-1", "type": "user", "tenant": "acme", "roles": ["viewer"], "groups": ["analysts"]},
                 "action": "notebook.read",
                 "resource": {"tenant": "acme", "type": "notebook", "id": "notebook-1", "owner": "user-2"},
                 "context": {"time": "2025-06-01T12:00:00Z", "client_ip": "127.0.0.1", "request_id": "0123456789abcdef0123456789abcdef"}}"""), json);
    }

    @Test
    void missingInputFieldsAreLeftOutAndNonAsciiIsEscaped() {
        AuthorizationInput input = new AuthorizationInput(
                new Principal("jürgen", PrincipalType.SERVICE, null, List.of(), null), null, new Resource("acme", null, null, null), null);
        assertEquals("{\"principal\":{\"id\":\"j\\u00FCrgen\",\"type\":\"service\",\"roles\":[]},\"resource\":{\"tenant\":\"acme\"}}",
                DecisionResults.toJson(input));
    }
}

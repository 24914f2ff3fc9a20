package io.lakeward.policy.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PolicyDataTest {

    @Test
    void theDocumentCarriesItsOwnRevision() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> PolicyData.of("2", DecisionResults.MAPPER.readTree("{\"revision\":\"1\"}")));
        assertThrows(IllegalArgumentException.class, () -> PolicyData.of("2", DecisionResults.MAPPER.readTree("{\"revision\":2}")));
        assertThrows(IllegalArgumentException.class, () -> PolicyData.of("2", DecisionResults.MAPPER.readTree("{}")));
        assertThrows(IllegalArgumentException.class, () -> PolicyData.of("2", DecisionResults.MAPPER.readTree("[]")));
        assertThrows(IllegalArgumentException.class, () -> PolicyData.of(" ", DecisionResults.MAPPER.readTree("{\"revision\":\" \"}")));
        assertEquals("2", PolicyData.of("2", DecisionResults.MAPPER.readTree("{\"revision\":\"2\",\"grants\":[]}")).revision());
    }

    @Test
    void laterChangesToTheCallersNodeDoNotLeakIn() throws Exception {
        ObjectNode document = (ObjectNode) DecisionResults.MAPPER.readTree("{\"revision\":\"5\",\"grants\":[\"a\"]}");
        PolicyData data = PolicyData.of("5", document);
        document.put("revision", "6");
        data.document().put("revision", "7");
        assertEquals("5", data.document().get("revision").textValue());
    }

    @Test
    void theDocumentIsMountedAtDataLakewardAdmin() throws Exception {
        assertEquals(DecisionResults.MAPPER.readTree("{\"lakeward\":{\"admin\":{\"revision\":\"9\"}}}"), PolicyData.empty("9").dataRoot());
    }
}

package io.lakeward.audit.client.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditEventTest {
    private final ObjectMapper mapper = AuditJson.newMapper();

    private static AuditEvent.Builder deniedTableRead() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("table", "main.sales.orders");
        parameters.put("access_token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl");
        return AuditEvent.builder()
                .eventId(AuditEventId.of("0123456789abcdef0123456789abcdef"))
                .time(Instant.parse("2025-03-01T12:34:56.123456789Z"))
                .tenant(TenantId.of("acme"))
                .workspaceId("ws-7")
                .service(PlatformService.GATEWAY)
                .action("table.read")
                .actor(Actor.user("c0ffee00-1234-4abc-9def-001122334455", "ada@acme.example", AuthenticationMethod.BEARER_TOKEN))
                .source(Source.of("2001:db8::17", "databricks-sdk-py/0.40.0"))
                .sessionIdHash(SessionIdHash.fromSessionToken("raw-session-token"))
                .requestId(new RequestId("fedcba9876543210fedcba9876543210"))
                .requestParameters(parameters)
                .response(Response.error(ErrorCode.PERMISSION_DENIED))
                .outcome(Outcome.DENIED)
                .policyDecision(new PolicyDecision("9b2e4c1a-7d3f-4e8a-b6c5-0a1b2c3d4e5f", "policy-r17", "no grant on main.sales"))
                .touched(ResourceReference.table("main.sales.orders"))
                .touched(ResourceReference.workspace("ws-7"));
    }

    @Test
    void everyFieldRoundTripsThroughJsonUnchanged() throws Exception {
        AuditEvent event = deniedTableRead().build();

        String json = mapper.writeValueAsString(event);
        AuditEvent read = mapper.readValue(json, AuditEvent.class);

        assertEquals(event, read);
        assertEquals(json, mapper.writeValueAsString(read));
    }

    @Test
    void aMinimalPlatformEventRoundTripsWithItsNulls() throws Exception {
        AuditEvent event = AuditEvent.builder()
                .platformLevel()
                .service(PlatformService.LAUNCHER)
                .action("platform.start")
                .actor(Actor.system("launcher"))
                .source(Source.none())
                .requestId(RequestId.random())
                .outcome(Outcome.SUCCESS)
                .build();

        AuditEvent read = mapper.readValue(mapper.writeValueAsBytes(event), AuditEvent.class);

        assertEquals(event, read);
        assertNull(read.tenantId());
        assertEquals(Map.of(), read.requestParameters());
        assertEquals(List.of(), read.dataTouched());
    }

    @Test
    void jsonUsesSnakeCaseNamesAndPlainStringIds() throws Exception {
        JsonNode json = mapper.readTree(mapper.writeValueAsString(deniedTableRead().build()));

        assertEquals(new TreeSet<>(List.of("schema_version", "event_id", "time", "tenant_id", "workspace_id", "service", "action",
                "actor", "source", "session_id_hash", "request_id", "request_parameters", "response", "outcome",
                "policy_decision", "data_touched")), fieldNames(json));
        assertEquals(Set.of("type", "id", "name", "authentication_method"), fieldNames(json.get("actor")));
        assertEquals(Set.of("ip", "user_agent"), fieldNames(json.get("source")));
        assertEquals(Set.of("status_code", "error_code"), fieldNames(json.get("response")));
        assertEquals(Set.of("decision_id", "policy_revision", "reason"), fieldNames(json.get("policy_decision")));
        assertEquals("acme", json.get("tenant_id").asText());
        assertEquals("fedcba9876543210fedcba9876543210", json.get("request_id").asText());
        assertEquals("0123456789abcdef0123456789abcdef", json.get("event_id").asText());
        assertEquals("gateway", json.get("service").asText());
        assertEquals("2025-03-01T12:34:56.123456789Z", json.get("time").asText());
        assertEquals("PERMISSION_DENIED", json.get("response").get("error_code").asText());
        assertEquals(403, json.get("response").get("status_code").asInt());
        assertEquals("BEARER_TOKEN", json.get("actor").get("authentication_method").asText());
    }

    @Test
    void theBuilderRedactsSecretsAndNeverKeepsTheRawSessionToken() throws Exception {
        AuditEvent event = deniedTableRead().build();
        String json = mapper.writeValueAsString(event);

        assertEquals(Redactor.REDACTED, event.requestParameters().get("access_token"));
        assertEquals("main.sales.orders", event.requestParameters().get("table"));
        assertTrue(!json.contains("eyJhbGciOiJSUzI1NiJ9") && !json.contains("raw-session-token"), json);
        assertEquals(64, event.sessionIdHash().value().length());
    }

    @Test
    void theBuilderNamesEveryMissingRequiredField() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> AuditEvent.builder().build());

        for (String field : List.of("tenant (or platformLevel())", "service", "action", "actor", "source", "request id", "outcome")) {
            assertTrue(missing.getMessage().contains(field), missing.getMessage());
        }
    }

    @Test
    void aWorkspaceEventWithoutATenantIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> deniedTableRead().tenant(null).platformLevel().build());

        assertTrue(refused.getMessage().contains("tenant"), refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "read", "Notebook.read", "notebook.", ".read", "notebook..read", "notebook read", "notebook.read\n",
            "notebook/read", "1notebook.read"})
    void malformedActionsAreRefused(String action) {
        assertThrows(IllegalArgumentException.class, () -> deniedTableRead().action(action).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef", "0123456789abcdef0123456789abcdeg",
            "01234567-89ab-cdef-0123-456789abcdef"})
    void malformedEventIdsAreRefused(String id) {
        assertThrows(IllegalArgumentException.class, () -> AuditEventId.of(id));
    }

    @Test
    void randomEventIdsAreValidAndDistinct() {
        Set<AuditEventId> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(AuditEventId.random());
        }
        assertEquals(10_000, ids.size());
    }

    @Test
    void unredactedParametersAreRefusedEvenByTheCanonicalConstructor() {
        AuditEvent valid = deniedTableRead().build();

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new AuditEvent(
                valid.schemaVersion(), valid.eventId(), valid.time(), valid.tenantId(), valid.workspaceId(), valid.service(),
                valid.action(), valid.actor(), valid.source(), valid.sessionIdHash(), valid.requestId(),
                Map.of("password", "hunter2"), valid.response(), valid.outcome(), valid.policyDecision(), valid.dataTouched()));

        assertTrue(refused.getMessage().contains("Redactor"), refused.getMessage());
    }

    @Test
    void readingJsonValidatesLikeBuilding() throws Exception {
        ObjectNode json = (ObjectNode) mapper.readTree(mapper.writeValueAsString(deniedTableRead().build()));

        ObjectNode secret = json.deepCopy();
        ((ObjectNode) secret.get("request_parameters")).put("client_secret", "s3cr3t");
        ObjectNode badAction = json.deepCopy().put("action", "DROP TABLE");
        ObjectNode badTenant = json.deepCopy().put("tenant_id", "../other");
        ObjectNode unknownField = json.deepCopy().put("extra", 1);
        ObjectNode unknownService = json.deepCopy().put("service", "mailer");

        for (ObjectNode invalid : List.of(secret, badAction, badTenant, unknownField, unknownService)) {
            assertThrows(Exception.class, () -> mapper.treeToValue(invalid, AuditEvent.class), invalid.toString());
        }
        assertThrows(ValueInstantiationException.class, () -> mapper.treeToValue(secret, AuditEvent.class));
    }

    @Test
    void actorsFollowTheirKindsRules() {
        assertThrows(IllegalArgumentException.class, () -> Actor.user("u1", null, AuthenticationMethod.NONE));
        assertThrows(IllegalArgumentException.class, () -> Actor.user(null, "ada", AuthenticationMethod.BEARER_TOKEN));
        assertThrows(IllegalArgumentException.class, () -> new Actor(ActorType.SYSTEM, "retention", null, AuthenticationMethod.BEARER_TOKEN));
        assertThrows(IllegalArgumentException.class, () -> Actor.user("u1", "ada\r\nINFO forged line", AuthenticationMethod.BEARER_TOKEN));
        assertEquals(AuthenticationMethod.PERSONAL_ACCESS_TOKEN, Actor.rejected(AuthenticationMethod.PERSONAL_ACCESS_TOKEN).authenticationMethod());
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "localhost", "256.1.1.1", "1.2.3", "::g", "192.0.2.1; rm -rf", ""})
    void sourceIpsMustBeAddressLiterals(String ip) {
        assertThrows(IllegalArgumentException.class, () -> Source.of(ip, null));
    }

    @Test
    void sourceAcceptsIpv4AndIpv6AndCutsLongUserAgents() {
        assertEquals("203.0.113.5", Source.of("203.0.113.5", null).ip());
        assertEquals("::1", Source.of("::1", null).ip());
        assertEquals("::ffff:192.0.2.1", Source.of("::ffff:192.0.2.1", null).ip());
        Source source = Source.of(null, "agent\n".repeat(200));
        assertEquals(Source.MAX_USER_AGENT_LENGTH, source.userAgent().length());
        assertTrue(!source.userAgent().contains("\n"));
    }

    @Test
    void aSuccessCarriesNoErrorCode() {
        assertThrows(IllegalArgumentException.class,
                () -> deniedTableRead().outcome(Outcome.SUCCESS).response(Response.error(ErrorCode.INTERNAL_ERROR)).build());
    }

    @Test
    void dataTouchedIsBounded() {
        List<ResourceReference> many = new ArrayList<>();
        for (int i = 0; i <= AuditEvent.MAX_DATA_TOUCHED; i++) {
            many.add(ResourceReference.table("main.t" + i));
        }
        assertThrows(IllegalArgumentException.class, () -> deniedTableRead().touched(many).build());
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

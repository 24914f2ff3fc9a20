package io.lakeward.policy.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakeward.common.config.Secret;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.testing.opa.TestingOpa;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RemotePolicyClientTest {
    private static final String DECISION_PATH = "/v1/data/lakeward/authz/decision";
    private static final String DATA_PATH = "/v1/data/lakeward/admin";
    private static final FakeOpa.Answer NO_CONTENT = new FakeOpa.Answer(204, "");

    @Test
    void postsTheInputAndReadsTheResult() throws Exception {
        try (FakeOpa opa = new FakeOpa(request -> request.method().equals("PUT") ? NO_CONTENT
                : new FakeOpa.Answer(200, "{\"result\":{\"allow\":true,\"reason\":\"granted to role viewer\"},\"decision_id\":\"x\"}"));
                RemotePolicyClient client = new RemotePolicyClient(RemotePolicyConfig.of(opa.baseUri()).withToken(Secret.of("opa-token")))) {
            client.updateData(PolicyData.empty("3")).get(10, TimeUnit.SECONDS);
            Decision decision = client.decide(Inputs.allowed()).get(10, TimeUnit.SECONDS);

            assertEquals(Decision.allowed("granted to role viewer", decision.decisionId(), "3"), decision);
            List<FakeOpa.Request> requests = opa.requests();
            assertEquals(2, requests.size());
            assertEquals("PUT", requests.get(0).method());
            assertEquals(DATA_PATH, requests.get(0).path());
            assertEquals(DecisionResults.MAPPER.readTree("{\"revision\":\"3\"}"), DecisionResults.MAPPER.readTree(requests.get(0).body()));
            assertEquals("POST", requests.get(1).method());
            assertEquals(DECISION_PATH, requests.get(1).path());
            assertEquals("Bearer opa-token", requests.get(1).authorization());
            JsonNode body = DecisionResults.MAPPER.readTree(requests.get(1).body());
            assertEquals(DecisionResults.MAPPER.readTree(DecisionResults.toJson(Inputs.allowed())), body.get("input"));
            assertEquals(1, body.size());
        }
    }

    @Test
    void undefinedMalformedAndErrorAnswersAreUnavailable() throws Exception {
        assertFailure(Decision.Failure.UNDEFINED_RESULT, new FakeOpa.Answer(200, "{}"));
        assertFailure(Decision.Failure.UNDEFINED_RESULT, new FakeOpa.Answer(200, "{\"decision_id\":\"abc\"}"));
        assertFailure(Decision.Failure.MALFORMED_RESULT, new FakeOpa.Answer(200, "{\"result\":{\"allow\":\"yes\",\"reason\":\"r\"}}"));
        assertFailure(Decision.Failure.MALFORMED_RESULT, new FakeOpa.Answer(200, "{\"result\":true}"));
        assertFailure(Decision.Failure.MALFORMED_RESULT, new FakeOpa.Answer(200, "[]"));
        assertFailure(Decision.Failure.ENGINE_ERROR, new FakeOpa.Answer(200, "<html>proxy</html>"));
        assertFailure(Decision.Failure.ENGINE_ERROR, new FakeOpa.Answer(404, ""));
        Decision error = assertFailure(Decision.Failure.ENGINE_ERROR,
                new FakeOpa.Answer(500, "{\"code\":\"internal_error\",\"message\":\"eval_conflict_error: tenant globex secret\"}"));
        assertTrue(error.reason().contains("500 (internal_error)"), error.reason());
        assertFalse(error.reason().contains("globex"), error.reason());
    }

    @Test
    void nothingIsDecidedBeforeDataIsPushed() throws Exception {
        try (FakeOpa opa = new FakeOpa(request -> new FakeOpa.Answer(200, "{\"result\":{\"allow\":true,\"reason\":\"r\"}}"));
                RemotePolicyClient client = new RemotePolicyClient(RemotePolicyConfig.of(opa.baseUri()))) {
            Decision decision = client.decide(Inputs.allowed()).get(10, TimeUnit.SECONDS);
            assertEquals(Decision.Failure.NO_DATA, decision.failure());
            assertTrue(client.revision().isEmpty());
            assertEquals(List.of(), opa.requests());
        }
    }

    @Test
    void aSlowServerIsUnavailableWithinTheTimeout() throws Exception {
        try (FakeOpa opa = new FakeOpa(request -> NO_CONTENT);
                RemotePolicyClient client = new RemotePolicyClient(RemotePolicyConfig.of(opa.baseUri()).withRequestTimeout(Duration.ofMillis(300)))) {
            pushUntilAccepted(client, PolicyData.empty("1"));
            opa.handler(request -> {
                opa.awaitRelease();
                return new FakeOpa.Answer(200, "{\"result\":{\"allow\":true,\"reason\":\"too late\"}}");
            });

            long start = System.nanoTime();
            Decision decision = client.decide(Inputs.allowed()).get(10, TimeUnit.SECONDS);
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertEquals(Decision.Outcome.UNAVAILABLE, decision.outcome());
            assertEquals(Decision.Failure.TIMEOUT, decision.failure());
            assertTrue(elapsedMillis >= 290 && elapsedMillis < 2_000, "gave up after " + elapsedMillis + " ms");
        }
    }

    @Test
    void anUnreachableServerIsUnavailableAtOnce() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
        try (RemotePolicyClient client = new RemotePolicyClient(RemotePolicyConfig.of(nowhere).withRequestTimeout(Duration.ofSeconds(2)))) {
            ExecutionException push = assertThrows(ExecutionException.class, () -> client.updateData(PolicyData.empty("1")).get(10, TimeUnit.SECONDS));
            assertEquals(ErrorCode.TEMPORARILY_UNAVAILABLE, ((LakewardException) push.getCause()).code());

            long start = System.nanoTime();
            Decision decision = client.decide(Inputs.allowed()).get(10, TimeUnit.SECONDS);
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Decision.Failure.NO_DATA, decision.failure(), "a failed push leaves the server's data unknown");
            assertTrue(elapsedMillis < 2_000, elapsedMillis + " ms");
        }
        // With data known, a server that went away is UNREACHABLE, well within the timeout.
        FakeOpa opa = new FakeOpa(request -> NO_CONTENT);
        try (RemotePolicyClient client = new RemotePolicyClient(RemotePolicyConfig.of(opa.baseUri()).withRequestTimeout(Duration.ofSeconds(2)))) {
            client.updateData(PolicyData.empty("1")).get(10, TimeUnit.SECONDS);
            opa.close();
            long start = System.nanoTime();
            Decision decision = client.decide(Inputs.allowed()).get(10, TimeUnit.SECONDS);
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Decision.Failure.UNREACHABLE, decision.failure(), decision.toString());
            assertTrue(elapsedMillis < 2_000, elapsedMillis + " ms");
        } finally {
            opa.close();
        }
    }

    @Test
    void aRefusedPushKeepsThePreviousRevision() throws Exception {
        try (FakeOpa opa = new FakeOpa(request -> NO_CONTENT);
                RemotePolicyClient client = new RemotePolicyClient(RemotePolicyConfig.of(opa.baseUri()))) {
            client.updateData(PolicyData.empty("1")).get(10, TimeUnit.SECONDS);
            opa.handler(request -> request.method().equals("PUT")
                    ? new FakeOpa.Answer(400, "{\"code\":\"invalid_parameter\",\"message\":\"bad\"}")
                    : new FakeOpa.Answer(200, "{\"result\":{\"allow\":false,\"reason\":\"r\"}}"));
            ExecutionException failure = assertThrows(ExecutionException.class, () -> client.updateData(PolicyData.empty("2")).get(10, TimeUnit.SECONDS));
            assertEquals(ErrorCode.INTERNAL_ERROR, ((LakewardException) failure.getCause()).code());
            assertEquals("1", client.revision().orElseThrow());
            assertEquals("1", client.decide(Inputs.allowed()).get(10, TimeUnit.SECONDS).revision());
        }
    }

    @Test
    void aPushThatTimesOutLeavesTheDataUnknownUntilTheNextPush() throws Exception {
        try (FakeOpa opa = new FakeOpa(request -> NO_CONTENT);
                RemotePolicyClient client = new RemotePolicyClient(RemotePolicyConfig.of(opa.baseUri()).withRequestTimeout(Duration.ofSeconds(1)))) {
            pushUntilAccepted(client, PolicyData.empty("1"));
            opa.handler(request -> {
                if (request.method().equals("PUT") && request.body().contains("\"2\"")) {
                    opa.awaitRelease();
                }
                return request.method().equals("PUT") ? NO_CONTENT : new FakeOpa.Answer(200, "{\"result\":{\"allow\":true,\"reason\":\"r\"}}");
            });
            assertThrows(ExecutionException.class, () -> client.updateData(PolicyData.empty("2")).get(10, TimeUnit.SECONDS));
            assertEquals(Decision.Failure.NO_DATA, client.decide(Inputs.allowed()).get(10, TimeUnit.SECONDS).failure());

            pushUntilAccepted(client, PolicyData.empty("3"));
            Decision decision = client.decide(Inputs.allowed()).get(10, TimeUnit.SECONDS);
            assertEquals(Decision.Outcome.ALLOWED, decision.outcome());
            assertEquals("3", decision.revision());
        }
    }

    @Test
    void decisionsDuringAPushReportTheRevisionTheServerUsed() throws Exception {
        // The fake echoes the revision it holds; a push is held until released.
        String[] held = {"1"};
        try (FakeOpa opa = new FakeOpa(request -> NO_CONTENT);
                RemotePolicyClient client = new RemotePolicyClient(RemotePolicyConfig.of(opa.baseUri()).withRequestTimeout(Duration.ofSeconds(10)))) {
            client.updateData(PolicyData.empty("1")).get(10, TimeUnit.SECONDS);
            opa.handler(request -> {
                if (request.method().equals("PUT")) {
                    opa.awaitRelease();
                    synchronized (held) {
                        held[0] = request.body().replaceAll(".*\"revision\":\"([^\"]*)\".*", "$1");
                    }
                    return NO_CONTENT;
                }
                synchronized (held) {
                    return new FakeOpa.Answer(200, "{\"result\":{\"allow\":true,\"reason\":\"data " + held[0] + "\"}}");
                }
            });
            CompletableFuture<Void> push = client.updateData(PolicyData.empty("2"));
            CompletableFuture<Decision> during = client.decide(Inputs.allowed());
            opa.release();
            push.get(10, TimeUnit.SECONDS);
            Decision decision = during.get(10, TimeUnit.SECONDS);
            assertEquals("data " + decision.revision(), decision.reason());
            assertEquals("2", decision.revision(), "a decision asked during a push waits for it");
        }
    }

    @Test
    void aRealOpaServerGivesTheSameFailureClassesAsTheWasm() throws Exception {
        assertRealFailure("undefined", Inputs.allowed(), Decision.Failure.UNDEFINED_RESULT);
        assertRealFailure("malformed", Inputs.allowed(), Decision.Failure.MALFORMED_RESULT);
        assertRealFailure("conflict", Inputs.withAction("conflict"), Decision.Failure.ENGINE_ERROR);
    }

    private static void assertRealFailure(String testPolicy, AuthorizationInput input, Decision.Failure expected) throws Exception {
        EmbeddedPolicyConfig config = EmbeddedPolicyClientTest.config(1, 1, Duration.ofSeconds(20), Duration.ofSeconds(20));
        try (TestingOpa opa = TestingOpa.start(List.of(TestPolicies.directory(testPolicy)));
                RemotePolicyClient remote = new RemotePolicyClient(RemotePolicyConfig.of(opa.baseUri()).withRequestTimeout(Duration.ofSeconds(5)));
                EmbeddedPolicyClient embedded = EmbeddedPolicyClient.start(TestPolicies.wasm(testPolicy), PolicyData.empty("1"), config)) {
            remote.updateData(PolicyData.empty("1")).get(10, TimeUnit.SECONDS);
            Decision fromServer = remote.decide(input).get(10, TimeUnit.SECONDS);
            Decision fromWasm = embedded.decide(input).get(30, TimeUnit.SECONDS);
            assertEquals(expected, fromServer.failure(), testPolicy + " remote: " + fromServer);
            assertEquals(expected, fromWasm.failure(), testPolicy + " embedded: " + fromWasm);
        }
    }

    /**
     * Pushes with a few attempts: the tests with a short timeout must not fail because the first
     * requests of a cold JVM on a busy machine can exceed it.
     */
    private static void pushUntilAccepted(RemotePolicyClient client, PolicyData data) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                client.updateData(data).get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static Decision assertFailure(Decision.Failure expected, FakeOpa.Answer answer) throws Exception {
        try (FakeOpa opa = new FakeOpa(request -> request.method().equals("PUT") ? NO_CONTENT : answer);
                RemotePolicyClient client = new RemotePolicyClient(RemotePolicyConfig.of(opa.baseUri()))) {
            client.updateData(PolicyData.empty("1")).get(10, TimeUnit.SECONDS);
            Decision decision = client.decide(Inputs.allowed()).get(10, TimeUnit.SECONDS);
            assertEquals(Decision.Outcome.UNAVAILABLE, decision.outcome(), answer.toString());
            assertEquals(expected, decision.failure(), answer + " gave " + decision);
            assertFalse(decision.allow());
            return decision;
        }
    }
}

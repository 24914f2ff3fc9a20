package io.lakeward.policy.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeward.testing.opa.TestingOpa;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * An OPA server that lost its data (as after a restart) must not fall back to what credentials
 * claim: a role revoked in the store stays revoked, because without data nothing is allowed; and
 * the sync pushes the data again on its own.
 */
class RemoteDataLossTest {

    @Test
    void lostDataDeniesEverythingUntilTheSyncPushesItAgain() throws Exception {
        ObjectNode acme = JsonNodeFactory.instance.objectNode();
        acme.put("revision", 4);
        ObjectNode member = acme.putObject("members").putObject("user-1");
        member.putArray("roles").add("viewer");
        member.putArray("groups");
        TenantPolicySource source = new TenantPolicySource() {
            @Override
            public Map<String, Long> revisions() {
                return Map.of("acme", 4L);
            }

            @Override
            public ObjectNode document(String tenant) {
                return acme.deepCopy();
            }
        };
        // the token still claims tenant-admin; the store says viewer
        AuthorizationInput input = new AuthorizationInput(
                new AuthorizationInput.Principal("user-1", AuthorizationInput.PrincipalType.USER, "acme", List.of("tenant-admin"), List.of()),
                "policy.update", new AuthorizationInput.Resource("acme", "policy", null, null), null);
        try (TestingOpa opa = TestingOpa.start(List.of(TestingOpa.productionPolicies()));
             RemotePolicyClient client = new RemotePolicyClient(RemotePolicyConfig.of(opa.baseUri()).withRequestTimeout(Duration.ofSeconds(2)));
             PolicyDataSync sync = new PolicyDataSync(source, List.of(client), Duration.ofMillis(10)).start(Duration.ofSeconds(10))) {
            assertEquals("no role grants the action", client.decide(input).get(5, TimeUnit.SECONDS).reason());

            HttpResponse<String> deleted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(opa.baseUri().resolve("/v1/data/lakeward/admin"))
                    .DELETE().timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, deleted.statusCode());
            Decision withoutData = client.decide(input).get(5, TimeUnit.SECONDS);
            assertEquals(Decision.Outcome.DENIED, withoutData.outcome(), withoutData.toString());
            assertEquals("no policy data", withoutData.reason());

            Instant deadline = Instant.now().plusSeconds(5);
            while (!client.decide(input).get(5, TimeUnit.SECONDS).reason().equals("no role grants the action")) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("the sync did not push the data again within 5 s");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // the polling step of the wait
            }
        }
    }
}

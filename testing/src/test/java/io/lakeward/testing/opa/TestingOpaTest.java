package io.lakeward.testing.opa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestingOpaTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theSharedServerRunsTheProductionPoliciesWithoutTheirTests() throws Exception {
        TestingOpa opa = TestingOpa.shared();
        assertSame(opa, TestingOpa.shared());
        HttpResponse<String> policies = HTTP.send(HttpRequest.newBuilder(opa.baseUri().resolve("/v1/policies")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, policies.statusCode());
        assertTrue(policies.body().contains("lakeward/authz/authz.rego"), "the policies are loaded");
        assertFalse(policies.body().contains("authz_test.rego"), "the tests are left out");
        HttpResponse<String> data = HTTP.send(HttpRequest.newBuilder(opa.baseUri().resolve("/v1/data/capabilities")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("{}", data.body().strip(), "capabilities.json is not loaded as data");
    }

    @Test
    void aServerThatCannotStartIsAnException() throws Exception {
        Path target = Path.of("target");
        Path broken = Files.isDirectory(target) ? Files.createTempDirectory(target, "testing-opa-broken-") : Files.createTempDirectory("testing-opa-broken-");
        Files.writeString(broken.resolve("broken.rego"), "package broken\n\nallow if {\n");
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> TestingOpa.start(List.of(broken)).close());
        assertTrue(failure.getMessage().contains("broken.rego"), failure.getMessage());
    }

    @Test
    void closingStopsTheServer() throws Exception {
        TestingOpa opa = TestingOpa.start(List.of(TestingOpa.productionPolicies()));
        HttpRequest health = HttpRequest.newBuilder(opa.baseUri().resolve("/health")).timeout(Duration.ofSeconds(2)).build();
        assertEquals(200, HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode());
        opa.close();
        assertThrows(java.io.IOException.class, () -> HTTP.send(health, HttpResponse.BodyHandlers.discarding()));
    }
}

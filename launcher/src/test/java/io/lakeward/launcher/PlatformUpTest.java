package io.lakeward.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What {@code lakeward up} promises: TLS tenant hosts, a real identity provider, green readiness. */
class PlatformUpTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static RunningPlatform platform;

    @BeforeAll
    static void start() {
        platform = RunningPlatform.get();
    }

    @Test
    void everyReadinessCheckIsGreen() throws Exception {
        Map<String, URI> endpoints = platform.platform.services().readinessEndpoints();
        assertEquals(List.of("gateway", "workspace-service", "compute", "audit", "keyvault"), List.copyOf(endpoints.keySet()));
        for (var endpoint : endpoints.entrySet()) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.getValue()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), endpoint.getKey() + ": " + response.body());
            assertEquals("UP", JSON.readTree(response.body()).get("status").asText());
        }
        JsonNode gateway = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoints.get("gateway")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertEquals("UP", gateway.get("checks").get("identity-provider").asText());
    }

    @Test
    void eachTenantHostServesItsWorkspaceUnderTheDevelopmentCa() throws Exception {
        HttpResponse<String> acme = platform.get(platform.tenantUrl("acme", "/"), null);
        assertEquals(200, acme.statusCode());
        assertTrue(acme.body().contains("Acme Corporation"), acme.body());
        assertTrue(acme.body().contains(platform.issuer("acme").toString()));
        assertTrue(acme.headers().firstValue("Strict-Transport-Security").isPresent());
        assertTrue(acme.headers().firstValue("Content-Security-Policy").orElseThrow().contains("frame-ancestors 'none'"));

        HttpResponse<String> globex = platform.get(platform.tenantUrl("globex", "/"), null);
        assertEquals(200, globex.statusCode());
        assertTrue(globex.body().contains("Globex Corporation"));

        // a client that trusts only the usual public CAs refuses the certificate
        HttpClient ordinary = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(SSLHandshakeException.class, () -> ordinary.send(HttpRequest.newBuilder(platform.tenantUrl("acme", "/")).build(),
                HttpResponse.BodyHandlers.discarding()));
    }

    @Test
    void aHostThatNamesNoTenantGets404() throws Exception {
        HostsFile.write(platform.config.hostsFile(), List.of("nobody." + platform.config.baseDomain()));
        HttpResponse<String> response = platform.get(platform.tenantUrl("nobody", "/"), null);
        assertEquals(404, response.statusCode());
        assertEquals("RESOURCE_DOES_NOT_EXIST", JSON.readTree(response.body()).get("error_code").asText());
        HttpResponse<String> api = platform.get(platform.tenantUrl("nobody", "/api/2.0/preview/scim/v2/Me"), null);
        assertEquals(404, api.statusCode());
    }

    @Test
    void undeclaredPathsAre404InTheOneErrorShape() throws Exception {
        HttpResponse<String> response = platform.get(platform.tenantUrl("acme", "/api/2.0/no/such/endpoint"), null);
        assertEquals(404, response.statusCode());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("ENDPOINT_NOT_FOUND", body.get("error_code").asText());
        assertEquals(response.headers().firstValue("X-Request-Id").orElseThrow(), body.get("request_id").asText());
    }

    @Test
    void eachTenantIssuerPublishesItsDiscoveryDocument() throws Exception {
        for (String tenant : List.of("acme", "globex")) {
            HttpResponse<String> response = platform.get(URI.create(platform.issuer(tenant) + "/.well-known/openid-configuration"), null);
            assertEquals(200, response.statusCode());
            assertEquals(platform.issuer(tenant).toString(), JSON.readTree(response.body()).get("issuer").asText());
        }
    }

    @Test
    void theBannerNamesTenantUrlsAndDemoLoginsOnce() {
        for (String tenant : List.of("acme", "globex")) {
            assertTrue(platform.banner.contains(platform.tenantUrl(tenant, "/").toString()), platform.banner);
        }
        for (String user : List.of("admin", "engineer", "auditor", "viewer")) {
            assertTrue(platform.banner.contains("demo login " + user), platform.banner);
        }
        assertTrue(platform.banner.contains(platform.config.state().caCertificate().toString()));
    }

    @Test
    void generatedSecretsAndKeysAreOwnerOnly() throws Exception {
        Path secrets = platform.config.state().secrets();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
        try (Stream<Path> files = Files.list(secrets)) {
            List<Path> all = files.toList();
            assertTrue(all.size() >= 4, "acme, globex, platform realm, keycloak admin, internal keys: " + all);
            for (Path file : all) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
            }
        }
        for (String key : List.of("ca-key.pem", "gateway-key.pem", "keycloak-key.pem")) {
            Path file = platform.config.state().ca().resolve(key);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), key);
        }
    }

    @Test
    void internalServicesRefuseCallsThatDidNotComeThroughTheGateway() throws Exception {
        for (var service : platform.platform.services().internalServices().entrySet()) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service.getValue() + "/api/2.0/workspace/list"))
                    .header("X-Tenant", "acme").header("X-User", "admin").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, response.statusCode(), service.getKey());
            assertEquals("UNAUTHENTICATED", JSON.readTree(response.body()).get("error_code").asText());
        }
    }

    @Test
    void prometheusMetricsAreOnTheLoopbackManagementListener() throws Exception {
        platform.get(platform.tenantUrl("acme", "/"), null);
        // HTTP/1.1 and a timeout: a JDK client's h2c upgrade once hung this request forever on a loaded machine
        HttpResponse<String> metrics = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(platform.platform.services().metricsEndpoint()).timeout(java.time.Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("vertx_http_server_requests_total"), "HTTP server metrics are recorded");
        HttpResponse<String> publicMetrics = platform.get(platform.tenantUrl("acme", "/metrics"), null);
        assertEquals(404, publicMetrics.statusCode(), "metrics are not on the public listener");
    }
}

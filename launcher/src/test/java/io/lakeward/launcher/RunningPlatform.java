package io.lakeward.launcher;

import io.lakeward.common.config.ConfigSource;
import io.lakeward.common.tls.PemTrust;
import io.lakeward.infra.keycloak.RealmProvisioner;
import io.lakeward.infra.keycloak.RealmSecrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The embedded platform exactly as {@code lakeward up} starts it (CA, real Keycloak, every service),
 * once per test JVM, on free ports, with its own state directory under {@code target/}.
 */
final class RunningPlatform {
    private static RunningPlatform instance;
    private static RuntimeException startFailure;

    final PlatformConfig config;
    final EmbeddedPlatform platform;
    final String banner;
    final HttpClient https;

    private RunningPlatform(PlatformConfig config, EmbeddedPlatform platform, String banner) {
        this.config = config;
        this.platform = platform;
        this.banner = banner;
        try {
            this.https = HttpClient.newBuilder()
                    .sslContext(PemTrust.sslContext(config.state().caCertificate()))
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static synchronized RunningPlatform get() {
        if (startFailure != null) {
            throw startFailure;
        }
        if (instance == null) {
            try {
                Path state = Path.of("target", "platform-state-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
                PlatformConfig config = PlatformConfig.load(ConfigSource.ofMap(settings(state)));
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                EmbeddedPlatform platform = EmbeddedPlatform.start(config, new PrintStream(output, true, StandardCharsets.UTF_8));
                Runtime.getRuntime().addShutdownHook(new Thread(platform::close));
                instance = new RunningPlatform(config, platform, output.toString(StandardCharsets.UTF_8));
                System.out.println(instance.banner);
            } catch (Exception e) {
                startFailure = new IllegalStateException("the embedded platform did not start", e);
                throw startFailure;
            }
        }
        return instance;
    }

    /** Settings of a platform on free ports with its state in {@code state}. */
    static Map<String, String> settings(Path state) {
        Map<String, String> settings = new HashMap<>();
        settings.put("platform.state-dir", state.toString());
        settings.put("platform.start-timeout", "4m");
        settings.put("keycloak.port", Integer.toString(freePort()));
        settings.put("keycloak.management-port", Integer.toString(freePort()));
        settings.put("gateway.port", Integer.toString(freePort()));
        settings.put("gateway.management-port", "0");
        settings.put("workspace.port", "0");
        settings.put("compute.port", "0");
        settings.put("audit.port", "0");
        settings.put("keyvault.port", "0");
        // tests wait for login events and checkpoints: read and sign them often
        settings.put("audit.identity-events.interval", "1s");
        settings.put("audit.checkpoint.interval", "1s");
        return settings;
    }

    /** A port to name in the settings before the platform binds it: outside the ephemeral range, so no connection takes it meanwhile. */
    static int freePort() {
        return io.lakeward.testing.FreePorts.reserve();
    }

    URI tenantUrl(String tenant, String path) {
        return URI.create("https://" + tenant + "." + config.baseDomain() + ":" + config.gateway().port() + path);
    }

    URI issuer(String tenant) {
        return URI.create("https://" + config.identityProviderHost() + ":" + config.keycloakPort() + "/realms/" + tenant);
    }

    HttpResponse<String> get(URI uri, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An access token of the tenant's automation service account (client credentials). */
    String serviceAccountToken(String tenant) throws IOException, InterruptedException {
        RealmSecrets secrets = RealmSecrets.read(RealmProvisioner.secretsFile(config.state().secrets(), tenant));
        String form = "grant_type=client_credentials&client_id=" + RealmProvisioner.AUTOMATION_CLIENT
                + "&client_secret=" + URLEncoder.encode(secrets.automationClientSecret().reveal(), StandardCharsets.UTF_8);
        HttpResponse<String> response = https.send(HttpRequest.newBuilder(URI.create(issuer(tenant) + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token endpoint answered " + response.statusCode());
        }
        return com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(response.body()).get("access_token").asText();
    }

    /**
     * The gateway's audit events for the request that got {@code response} (by its
     * {@code X-Request-Id}), once they arrived in the audit log: the gateway's outbox ships them
     * there; waits (at most 20 s) until at least one gateway event of the request is stored.
     */
    List<io.lakeward.audit.client.event.AuditEvent> auditEventsOf(HttpResponse<?> response) {
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        return awaitAuditEvents(requestId, event -> event.service() == io.lakeward.audit.client.event.PlatformService.GATEWAY);
    }

    /** Every event of the request {@code requestId} in the audit log, waiting (at most 20 s) until one matches {@code present}. */
    List<io.lakeward.audit.client.event.AuditEvent> awaitAuditEvents(String requestId,
            java.util.function.Predicate<io.lakeward.audit.client.event.AuditEvent> present) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<io.lakeward.audit.client.event.AuditEvent> events = storedEvents(requestId);
            if (events.stream().anyMatch(present)) {
                return events;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no audit event of request " + requestId + " reached the audit log within 20 s: " + events);
            }
            try {
                platform.auditStore().awaitAppend(Duration.ofMillis(200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** The first event in the audit log that matches {@code wanted}, waiting (at most 20 s) until one arrives. */
    io.lakeward.audit.client.event.AuditEvent awaitAuditEvent(java.util.function.Predicate<io.lakeward.audit.client.event.AuditEvent> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            java.util.Optional<io.lakeward.audit.client.event.AuditEvent> found = storedEventsContaining("").stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no such audit event reached the audit log within 20 s");
            }
            try {
                platform.auditStore().awaitAppend(Duration.ofMillis(200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private List<io.lakeward.audit.client.event.AuditEvent> storedEvents(String requestId) {
        return storedEventsContaining("\"request_id\":\"" + requestId + "\"");
    }

    private List<io.lakeward.audit.client.event.AuditEvent> storedEventsContaining(String needle) {
        com.fasterxml.jackson.databind.ObjectMapper mapper = io.lakeward.audit.client.event.AuditJson.newMapper();
        List<io.lakeward.audit.client.event.AuditEvent> events = new java.util.ArrayList<>();
        for (io.lakeward.audit.store.AuditLogId log : platform.auditStore().logIds()) {
            platform.auditStore().read(log, 1, Long.MAX_VALUE, record -> {
                if (record.eventJsonText().contains(needle)) {
                    try {
                        events.add(mapper.readValue(record.eventJson(), io.lakeward.audit.client.event.AuditEvent.class));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        }
        return events;
    }

    static String read(Path file) throws IOException {
        return Files.readString(file);
    }
}

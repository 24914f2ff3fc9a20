package io.lakeward.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.RequestId;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.identity.InternalServiceKeys;
import io.lakeward.common.identity.Principal;
import io.lakeward.keyvault.Keyvault;
import io.lakeward.metastore.secret.JdbcSecretStore;
import io.lakeward.metastore.secret.StoredSecret;
import io.lakeward.metastore.tenant.NewTenant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secrets through the running platform (gateway with real Keycloak tokens, workspace-service,
 * PostgreSQL, keystore) and crypto-shredding of a tenant end to end, proven with the keystore and
 * master key reopened from disk.
 */
class SecretsEndToEndTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static RunningPlatform platform;
    private static final HttpClient LOOPBACK = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        platform = RunningPlatform.get();
    }

    HttpResponse<String> gatewayPost(String tenant, String path, String token, String body) throws Exception {
        return platform.https.send(HttpRequest.newBuilder(platform.tenantUrl(tenant, path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A call to the workspace-service as the compute service makes it for cluster code (internal identity, type CLUSTER). */
    HttpResponse<String> asClusterCode(TenantId tenant, String user, String pathAndQuery) throws Exception {
        InternalServiceKeys keys = InternalServiceKeys.loadOrCreate(platform.config.state().secrets().resolve("internal-keys.properties"),
                PlatformServices.INTERNAL_SERVICES);
        Principal cluster = new Principal(tenant, "cluster-e2e", user, Principal.PrincipalType.CLUSTER, List.of(), List.of(), "driver_secret");
        String assertion = new InternalIdentitySigner(keys, Duration.ofSeconds(30), Clock.systemUTC()).sign("workspace-service", cluster, RequestId.random());
        URI workspace = platform.platform.services().internalServices().get("workspace-service");
        return LOOPBACK.send(HttpRequest.newBuilder(URI.create(workspace + pathAndQuery)).header(InternalIdentitySigner.HEADER, assertion)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> asUser(TenantId tenant, String user, String path, String body) throws Exception {
        InternalServiceKeys keys = InternalServiceKeys.loadOrCreate(platform.config.state().secrets().resolve("internal-keys.properties"),
                PlatformServices.INTERNAL_SERVICES);
        Principal principal = new Principal(tenant, "sub-" + user, user, Principal.PrincipalType.USER, List.of("workspace-user"), List.of(), "oidc_access_token");
        String assertion = new InternalIdentitySigner(keys, Duration.ofSeconds(30), Clock.systemUTC()).sign("workspace-service", principal, RequestId.random());
        URI workspace = platform.platform.services().internalServices().get("workspace-service");
        return LOOPBACK.send(HttpRequest.newBuilder(URI.create(workspace + path)).header(InternalIdentitySigner.HEADER, assertion)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTenantsTokenManagesSecretsThroughTheGatewayButNeverReadsAValue() throws Exception {
        String token = platform.serviceAccountToken("acme");
        String scope = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(200, gatewayPost("acme", "/api/2.0/secrets/scopes/create", token, "{\"scope\":\"" + scope + "\"}").statusCode());
        HttpResponse<String> put = gatewayPost("acme", "/api/2.0/secrets/put", token,
                "{\"scope\":\"" + scope + "\",\"key\":\"api-key\",\"string_value\":\"s3cr3t-through-the-gateway\"}");
        assertEquals(200, put.statusCode(), put.body());

        HttpResponse<String> list = platform.get(platform.tenantUrl("acme", "/api/2.0/secrets/list?scope=" + scope), token);
        assertEquals(200, list.statusCode(), list.body());
        assertEquals("api-key", JSON.readTree(list.body()).get("secrets").get(0).get("key").asText());
        assertFalse(list.body().contains("s3cr3t"));

        HttpResponse<String> get = platform.get(platform.tenantUrl("acme", "/api/2.0/secrets/get?scope=" + scope + "&key=api-key"), token);
        assertEquals(403, get.statusCode(), "a user's token never reads a value: " + get.body());
        assertEquals("PERMISSION_DENIED", JSON.readTree(get.body()).get("error_code").asText());
        assertEquals("secret.get", platform.auditEventsOf(get).get(0).action());

        // globex's token on globex's host sees nothing of acme's scope
        String globex = platform.serviceAccountToken("globex");
        HttpResponse<String> foreign = platform.get(platform.tenantUrl("globex", "/api/2.0/secrets/list?scope=" + scope), globex);
        assertEquals(404, foreign.statusCode());
        // and acme's token on globex's host is refused by the gateway
        assertEquals(404, platform.get(platform.tenantUrl("globex", "/api/2.0/secrets/scopes/list"), token).statusCode());

        HttpResponse<String> value = asClusterCode(TenantId.of("acme"), "lakeward-automation",
                "/api/2.0/secrets/get?scope=" + scope + "&key=api-key");
        assertEquals(200, value.statusCode(), value.body());
        assertEquals("s3cr3t-through-the-gateway", new String(Base64.getDecoder().decode(JSON.readTree(value.body()).get("value").asText()),
                StandardCharsets.UTF_8));
    }

    @Test
    void deletingATenantShredsItsSecretsEnvelopesAndKeyvaultTokens() throws Exception {
        TenantId doomed = TenantId.of("shred-" + UUID.randomUUID().toString().substring(0, 6));
        TenantId survivor = TenantId.of("acme");
        EmbeddedPlatform running = platform.platform;
        Keyvault keyvault = running.keyvault();
        String host = doomed.value() + "." + platform.config.baseDomain();
        keyvault.ensureTenantKey(doomed);
        running.tenantRegistry().register(new NewTenant(doomed, "Doomed Ltd", host,
                URI.create("https://" + platform.config.identityProviderHost() + ":" + platform.config.keycloakPort() + "/realms/" + doomed.value()),
                EmbeddedPlatform.keyReference(doomed)));
        HostsFile.write(platform.config.hostsFile(), List.of(host));

        // its data: a secret through the workspace-service, an envelope, a table key wrapped through the keyvault API
        assertEquals(200, asUser(doomed, "dora", "/api/2.0/secrets/scopes/create", "{\"scope\":\"vault\"}").statusCode());
        assertEquals(200, asUser(doomed, "dora", "/api/2.0/secrets/put", "{\"scope\":\"vault\",\"key\":\"pw\",\"string_value\":\"doomed-secret\"}").statusCode());
        assertEquals(200, asClusterCode(doomed, "dora", "/api/2.0/secrets/get?scope=vault&key=pw").statusCode());
        byte[] notebook = keyvault.cipher().encrypt(doomed, "notebook/1", "SELECT 1".getBytes(StandardCharsets.UTF_8));
        byte[] survivorNotebook = keyvault.cipher().encrypt(survivor, "notebook/1", "SELECT 2".getBytes(StandardCharsets.UTF_8));
        String driverToken = keyvault.issueToken(doomed, "cluster:c-1").token().reveal();
        URI api = running.services().keyvaultEndpoint();
        byte[] tableKey = new byte[16];
        HttpResponse<String> wrapped = LOOPBACK.send(HttpRequest.newBuilder(URI.create(api + "/api/keyvault/v1/keys/wrap"))
                .header("Authorization", "Bearer " + driverToken)
                .POST(HttpRequest.BodyPublishers.ofString("{\"key_id\":\"table/t\",\"key\":\"" + Base64.getEncoder().encodeToString(tableKey) + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, wrapped.statusCode(), wrapped.body());
        byte[] wrappedKey = Base64.getDecoder().decode(JSON.readTree(wrapped.body()).get("wrapped_key").asText());
        assertEquals(200, platform.get(platform.tenantUrl(doomed.value(), "/"), null).statusCode(), "the tenant's host is served");

        TenantDeletion.Result result = running.deleteTenant(doomed);
        assertTrue(result.keysDestroyed());
        assertEquals(1, result.tokensRevoked());

        assertEquals(404, platform.get(platform.tenantUrl(doomed.value(), "/"), null).statusCode(), "its host answers 404");
        HttpResponse<String> unwrap = LOOPBACK.send(HttpRequest.newBuilder(URI.create(api + "/api/keyvault/v1/keys/unwrap"))
                .header("Authorization", "Bearer " + driverToken)
                .POST(HttpRequest.BodyPublishers.ofString("{\"key_id\":\"table/t\",\"wrapped_key\":\"" + Base64.getEncoder().encodeToString(wrappedKey) + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, unwrap.statusCode(), "its driver token is revoked");
        HttpResponse<String> secret = asClusterCode(doomed, "dora", "/api/2.0/secrets/get?scope=vault&key=pw");
        assertFalse(secret.statusCode() == 200 || secret.body().contains(Base64.getEncoder().encodeToString("doomed-secret".getBytes(StandardCharsets.UTF_8))));

        // the proof: the keystore and the master key reopened from disk (a copy, so the running platform's file is untouched)
        // decrypt none of it, and the other tenants' data still
        java.nio.file.Path copy = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("target"), "shredded-copy");
        java.nio.file.Files.copy(platform.config.keyvault().keystoreFile(), copy.resolve("keys.bcfks"));
        java.nio.file.Files.copy(platform.config.keyvault().masterKeyFile(), copy.resolve("master.key"));
        Keyvault reopened = Keyvault.open(new io.lakeward.keyvault.KeyvaultConfig(java.util.Optional.empty(), copy.resolve("master.key"),
                copy.resolve("keys.bcfks"), 0, Duration.ofMinutes(15)), Clock.systemUTC());
        assertFalse(reopened.hasTenantKey(doomed));
        StoredSecret stored = new JdbcSecretStore(running.database().transactions()).secret(doomed, "vault", "pw").orElseThrow();
        assertThrows(LakewardException.class, () -> reopened.cipher().decrypt(doomed, "secret/vault/pw", stored.envelope()));
        assertThrows(LakewardException.class, () -> reopened.cipher().decrypt(doomed, "notebook/1", notebook));
        assertThrows(LakewardException.class, () -> reopened.unwrapKey(doomed, "table/t", wrappedKey));
        assertArrayEquals("SELECT 2".getBytes(StandardCharsets.UTF_8), reopened.cipher().decrypt(survivor, "notebook/1", survivorNotebook));
        // a tenant of the same id made again gets new keys; the old data stays unreadable
        reopened.ensureTenantKey(doomed);
        assertThrows(LakewardException.class, () -> reopened.cipher().decrypt(doomed, "notebook/1", notebook));
        assertThrows(LakewardException.class, () -> reopened.cipher().decrypt(doomed, "secret/vault/pw", stored.envelope()));

        // the evidence survives: the deletion reaches the tenant's audit log (shipped from the keyvault's outbox),
        // which is kept under the platform's audit key, not the shredded tenant key
        io.lakeward.audit.client.event.AuditEvent deletion = platform.awaitAuditEvent(
                event -> event.action().equals("tenant.delete") && doomed.equals(event.tenantId()));
        assertEquals(io.lakeward.audit.client.event.PlatformService.KEYVAULT, deletion.service());
    }
}

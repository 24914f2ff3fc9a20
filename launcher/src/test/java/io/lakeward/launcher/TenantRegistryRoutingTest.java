package io.lakeward.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantStatus;
import io.lakeward.metastore.tenant.NewTenant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** The gateway maps hosts from the tenant registry in the metadata database, and follows its changes. */
class TenantRegistryRoutingTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aRegisteredTenantIsServedAtItsHostAndASuspendedOneIsNot() throws Exception {
        RunningPlatform platform = RunningPlatform.get();
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        TenantId id = TenantId.of("t-" + HexFormat.of().formatHex(random));
        String host = Tenant.hostName(id, platform.config.baseDomain());
        HostsFile.write(platform.config.hostsFile(), List.of(host));
        // a tenant that brings its own identity provider (here one that cannot be reached)
        URI externalIssuer = URI.create("https://idp." + id.value() + ".example/realms/corp");
        platform.platform.tenantRegistry().register(new NewTenant(id, "Initech " + id.value(), host, externalIssuer, "tenant-kek/" + id.value()));

        HttpResponse<String> landing = platform.get(platform.tenantUrl(id.value(), "/"), null);
        assertEquals(200, landing.statusCode());
        assertTrue(landing.body().contains("Initech " + id.value()));

        // a token naming its issuer cannot be checked while that issuer is down: 503, never 401 and never an allow
        com.nimbusds.jose.jwk.RSAKey key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("k1").generate();
        com.nimbusds.jwt.SignedJWT token = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.RS256).type(com.nimbusds.jose.JOSEObjectType.JWT).keyID("k1").build(),
                new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(externalIssuer.toString()).subject("someone").audience("lakeward-gateway")
                        .claim("typ", "Bearer").claim("azp", "corp-app").issueTime(new java.util.Date())
                        .expirationTime(new java.util.Date(System.currentTimeMillis() + 60_000)).build());
        token.sign(new com.nimbusds.jose.crypto.RSASSASigner(key));
        HttpResponse<String> api = platform.get(platform.tenantUrl(id.value(), "/api/2.0/preview/scim/v2/Me"), token.serialize());
        assertEquals(503, api.statusCode(), api.body());
        assertEquals("TEMPORARILY_UNAVAILABLE", JSON.readTree(api.body()).get("error_code").asText());
        // another tenant's valid token is still not this tenant's: 404, and it costs no key fetch here
        HttpResponse<String> foreign = platform.get(platform.tenantUrl(id.value(), "/api/2.0/preview/scim/v2/Me"), platform.serviceAccountToken("acme"));
        assertEquals(404, foreign.statusCode(), foreign.body());
        // and the platform stays ready for everyone else
        URI ready = platform.platform.services().readinessEndpoints().get("gateway");
        assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode());

        platform.platform.tenantRegistry().updateStatus(id, TenantStatus.SUSPENDED);
        HttpResponse<String> suspended = platform.get(platform.tenantUrl(id.value(), "/"), null);
        assertEquals(404, suspended.statusCode());
        assertEquals("RESOURCE_DOES_NOT_EXIST", JSON.readTree(suspended.body()).get("error_code").asText());
    }

    @Test
    void theDemoTenantsAreInTheRegistryWithTheirIssuers() {
        RunningPlatform platform = RunningPlatform.get();
        for (String tenant : List.of("acme", "globex")) {
            Tenant registered = platform.platform.tenantRegistry().get(TenantId.of(tenant)).orElseThrow().tenant();
            assertEquals(platform.issuer(tenant), registered.issuer());
            assertEquals(tenant + "." + platform.config.baseDomain(), registered.hostName());
        }
    }
}

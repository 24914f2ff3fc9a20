package io.lakeward.gateway.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.config.ConfigProblems;
import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.InternalIdentitySigner;
import io.lakeward.common.identity.InternalServiceKeys;
import io.lakeward.common.tenant.InMemoryTenantDirectory;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantStatus;
import io.lakeward.common.tls.PemTrust;
import io.lakeward.gateway.GatewayConfig;
import io.lakeward.gateway.GatewayVerticle;
import io.lakeward.gateway.audit.FakeAuditOutbox;
import io.lakeward.gateway.session.TestBrowserLogins;
import io.lakeward.keyvault.tls.DevCertificateAuthority;
import io.lakeward.keyvault.tls.ServerCertificate;
import io.lakeward.testing.TestingHosts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-tenant IP access lists: parsing, matching (block wins), and the gateway refusing before anything else. */
class IpAccessRulesTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    @TempDir
    Path state;

    private static InetAddress address(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void blockWinsOverAllowAndOtherTenantsAreOpen() throws Exception {
        ConfigProblems problems = new ConfigProblems();
        IpAccessRules rules = IpAccessRules.parse("acme=10.0.0.0/8 2001:db8::/32", "acme=10.1.2.0/24;globex=192.0.2.7", problems);
        assertTrue(problems.all().isEmpty(), problems.all().toString());
        assertTrue(rules.permits(ACME, address("10.200.0.1")));
        assertFalse(rules.permits(ACME, address("10.1.2.3")), "in both lists: blocked");
        assertFalse(rules.permits(ACME, address("11.0.0.1")), "outside the allow list");
        assertTrue(rules.permits(ACME, address("2001:db8::1")));
        assertFalse(rules.permits(ACME, address("2001:db9::1")));
        assertFalse(rules.permits(ACME, address("::ffff:11.0.0.1")), "an IPv4-mapped address is the IPv4 address");
        assertFalse(rules.permits(GLOBEX, address("192.0.2.7")));
        assertTrue(rules.permits(GLOBEX, address("192.0.2.8")), "a block list alone admits everyone else");
        assertTrue(rules.permits(TenantId.of("initech"), address("10.1.2.3")), "no lists: open");
    }

    @Test
    void prefixesMatchBitByBit() {
        IpAccessRules.Cidr cidr = IpAccessRules.Cidr.parse("172.16.0.0/12");
        assertTrue(cidr.contains(address0("172.31.255.255")));
        assertFalse(cidr.contains(address0("172.32.0.0")));
        assertTrue(IpAccessRules.Cidr.parse("0.0.0.0/0").contains(address0("203.0.113.9")));
        assertFalse(IpAccessRules.Cidr.parse("0.0.0.0/0").contains(address0("::1")), "families never match each other");
    }

    private static InetAddress address0(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyBadEntryIsReportedAndHostNamesAreNotResolved() {
        ConfigProblems problems = new ConfigProblems();
        IpAccessRules.parse("acme=10.0.0.0/33 example.com;Bad=1.2.3.4;globex=", "nonsense", problems);
        assertEquals(6, problems.all().size(), problems.all().toString());
        assertThrows(IllegalArgumentException.class, () -> IpAccessRules.Cidr.parse("localhost"));
        assertThrows(IllegalArgumentException.class, () -> IpAccessRules.Cidr.parse("10.0.0.1/x"));
    }

    @Test
    void theGatewayRefusesBlockedAddressesBeforeAnythingElse() throws Exception {
        String base = "lakeward.localhost";
        String issuers = "https://auth." + base + ":1/realms/";
        TestingHosts.register("acme." + base, "globex." + base, "initech." + base);
        DevCertificateAuthority ca = DevCertificateAuthority.loadOrCreate(state.resolve("ca"));
        ServerCertificate certificate = ca.issueServerCertificate("gateway", List.of(base, "*." + base));
        ConfigProblems problems = new ConfigProblems();
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, 0, base, certificate.certificatePem(), certificate.privateKeyPem(),
                ca.caCertificatePem(), "lakeward-gateway", Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(2),
                new GatewayConfig.RateLimit(100, 100), new GatewayConfig.RateLimit(100, 100), issuers,
                io.lakeward.gateway.GatewayConfig.TokenSettings.defaults(), IpAccessRules.parse("acme=127.0.0.1/32;initech=10.0.0.0/8", "globex=127.0.0.0/8", problems), 1);
        List<Tenant> tenants = List.of("acme", "globex", "initech").stream()
                .map(id -> new Tenant(TenantId.of(id), id, id + "." + base, URI.create(issuers + id), TenantStatus.ACTIVE)).toList();
        Vertx vertx = Vertx.vertx();
        try {
            GatewayVerticle gateway = new GatewayVerticle(config, new InMemoryTenantDirectory(tenants),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of("workspace-service", URI.create("http://127.0.0.1:1"), "audit", URI.create("http://127.0.0.1:1")),
                    new InternalIdentitySigner(InternalServiceKeys.generate(List.of("workspace-service", "audit")), Duration.ofSeconds(30), Clock.systemUTC()),
                    FakeAuditOutbox.accepting(), new io.lakeward.gateway.auth.InMemoryPersonalAccessTokenStore(),
                    TestBrowserLogins.withoutSignIn(state), io.lakeward.gateway.TestPolicyClients.embedded());
            vertx.deployVerticle(gateway).await(30, TimeUnit.SECONDS);
            HttpClient client = HttpClient.newBuilder().sslContext(PemTrust.sslContext(ca.caCertificatePem())).build();
            java.util.function.Function<String, HttpResponse<String>> get = tenant -> {
                try {
                    return client.send(HttpRequest.newBuilder(URI.create("https://" + tenant + "." + base + ":" + gateway.publicPort()
                            + "/api/2.0/preview/scim/v2/Me")).header("Authorization", "Bearer x.y.z").timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            assertEquals(401, get.apply("acme").statusCode(), "allowed: on to authentication");
            HttpResponse<String> blocked = get.apply("globex");
            assertEquals(403, blocked.statusCode());
            assertTrue(blocked.body().contains("\"error_code\":\"PERMISSION_DENIED\""), blocked.body());
            assertEquals(403, get.apply("initech").statusCode(), "not in the allow list");
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }
}

package io.lakeward.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.id.TenantId;
import io.lakeward.common.identity.Principal;
import io.lakeward.common.session.BrowserSession;
import io.lakeward.common.tenant.InMemoryTenantDirectory;
import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantStatus;
import io.lakeward.gateway.auth.BearerAuthentication;
import io.lakeward.gateway.tenant.TenantResolver;
import io.lakeward.service.ServiceRouters;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session-cookie authentication in front of a route that changes state: CSRF refusals, timeouts,
 * foreign and malformed cookies, on a real listener with real request headers.
 */
class SessionAuthenticationTest {
    private static final String BASE = "lakeward.test";
    private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    @TempDir
    Path directory;
    private Vertx vertx;
    private InMemoryBrowserSessionStore store;
    private HttpClient client;
    private int port;

    @BeforeEach
    void start() throws Exception {
        io.lakeward.testing.TestingHosts.register("acme." + BASE, "globex." + BASE);
        List<Tenant> tenants = List.of(tenant("acme"), tenant("globex"));
        store = new InMemoryBrowserSessionStore();
        SessionConfig config = SessionConfig.defaults();
        // resolving a live session needs neither the identity provider nor the cipher: the rest stays unused
        SessionService sessions = new SessionService(new InMemoryTenantDirectory(tenants), store,
                TestBrowserLogins.cipher(directory, List.of(ACME, GLOBEX)), tenant -> java.util.Optional.empty(), null, null, null, null, config,
                Clock.fixed(NOW, ZoneOffset.UTC));
        vertx = Vertx.vertx();
        SessionAuthentication authentication = new SessionAuthentication(sessions, vertx.createSharedWorkerExecutor("test-sessions", 2));
        Router router = ServiceRouters.base(vertx);
        TenantResolver resolver = new TenantResolver(new InMemoryTenantDirectory(tenants));
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE)) {
            router.route(method, "/api/thing").handler(resolver::handle).handler(authentication::handle).handler(context -> {
                Principal principal = BearerAuthentication.of(context);
                context.response().end(principal.name() + " " + principal.authenticationMethod());
            });
        }
        port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    private static Tenant tenant(String id) {
        return new Tenant(TenantId.of(id), id, id + "." + BASE, URI.create("https://auth." + BASE + "/realms/" + id), TenantStatus.ACTIVE);
    }

    /** A session stored for {@code tenant}; the cookie value the browser would hold. */
    private String session(TenantId tenant, String csrf, Instant lastSeen, Instant expires) {
        SessionCookies.SessionCookie cookie = new SessionCookies.SessionCookie(tenant, SessionCookies.newSecret());
        store.create(new BrowserSession(tenant, cookie.hash(), "user-1", "alice", List.of("workspace-user"), List.of(), "sid", csrf,
                new byte[] {1}, 0, NOW.plusSeconds(300), NOW.minusSeconds(60), lastSeen, expires));
        return cookie.value();
    }

    private String live(TenantId tenant, String csrf) {
        return session(tenant, csrf, NOW.minusSeconds(10), NOW.plusSeconds(3600));
    }

    private HttpResponse<String> send(String method, String host, String cookie, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + "." + BASE + ":" + port + "/api/thing"))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        request.header("Cookie", SessionCookies.SESSION + "=" + cookie);
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String CSRF = "k".repeat(43);

    @Test
    void aSafeRequestOnALiveSessionNeedsNoCsrfToken() throws Exception {
        HttpResponse<String> response = send("GET", "acme", live(ACME, CSRF), Map.of());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("alice browser_session", response.body());
    }

    @Test
    void aStateChangingRequestNeedsTheSessionsCsrfToken() throws Exception {
        String cookie = live(ACME, CSRF);
        for (String method : List.of("POST", "DELETE")) {
            assertEquals(403, send(method, "acme", cookie, Map.of()).statusCode(), method + " without a token");
            assertEquals(403, send(method, "acme", cookie, Map.of("X-CSRF-Token", CSRF.substring(1) + "x")).statusCode());
            assertEquals(403, send(method, "acme", cookie, Map.of("X-CSRF-Token", live(ACME, "z".repeat(43)).substring(5))).statusCode());
            HttpResponse<String> allowed = send(method, "acme", cookie, Map.of("X-CSRF-Token", CSRF));
            assertEquals(200, allowed.statusCode(), allowed.body());
        }
        HttpResponse<String> refused = send("POST", "acme", cookie, Map.of());
        assertTrue(refused.body().contains("PERMISSION_DENIED"), refused.body());
        assertFalse(refused.body().contains(CSRF), "the answer never echoes the token");
    }

    @Test
    void aTokenOfAnotherSessionDoesNotCount() throws Exception {
        String mine = live(ACME, CSRF);
        String theirs = "t".repeat(43);
        live(ACME, theirs);
        assertEquals(403, send("POST", "acme", mine, Map.of("X-CSRF-Token", theirs)).statusCode());
    }

    @Test
    void aCrossSiteRequestIsRefusedEvenWithTheToken() throws Exception {
        String cookie = live(ACME, CSRF);
        assertEquals(403, send("POST", "acme", cookie, Map.of("X-CSRF-Token", CSRF, "Origin", "https://evil.example")).statusCode());
        assertEquals(403, send("POST", "acme", cookie, Map.of("X-CSRF-Token", CSRF, "Origin", "https://globex." + BASE + ":" + port)).statusCode());
        assertEquals(403, send("POST", "acme", cookie, Map.of("X-CSRF-Token", CSRF, "Sec-Fetch-Site", "cross-site")).statusCode());
        assertEquals(403, send("POST", "acme", cookie, Map.of("X-CSRF-Token", CSRF, "Sec-Fetch-Site", "same-site")).statusCode());
        assertEquals(200, send("POST", "acme", cookie, Map.of("X-CSRF-Token", CSRF, "Sec-Fetch-Site", "same-origin")).statusCode());
        // a same-origin form under Referrer-Policy: no-referrer says "Origin: null": the fetch metadata and the token decide
        assertEquals(200, send("POST", "acme", cookie, Map.of("X-CSRF-Token", CSRF, "Origin", "null", "Sec-Fetch-Site", "same-origin")).statusCode());
        assertEquals(403, send("POST", "acme", cookie, Map.of("X-CSRF-Token", CSRF, "Origin", "null", "Sec-Fetch-Site", "cross-site")).statusCode());
        assertEquals(403, send("POST", "acme", cookie, Map.of("Origin", "null", "Sec-Fetch-Site", "same-origin")).statusCode());
    }

    @Test
    void idleAndExpiredSessionsEndAndAreRemoved() throws Exception {
        Duration idle = SessionConfig.defaults().idleTimeout();
        String idleCookie = session(ACME, CSRF, NOW.minus(idle).minusSeconds(1), NOW.plusSeconds(3600));
        String expiredCookie = session(ACME, CSRF, NOW.minusSeconds(5), NOW);
        for (String cookie : List.of(idleCookie, expiredCookie)) {
            HttpResponse<String> response = send("GET", "acme", cookie, Map.of());
            assertEquals(401, response.statusCode(), response.body());
            String hash = SessionCookies.parse(cookie).orElseThrow().hash();
            assertTrue(store.find(ACME, hash).isEmpty(), "a dead session is deleted when seen");
        }
        String almostIdle = session(ACME, CSRF, NOW.minus(idle).plusSeconds(5), NOW.plusSeconds(3600));
        assertEquals(200, send("GET", "acme", almostIdle, Map.of()).statusCode());
        assertEquals(NOW, store.find(ACME, SessionCookies.parse(almostIdle).orElseThrow().hash()).orElseThrow().lastSeenAt(),
                "activity moves the idle deadline");
    }

    @Test
    void aLiveSessionOfAnotherTenantLooksLikeAMissingResource() throws Exception {
        String acme = live(ACME, CSRF);
        HttpResponse<String> foreign = send("GET", "globex", acme, Map.of());
        assertEquals(404, foreign.statusCode());
        assertTrue(foreign.body().contains("RESOURCE_DOES_NOT_EXIST"), foreign.body());
        assertFalse(foreign.body().contains("acme"), foreign.body());
        // the same cookie naming globex finds nothing there: a plain 401
        String relabelled = "globex" + acme.substring("acme".length());
        assertEquals(401, send("GET", "globex", relabelled, Map.of()).statusCode());
        assertEquals(401, send("GET", "acme", relabelled, Map.of()).statusCode());
    }

    @Test
    void malformedOrUnknownCookiesAre401() throws Exception {
        for (String cookie : List.of("", "garbage", "acme.", "acme.short", "ACME." + "a".repeat(43), "acme." + "a".repeat(43),
                "acme." + "a".repeat(42) + "%", "nobody." + "a".repeat(43))) {
            HttpResponse<String> response = send("GET", "acme", cookie, Map.of());
            assertEquals(401, response.statusCode(), cookie + ": " + response.body());
            assertTrue(response.body().contains("UNAUTHENTICATED"), response.body());
        }
    }
}

package io.lakeward.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.event.AuthenticationMethod;
import io.lakeward.audit.client.event.Outcome;
import io.lakeward.common.config.Secret;
import io.lakeward.infra.keycloak.RealmProvisioner;
import io.lakeward.infra.keycloak.RealmSecrets;
import io.lakeward.testing.browser.HttpBrowser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Browser sign-in through the whole platform with the real Keycloak: the login flow as a browser
 * makes it, and what an attacker would try against it (states and codes that are not theirs,
 * replays, foreign sessions, forged logouts, cross-site requests).
 */
class BrowserLoginTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ME = "/api/2.0/preview/scim/v2/Me";
    private static final String SESSION = "__Host-lakeward-session";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf_token\" value=\"([^\"]+)\"");
    private static RunningPlatform platform;
    private static Map<String, Secret> acmePasswords;
    private static Map<String, Secret> globexPasswords;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.get();
        acmePasswords = RealmSecrets.read(RealmProvisioner.secretsFile(platform.config.state().secrets(), "acme")).userPasswords();
        globexPasswords = RealmSecrets.read(RealmProvisioner.secretsFile(platform.config.state().secrets(), "globex")).userPasswords();
    }

    private static URI origin(String tenant) {
        return platform.tenantUrl(tenant, "/");
    }

    private static HttpBrowser browser() {
        return new HttpBrowser(platform.config.state().caCertificate());
    }

    private static HttpBrowser signedIn(String tenant, String user) throws Exception {
        HttpBrowser browser = browser();
        Map<String, Secret> passwords = tenant.equals("acme") ? acmePasswords : globexPasswords;
        HttpResponse<String> callback = browser.signIn(origin(tenant), user, passwords.get(user).reveal());
        assertEquals(302, callback.statusCode(), callback.body());
        return browser;
    }

    private static String sessionCookie(HttpBrowser browser, String tenant) {
        return browser.cookie(origin(tenant), SESSION).orElseThrow(() -> new AssertionError("no session cookie")).getValue();
    }

    private static String csrfToken(HttpBrowser browser, String tenant) throws Exception {
        HttpResponse<String> page = browser.get(origin(tenant));
        Matcher matcher = CSRF.matcher(page.body());
        assertTrue(matcher.find(), "the signed-in page has a sign-out form: " + page.body());
        return matcher.group(1);
    }

    @Test
    void aPersonSignsInAndTheSessionCallsTheApi() throws Exception {
        HttpBrowser browser = browser();
        HttpResponse<String> start = browser.get(platform.tenantUrl("acme", "/oidc/login?return_to=/api/2.0/preview/scim/v2/Me"));
        assertEquals(302, start.statusCode());
        URI authorization = HttpBrowser.location(start);
        assertEquals(platform.issuer("acme") + "/protocol/openid-connect/auth", authorization.getScheme() + "://"
                + authorization.getRawAuthority() + authorization.getRawPath());
        String query = authorization.getRawQuery();
        for (String parameter : List.of("response_type=code", "client_id=lakeward-gateway", "scope=openid", "code_challenge_method=S256",
                "state=", "nonce=", "code_challenge=")) {
            assertTrue(query.contains(parameter), parameter + " in " + query);
        }
        String loginCookie = start.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("__Host-lakeward-login=")).findFirst()
                .orElseThrow();
        assertCookieAttributes(loginCookie);

        HttpResponse<String> callback = browser.signIn(origin("acme"), "admin", acmePasswords.get("admin").reveal());
        assertEquals(302, callback.statusCode(), callback.body());
        String setSession = callback.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(SESSION + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie set: " + callback.headers().map()));
        assertCookieAttributes(setSession);
        assertTrue(setSession.startsWith(SESSION + "=acme."), "the cookie names its tenant");
        List<AuditEvent> login = platform.auditEventsOf(callback);
        assertEquals(1, login.size());
        assertEquals("auth.login", login.get(0).action());
        assertEquals(Outcome.SUCCESS, login.get(0).outcome());
        assertEquals(AuthenticationMethod.SESSION_COOKIE, login.get(0).actor().authenticationMethod());
        assertEquals("admin", login.get(0).actor().name());

        HttpResponse<String> me = browser.get(platform.tenantUrl("acme", ME));
        assertEquals(200, me.statusCode(), me.body());
        JsonNode body = JSON.readTree(me.body());
        assertEquals("admin", body.get("userName").asText());
        assertEquals("acme", body.get("lakeward_tenant").asText());
        assertEquals("user", body.get("lakeward_principal_type").asText());
        assertEquals(AuthenticationMethod.SESSION_COOKIE, platform.auditEventsOf(me).get(0).actor().authenticationMethod());

        HttpResponse<String> page = browser.get(origin("acme"));
        assertTrue(page.body().contains("Signed in as <strong>admin</strong>"), page.body());
    }

    private static void assertCookieAttributes(String setCookie) {
        String lower = setCookie.toLowerCase(java.util.Locale.ROOT);
        assertTrue(setCookie.startsWith("__Host-"), setCookie);
        assertTrue(lower.contains("; secure"), setCookie);
        assertTrue(lower.contains("; httponly"), setCookie);
        assertTrue(lower.contains("; samesite=lax"), setCookie);
        assertTrue(lower.contains("; path=/"), setCookie);
        assertFalse(lower.contains("domain="), setCookie);
    }

    @Test
    void theSessionIdChangesAtEveryLoginAndTheOldOneEnds() throws Exception {
        HttpBrowser browser = signedIn("acme", "engineer");
        String first = sessionCookie(browser, "acme");
        HttpResponse<String> again = browser.signIn(origin("acme"), "engineer", acmePasswords.get("engineer").reveal());
        assertEquals(302, again.statusCode());
        String second = sessionCookie(browser, "acme");
        assertNotEquals(first, second);
        assertEquals(401, platform.get(platform.tenantUrl("acme", ME), null).statusCode());
        HttpResponse<String> old = withCookie(platform.tenantUrl("acme", ME), first);
        assertEquals(401, old.statusCode(), old.body());
        assertEquals(200, withCookie(platform.tenantUrl("acme", ME), second).statusCode());
    }

    @Test
    void aCallbackWithAMissingOrUnknownStateIsRefused() throws Exception {
        HttpBrowser browser = browser();
        URI callback = HttpBrowser.location(browser.signInAtKeycloak(origin("acme"), "viewer", acmePasswords.get("viewer").reveal()));
        String code = parameter(callback, "code");
        HttpResponse<String> missing = browser.get(platform.tenantUrl("acme", "/oidc/callback?code=" + code));
        assertEquals(401, missing.statusCode());
        assertTrue(missing.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(missing.body().contains("UNAUTHENTICATED"), missing.body());
        assertTrue(missing.headers().firstValue("Location").isEmpty(), "no redirect loop");
        HttpResponse<String> wrong = browser.get(platform.tenantUrl("acme", "/oidc/callback?state=" + "A".repeat(43) + "&code=" + code));
        assertEquals(401, wrong.statusCode());
        assertTrue(browser.cookie(origin("acme"), SESSION).isEmpty());
        List<AuditEvent> audited = platform.auditEventsOf(wrong);
        assertEquals("auth.login", audited.get(0).action());
        assertEquals(Outcome.DENIED, audited.get(0).outcome());
    }

    @Test
    void aCodeWorksOnceAndAStateOnlyInTheBrowserThatStartedTheLogin() throws Exception {
        HttpBrowser browser = browser();
        URI callback = HttpBrowser.location(browser.signInAtKeycloak(origin("acme"), "auditor", acmePasswords.get("auditor").reveal()));
        // another browser (no login cookie) presents this login's state and code: a login CSRF
        HttpResponse<String> elsewhere = browser().get(callback);
        assertEquals(401, elsewhere.statusCode());
        // the state is used up now, even for the browser it belonged to
        assertEquals(401, browser.get(callback).statusCode());

        HttpBrowser second = browser();
        URI secondCallback = HttpBrowser.location(second.signInAtKeycloak(origin("acme"), "auditor", acmePasswords.get("auditor").reveal()));
        assertEquals(302, second.get(secondCallback).statusCode());
        HttpResponse<String> replay = second.get(secondCallback);
        assertEquals(401, replay.statusCode(), "a replayed callback must not make a second session");
    }

    @Test
    void aCodeRedeemedWithAnotherLoginsStateFailsThePkceOrNonceCheck() throws Exception {
        HttpBrowser browser = browser();
        URI first = HttpBrowser.location(browser.signInAtKeycloak(origin("acme"), "viewer", acmePasswords.get("viewer").reveal()));
        // a second login in the same browser: its state and login cookie now belong to the browser
        HttpResponse<String> restart = browser.get(platform.tenantUrl("acme", "/oidc/login"));
        URI authorization = HttpBrowser.location(restart);
        HttpResponse<String> silent = browser.get(authorization);
        assertEquals(302, silent.statusCode(), "Keycloak's own session signs the browser in again");
        URI second = HttpBrowser.location(silent);
        URI mixed = URI.create(second.toString().replaceFirst("code=[^&]+", "code=" + parameter(first, "code")));
        HttpResponse<String> answer = browser.get(mixed);
        assertEquals(401, answer.statusCode(), "the first login's code under the second login's state");
        assertTrue(browser.cookie(origin("acme"), SESSION).isEmpty());
    }

    @Test
    void anAuthorizationResponseNamingAnotherIssuerIsRefused() throws Exception {
        HttpBrowser browser = browser();
        URI callback = HttpBrowser.location(browser.signInAtKeycloak(origin("acme"), "viewer", acmePasswords.get("viewer").reveal()));
        String issuer = parameter(callback, "iss");
        assertEquals(platform.issuer("acme").toString(), java.net.URLDecoder.decode(issuer, StandardCharsets.UTF_8), "Keycloak names itself (RFC 9207)");
        URI mixedUp = URI.create(callback.toString().replace("iss=" + issuer,
                "iss=" + URLEncoder.encode(platform.issuer("globex").toString(), StandardCharsets.UTF_8)));
        assertEquals(401, browser.get(mixedUp).statusCode());
        assertEquals(401, browser.get(callback).statusCode(), "the attempt was used up by the mix-up");
        assertTrue(browser.cookie(origin("acme"), SESSION).isEmpty());
    }

    @Test
    void anAcmeSessionIsAMissingResourceAtGlobex() throws Exception {
        HttpBrowser browser = signedIn("acme", "admin");
        String acme = sessionCookie(browser, "acme");
        HttpResponse<String> crossTenant = withCookie(platform.tenantUrl("globex", ME), acme);
        assertEquals(404, crossTenant.statusCode(), crossTenant.body());
        JsonNode error = JSON.readTree(crossTenant.body());
        assertEquals("RESOURCE_DOES_NOT_EXIST", error.get("error_code").asText());
        HostsFile.write(platform.config.hostsFile(), List.of("nobody." + platform.config.baseDomain()));
        HttpResponse<String> noTenant = platform.get(URI.create("https://nobody." + platform.config.baseDomain() + ":"
                + platform.config.gateway().port() + ME), null);
        assertEquals(JSON.readTree(noTenant.body()).get("message"), error.get("message"), "the same answer as a host without a workspace");
        assertFalse(crossTenant.body().contains("acme"), crossTenant.body());
        assertEquals(Outcome.DENIED, platform.auditEventsOf(crossTenant).get(0).outcome());
        // the globex page does not show the acme user, and a globex logout cannot end the acme session
        HttpResponse<String> page = withCookie(platform.tenantUrl("globex", "/"), acme);
        assertFalse(page.body().contains("Signed in"), page.body());
        String csrf = csrfToken(browser, "acme");
        HttpResponse<String> logout = postWithCookie(platform.tenantUrl("globex", "/oidc/logout"), acme, Map.of("csrf_token", csrf));
        assertEquals(303, logout.statusCode());
        assertEquals(200, browser.get(platform.tenantUrl("acme", ME)).statusCode(), "still signed in at acme");
    }

    @Test
    void signingOutNeedsTheCsrfTokenEndsTheSessionAndTheKeycloakSession() throws Exception {
        HttpBrowser browser = signedIn("globex", "admin");
        String cookie = sessionCookie(browser, "globex");
        String csrf = csrfToken(browser, "globex");
        // the sign-out form's redirect goes on to the issuer: the signed-in page's policy allows that one origin
        assertTrue(browser.get(origin("globex")).headers().firstValue("Content-Security-Policy").orElseThrow()
                .contains("form-action 'self' https://" + platform.config.identityProviderHost() + ":" + platform.config.keycloakPort() + ";"));
        assertTrue(platform.get(origin("globex"), null).headers().firstValue("Content-Security-Policy").orElseThrow()
                .contains("form-action 'self';"), "pages without a session keep the strict policy");
        URI logout = platform.tenantUrl("globex", "/oidc/logout");
        HttpResponse<String> forged = browser.post(logout, Map.of(), Map.of());
        assertEquals(403, forged.statusCode(), forged.body());
        HttpResponse<String> wrongToken = browser.post(logout, Map.of("csrf_token", csrf + "x"), Map.of());
        assertEquals(403, wrongToken.statusCode());
        HttpResponse<String> crossSite = browser.post(logout, Map.of("csrf_token", csrf), Map.of("Origin", "https://evil.example"));
        assertEquals(403, crossSite.statusCode());
        assertEquals(200, browser.get(platform.tenantUrl("globex", ME)).statusCode(), "forged sign-outs changed nothing");

        HttpResponse<String> signedOut = browser.post(logout, Map.of("csrf_token", csrf), Map.of("Origin", origin("globex").toString()
                .replaceAll("/$", "")));
        assertEquals(303, signedOut.statusCode(), signedOut.body());
        URI endSession = HttpBrowser.location(signedOut);
        assertTrue(endSession.toString().startsWith(platform.issuer("globex") + "/protocol/openid-connect/logout?"), endSession.toString());
        assertTrue(endSession.getRawQuery().contains("id_token_hint="), endSession.toString());
        List<AuditEvent> audited = platform.auditEventsOf(signedOut);
        assertEquals("auth.logout", audited.get(0).action());
        assertEquals("admin", audited.get(0).actor().name());
        assertEquals(401, withCookie(platform.tenantUrl("globex", ME), cookie).statusCode(), "the session ended");

        HttpResponse<String> back = browser.follow(signedOut);
        assertEquals(302, back.statusCode(), "Keycloak ends its session and sends the browser back");
        assertEquals(origin("globex"), HttpBrowser.location(back));
        HttpResponse<String> again = browser.follow(browser.get(platform.tenantUrl("globex", "/oidc/login")));
        assertEquals(200, again.statusCode(), "Keycloak asks for the password again: its session ended too");
    }

    @Test
    void aBackChannelLogoutFromKeycloakEndsTheSession() throws Exception {
        HttpBrowser browser = signedIn("globex", "engineer");
        assertEquals(200, browser.get(platform.tenantUrl("globex", ME)).statusCode());
        logOutAtKeycloak("globex", "engineer");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        int status;
        // polled ten times a second: a tight loop would run into the principal's rate limit (429) before Keycloak calls back
        do {
            status = browser.get(platform.tenantUrl("globex", ME)).statusCode();
            if (status == 200) {
                Thread.sleep(100);
            }
        } while (status == 200 && Instant.now().isBefore(deadline));
        assertEquals(401, status, "the session ended when Keycloak said so");
    }

    @Test
    void forgedBackChannelLogoutsAreRefusedAndEndNothing() throws Exception {
        HttpBrowser browser = signedIn("acme", "viewer");
        URI endpoint = platform.tenantUrl("acme", "/oidc/backchannel-logout");
        for (String token : List.of("", "garbage", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", platform.serviceAccountToken("acme"))) {
            HttpResponse<String> refused = browser().post(endpoint, Map.of("logout_token", token), Map.of());
            assertEquals(400, refused.statusCode(), refused.body());
            assertEquals("INVALID_PARAMETER_VALUE", JSON.readTree(refused.body()).get("error_code").asText());
        }
        assertEquals(200, browser.get(platform.tenantUrl("acme", ME)).statusCode(), "no session ended");
    }

    @Test
    void loginReturnsOnlyToLocalPaths() throws Exception {
        for (String target : List.of("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)")) {
            HttpBrowser browser = browser();
            browser.get(platform.tenantUrl("acme", "/oidc/login?return_to=" + URLEncoder.encode(target, StandardCharsets.UTF_8)));
            // the attempt stored "/", whatever was asked: sign in and look where the callback goes
            HttpResponse<String> callback = browser.follow(browser.signInAtKeycloak(origin("acme"), "viewer",
                    acmePasswords.get("viewer").reveal()));
            assertEquals("/", callback.headers().firstValue("Location").orElseThrow(), target);
        }
    }

    private static HttpResponse<String> withCookie(URI uri, String session) throws Exception {
        return platform.https.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).header("Cookie", SESSION + "=" + session).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postWithCookie(URI uri, String session, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .reduce((a, b) -> a + "&" + b).orElse("");
        return platform.https.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).header("Cookie", SESSION + "=" + session)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String parameter(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + uri);
    }

    /** Ends every Keycloak session of {@code username} through the admin API: Keycloak then calls each client's back-channel logout. */
    private static void logOutAtKeycloak(String realm, String username) throws Exception {
        HttpClient https = platform.https;
        URI server = URI.create("https://" + platform.config.identityProviderHost() + ":" + platform.config.keycloakPort());
        String password = RunningPlatform.read(platform.config.state().secrets().resolve("keycloak-admin.password")).trim();
        HttpResponse<String> token = https.send(HttpRequest.newBuilder(server.resolve("/realms/master/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username=lakeward-admin&password="
                        + URLEncoder.encode(password, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, token.statusCode(), token.body());
        String bearer = "Bearer " + JSON.readTree(token.body()).get("access_token").asText();
        HttpResponse<String> users = https.send(HttpRequest.newBuilder(server.resolve("/admin/realms/" + realm + "/users?exact=true&username=" + username))
                .timeout(Duration.ofSeconds(20)).header("Authorization", bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
        String id = JSON.readTree(users.body()).get(0).get("id").asText();
        HttpResponse<String> logout = https.send(HttpRequest.newBuilder(server.resolve("/admin/realms/" + realm + "/users/" + id + "/logout"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", bearer).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, logout.statusCode(), logout.body());
    }
}

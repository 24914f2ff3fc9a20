package io.lakeward.launcher;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lakeward.common.tls.PemTrust;
import io.lakeward.infra.keycloak.RealmProvisioner;
import io.lakeward.infra.keycloak.RealmSecrets;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real access tokens of a tenant's demo users, the way a browser gets them: the authorization-code
 * flow with PKCE against the gateway's client, through Keycloak's own login form with the user's
 * password. No test-only grant is enabled in the realm.
 */
final class UserTokens {
    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");
    private static final Pattern CODE = Pattern.compile("[?&]code=([^&]+)");

    private final RunningPlatform platform;

    UserTokens(RunningPlatform platform) {
        this.platform = platform;
    }

    /** An access token of {@code username} (admin, engineer, auditor, viewer) of {@code tenant}. */
    String accessToken(String tenant, String username) throws Exception {
        RealmSecrets secrets = RealmSecrets.read(RealmProvisioner.secretsFile(platform.config.state().secrets(), tenant));
        String password = secrets.userPasswords().get(username).reveal();
        String clientSecret = secrets.gatewayClientSecret().orElseThrow().reveal();
        String redirect = "https://" + tenant + "." + platform.config.baseDomain() + ":" + platform.config.gateway().port() + "/oidc/callback";
        byte[] verifierBytes = new byte[32];
        new SecureRandom().nextBytes(verifierBytes);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(verifierBytes);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        HttpClient browser = HttpClient.newBuilder()
                .sslContext(PemTrust.sslContext(platform.config.state().caCertificate()))
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        URI authorize = URI.create(platform.issuer(tenant) + "/protocol/openid-connect/auth?client_id=lakeward-gateway&response_type=code"
                + "&scope=openid&state=test-state&redirect_uri=" + encode(redirect) + "&code_challenge=" + challenge + "&code_challenge_method=S256");
        HttpResponse<String> loginPage = browser.send(HttpRequest.newBuilder(authorize).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher action = FORM_ACTION.matcher(loginPage.body());
        if (loginPage.statusCode() != 200 || !action.find()) {
            throw new IllegalStateException("no login form from Keycloak (HTTP " + loginPage.statusCode() + ")");
        }
        URI loginUrl = URI.create(action.group(1).replace("&amp;", "&"));
        HttpResponse<String> loggedIn = browser.send(HttpRequest.newBuilder(loginUrl).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + encode(username) + "&password=" + encode(password) + "&credentialId="))
                .build(), HttpResponse.BodyHandlers.ofString());
        String location = loggedIn.headers().firstValue("Location").orElseThrow(() ->
                new IllegalStateException("Keycloak did not redirect after the login (HTTP " + loggedIn.statusCode() + ")"));
        Matcher code = CODE.matcher(location);
        if (!location.startsWith(redirect) || !code.find()) {
            throw new IllegalStateException("the login did not end at the gateway's callback with a code");
        }
        String form = "grant_type=authorization_code&client_id=lakeward-gateway&client_secret=" + encode(clientSecret)
                + "&code=" + code.group(1) + "&redirect_uri=" + encode(redirect) + "&code_verifier=" + verifier;
        HttpResponse<String> token = browser.send(HttpRequest.newBuilder(URI.create(platform.issuer(tenant) + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (token.statusCode() != 200) {
            throw new IllegalStateException("token endpoint answered " + token.statusCode());
        }
        return JsonMapper.builder().build().readTree(token.body()).get("access_token").asText();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

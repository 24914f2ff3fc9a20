package io.lakeward.launcher;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lakeward.common.tls.PemTrust;
import io.lakeward.infra.keycloak.RealmProvisioner;
import io.lakeward.infra.keycloak.RealmSecrets;
import java.io.IOException;
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
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs a user in the way a browser does: Keycloak's login form over HTTPS (authorization code
 * flow with PKCE, the only flow the gateway's client allows), then the code exchanged for an
 * access token with the gateway client's credentials. A wrong password is a real failed login at
 * the identity provider.
 */
final class KeycloakLogin {
    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"|<form[^>]*action=\"([^\"]+)\"[^>]*id=\"kc-form-login\"");
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeycloakLogin() {
    }

    /** The access token of {@code username} in {@code tenant}, or empty if the login form refused the password. */
    static Optional<String> login(RunningPlatform platform, String tenant, String username, String password) throws Exception {
        HttpClient browser = HttpClient.newBuilder()
                .sslContext(PemTrust.sslContext(platform.config.state().caCertificate()))
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        String redirect = "https://" + tenant + "." + platform.config.baseDomain() + ":" + platform.config.gateway().port() + "/oidc/callback";
        // RFC 7636: 43 to 128 characters
        String verifier = random() + random();
        String challenge = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        URI authorize = URI.create(platform.issuer(tenant) + "/protocol/openid-connect/auth?client_id=lakeward-gateway&response_type=code"
                + "&scope=openid&redirect_uri=" + encode(redirect) + "&state=" + random() + "&nonce=" + random()
                + "&code_challenge=" + challenge + "&code_challenge_method=S256");
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(authorize).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() != 200) {
            throw new IllegalStateException("the login page answered " + page.statusCode());
        }
        Matcher form = FORM_ACTION.matcher(page.body());
        if (!form.find()) {
            throw new IllegalStateException("the login page has no login form");
        }
        String action = (form.group(1) != null ? form.group(1) : form.group(2)).replace("&amp;", "&");
        HttpResponse<String> submitted = browser.send(HttpRequest.newBuilder(URI.create(action))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + encode(username) + "&password=" + encode(password) + "&credentialId="))
                .build(), HttpResponse.BodyHandlers.ofString());
        Optional<String> location = submitted.headers().firstValue("Location");
        if (submitted.statusCode() != 302 || location.isEmpty() || !location.get().startsWith(redirect)) {
            return Optional.empty();
        }
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location.get());
        if (!code.find()) {
            return Optional.empty();
        }
        RealmSecrets secrets = RealmSecrets.read(RealmProvisioner.secretsFile(platform.config.state().secrets(), tenant));
        String form2 = "grant_type=authorization_code&client_id=lakeward-gateway&client_secret="
                + encode(secrets.gatewayClientSecret().orElseThrow().reveal()) + "&code=" + code.group(1)
                + "&redirect_uri=" + encode(redirect) + "&code_verifier=" + verifier;
        HttpResponse<String> token = browser.send(HttpRequest.newBuilder(URI.create(platform.issuer(tenant) + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form2)).build(), HttpResponse.BodyHandlers.ofString());
        if (token.statusCode() != 200) {
            throw new IllegalStateException("the token endpoint answered " + token.statusCode() + ": " + token.body());
        }
        return Optional.of(JsonMapper.builder().build().readTree(token.body()).get("access_token").asText());
    }

    /** The demo password of {@code username} in {@code tenant}. */
    static String password(RunningPlatform platform, String tenant, String username) throws IOException {
        return RealmSecrets.read(RealmProvisioner.secretsFile(platform.config.state().secrets(), tenant)).userPasswords().get(username).reveal();
    }

    private static String random() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

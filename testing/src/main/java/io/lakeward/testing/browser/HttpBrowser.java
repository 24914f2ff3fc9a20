package io.lakeward.testing.browser;

import io.lakeward.common.tls.PemTrust;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser for tests, over HTTP only: its own cookie jar, redirects followed one hop at a time so
 * each can be looked at, Keycloak's login form filled in as a person would.
 */
public final class HttpBrowser {
    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");
    private static final Pattern ANY_FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");

    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client;

    public HttpBrowser(Path caCertificate) {
        try {
            client = HttpClient.newBuilder()
                    .sslContext(PemTrust.sslContext(caCertificate))
                    .cookieHandler(cookies)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return get(uri, Map.of());
    }

    public HttpResponse<String> get(URI uri, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(URI uri, Map<String, String> form, Map<String, String> headers) throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(entry -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Follows the {@code Location} of a redirect. */
    public HttpResponse<String> follow(HttpResponse<String> redirect) throws IOException, InterruptedException {
        return get(location(redirect));
    }

    public static URI location(HttpResponse<?> redirect) {
        String location = redirect.headers().firstValue("Location")
                .orElseThrow(() -> new AssertionError("no Location in a " + redirect.statusCode() + " answer from " + redirect.uri()));
        return redirect.uri().resolve(location);
    }

    /**
     * Starts a login at {@code tenantOrigin}, signs in at Keycloak and stops before the callback:
     * the redirect Keycloak answered with (its Location is the gateway's callback URL).
     */
    public HttpResponse<String> signInAtKeycloak(URI tenantOrigin, String username, String password) throws IOException, InterruptedException {
        HttpResponse<String> start = get(tenantOrigin.resolve("/oidc/login"));
        if (start.statusCode() != 302) {
            throw new AssertionError("login start answered " + start.statusCode() + ": " + start.body());
        }
        HttpResponse<String> loginPage = follow(start);
        if (loginPage.statusCode() == 302) {
            // Keycloak still has this browser's session: it signs in without asking again
            return loginPage;
        }
        if (loginPage.statusCode() != 200) {
            throw new AssertionError("Keycloak's login page answered " + loginPage.statusCode());
        }
        Matcher action = FORM_ACTION.matcher(loginPage.body());
        if (!action.find()) {
            throw new AssertionError("no login form on Keycloak's page");
        }
        HttpResponse<String> signedIn = post(URI.create(action.group(1).replace("&amp;", "&")),
                Map.of("username", username, "password", password, "credentialId", ""), Map.of());
        if (signedIn.statusCode() != 302) {
            throw new AssertionError("Keycloak did not accept the login: " + signedIn.statusCode());
        }
        return signedIn;
    }

    /** The whole login: the gateway's answer to the callback (a redirect to the page the login was for). */
    public HttpResponse<String> signIn(URI tenantOrigin, String username, String password) throws IOException, InterruptedException {
        return follow(signInAtKeycloak(tenantOrigin, username, password));
    }

    /** The first form's action on a page (e.g. Keycloak's logout confirmation). */
    public static Optional<URI> formAction(HttpResponse<String> page) {
        Matcher action = ANY_FORM_ACTION.matcher(page.body());
        return action.find() ? Optional.of(page.uri().resolve(action.group(1).replace("&amp;", "&"))) : Optional.empty();
    }

    public Optional<HttpCookie> cookie(URI uri, String name) {
        return cookies.getCookieStore().get(uri).stream().filter(cookie -> cookie.getName().equals(name)).findFirst();
    }

    public void removeCookie(URI uri, String name) {
        cookie(uri, name).ifPresent(cookie -> cookies.getCookieStore().remove(uri, cookie));
    }
}

package io.lakeward.gateway.session;

import io.lakeward.common.session.BrowserSessionStore;
import io.lakeward.common.tenant.TenantDirectory;
import io.lakeward.gateway.audit.RequestAudit;
import io.lakeward.gateway.auth.AccessTokenVerifier;
import io.lakeward.gateway.auth.IssuerAlgorithms;
import io.lakeward.gateway.login.IdTokenValidator;
import io.lakeward.gateway.login.LoginClients;
import io.lakeward.gateway.login.OidcDiscovery;
import io.lakeward.gateway.login.ProviderKeys;
import io.lakeward.gateway.login.TokenEndpoint;
import io.lakeward.keyvault.keys.EnvelopeCipher;
import io.vertx.core.WorkerExecutor;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * What the composition root gives the gateway for browser sign-in: the shared session store, the
 * envelope cipher under the tenants' keys, the login client secrets and the session settings.
 */
public record BrowserLogin(BrowserSessionStore store, EnvelopeCipher cipher, LoginClients clients, SessionConfig config) {
    /** ID tokens older than this are refused, whatever their expiry says. */
    static final Duration MAXIMUM_ID_TOKEN_AGE = Duration.ofMinutes(10);

    public BrowserLogin {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(cipher, "cipher");
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(config, "config");
    }

    /** The session authentication and login routes, built when the gateway starts. */
    public record Mounted(SessionAuthentication authentication, LoginRoutes routes) {
    }

    public Mounted mount(TenantDirectory tenants, AccessTokenVerifier accessTokens, WorkerExecutor workers, RequestAudit audit,
                         SSLContext identityProviderTrust, Duration timeout, Duration clockSkew, IssuerAlgorithms algorithms) {
        Clock clock = Clock.systemUTC();
        HttpClient http = HttpClient.newBuilder()
                .sslContext(identityProviderTrust)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        OidcDiscovery discovery = new OidcDiscovery(timeout, identityProviderTrust.getSocketFactory(), algorithms::of, config.keyRefreshInterval());
        ProviderKeys keys = new ProviderKeys(timeout, identityProviderTrust.getSocketFactory(), discovery, config.keyRefreshInterval());
        IdTokenValidator idTokens = new IdTokenValidator(keys::of, algorithms::of, config.clientId(), clockSkew, MAXIMUM_ID_TOKEN_AGE, clock);
        SessionService sessions = new SessionService(tenants, store, cipher, clients, new TokenEndpoint(http, discovery, config.clientId(), timeout),
                discovery, idTokens, accessTokens, config, clock);
        return new Mounted(new SessionAuthentication(sessions, workers), new LoginRoutes(sessions, workers, audit));
    }
}

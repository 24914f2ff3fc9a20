package io.lakeward.gateway.auth;

import io.lakeward.common.tenant.Tenant;
import io.lakeward.common.tenant.TenantDirectory;
import io.lakeward.service.ReadinessCheck;
import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ready when the identity provider the platform runs answers: every tenant issuer under
 * {@code managedIssuerPrefix} publishes its OpenID discovery document naming itself. Issuers a
 * tenant brings from elsewhere are not part of the platform's readiness: their outage affects that
 * tenant's requests only (503), never the other tenants.
 */
public final class IssuerReadinessCheck implements ReadinessCheck {
    private final TenantDirectory tenants;
    private final WebClient client;
    private final Duration timeout;
    private final String managedIssuerPrefix;

    public IssuerReadinessCheck(TenantDirectory tenants, WebClient client, Duration timeout, String managedIssuerPrefix) {
        this.tenants = tenants;
        this.managedIssuerPrefix = managedIssuerPrefix;
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "identity-provider";
    }

    @Override
    public Future<Void> check() {
        List<Future<Void>> checks = new ArrayList<>();
        for (Tenant tenant : tenants.all()) {
            if (tenant.issuer().toString().startsWith(managedIssuerPrefix)) {
                checks.add(discover(tenant));
            }
        }
        return Future.all(checks).mapEmpty();
    }

    private Future<Void> discover(Tenant tenant) {
        String issuer = tenant.issuer().toString();
        return client.getAbs(issuer + "/.well-known/openid-configuration")
                .timeout(timeout.toMillis())
                .send()
                .compose(response -> response.statusCode() == 200 && issuer.equals(response.bodyAsJsonObject().getString("issuer"))
                        ? Future.<Void>succeededFuture()
                        : Future.<Void>failedFuture("issuer " + issuer + " answered " + response.statusCode()));
    }
}

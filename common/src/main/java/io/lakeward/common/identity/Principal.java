package io.lakeward.common.identity;

import io.lakeward.common.id.TenantId;
import java.util.List;
import java.util.Objects;

/**
 * Who a verified credential speaks for, in the tenant it was issued for: the gateway makes it
 * from a token, and it travels to the services inside the internal identity assertion.
 *
 * @param subject the identity provider's stable id of the principal
 * @param name a user's user name, or a service's client id
 * @param authenticationMethod how the credential was obtained, e.g. {@code oidc_access_token}
 */
public record Principal(
        TenantId tenant,
        String subject,
        String name,
        PrincipalType type,
        List<String> roles,
        List<String> groups,
        String authenticationMethod) {

    public Principal {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(authenticationMethod, "authenticationMethod");
        roles = List.copyOf(roles);
        groups = List.copyOf(groups);
    }

    /**
     * Users sign in; services hold client credentials; cluster code runs in a tenant's cluster
     * driver (subject: the cluster id, name: the user the code runs for) and is vouched for by the
     * compute service, never by the gateway.
     */
    public enum PrincipalType {
        USER,
        SERVICE,
        CLUSTER
    }
}

package io.lakeward.gateway.auth;

import io.lakeward.common.id.TenantId;
import java.util.List;

/** Who a verified credential speaks for, in the tenant it was issued for. */
public record Principal(
        TenantId tenant,
        String subject,
        String name,
        PrincipalType type,
        List<String> roles,
        List<String> groups,
        String authenticationMethod) {

    public Principal {
        roles = List.copyOf(roles);
        groups = List.copyOf(groups);
    }

    /** Users sign in; services hold client credentials. */
    public enum PrincipalType {
        USER,
        SERVICE
    }
}

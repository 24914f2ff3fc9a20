package io.lakeward.workspace.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lakeward.common.identity.Principal;
import io.lakeward.service.InternalIdentityHandler;
import io.lakeward.service.Responses;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /api/2.0/preview/scim/v2/Me}: the caller as the Databricks SCIM API describes a user,
 * which is how Databricks clients check who they are signed in as. The caller is the principal the
 * gateway vouched for in the internal identity, nothing the request itself claims.
 */
public final class CurrentUserHandler {
    private CurrentUserHandler() {
    }

    public static void handle(RoutingContext context) {
        Principal principal = InternalIdentityHandler.of(context).principal();
        Responses.json(context, 200, new ScimUser(
                List.of("urn:ietf:params:scim:schemas:core:2.0:User"),
                principal.subject(),
                principal.name(),
                principal.type().name().toLowerCase(Locale.ROOT),
                principal.tenant().value(),
                principal.roles().stream().map(Value::new).toList(),
                principal.groups().stream().map(Value::new).toList()));
    }

    record ScimUser(
            List<String> schemas,
            String id,
            @JsonProperty("userName") String userName,
            @JsonProperty("lakeward_principal_type") String principalType,
            @JsonProperty("lakeward_tenant") String tenant,
            List<Value> roles,
            List<Value> groups) {
    }

    record Value(String value) {
    }
}

package io.lakeward.policy.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.lakeward.common.id.RequestId;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The input of the API authorization decision ({@code lakeward/authz/decision}), mirroring the
 * Rego input field for field (see {@code policies/src/main/rego/lakeward/authz/authz.rego}).
 *
 * <p>Validation is the policy's job, not this record's: a missing ({@code null}) field is left out
 * of the JSON and the policy denies with {@code "invalid input: ..."}, identically in the embedded
 * and the remote engine.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthorizationInput(
        @JsonProperty("principal") Principal principal,
        @JsonProperty("action") String action,
        @JsonProperty("resource") Resource resource,
        @JsonProperty("context") Context context) {

    /** Who asks: a user or a service of a tenant, with the roles and groups its credential carries. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Principal(
            @JsonProperty("id") String id,
            @JsonProperty("type") PrincipalType type,
            @JsonProperty("tenant") String tenant,
            @JsonProperty("roles") List<String> roles,
            @JsonProperty("groups") List<String> groups) {

        public Principal {
            roles = roles == null ? null : List.copyOf(roles);
            groups = groups == null ? null : List.copyOf(groups);
        }
    }

    /** The kinds of principal the policy knows. */
    public enum PrincipalType {
        USER("user"),
        SERVICE("service");

        private final String json;

        PrincipalType(String json) {
            this.json = json;
        }

        @JsonValue
        public String json() {
            return json;
        }
    }

    /**
     * What is acted on; {@code owner} is the principal id of its owner, if it has one. A service
     * deciding on the resource itself passes its access control list ({@code acl}, possibly empty)
     * and the folders above it ({@code ancestors}, nearest first); the gateway's coarse decision
     * passes neither.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Resource(
            @JsonProperty("tenant") String tenant,
            @JsonProperty("type") String type,
            @JsonProperty("id") String id,
            @JsonProperty("owner") String owner,
            @JsonProperty("acl") List<AclEntry> acl,
            @JsonProperty("ancestors") List<Ancestor> ancestors) {

        public Resource {
            acl = acl == null ? null : List.copyOf(acl);
            ancestors = ancestors == null ? null : List.copyOf(ancestors);
        }

        /** A resource of a coarse decision: no access control list. */
        public Resource(String tenant, String type, String id, String owner) {
            this(tenant, type, id, owner, null, null);
        }
    }

    /**
     * One entry of an access control list: a user (by principal id) or a group, and a Databricks
     * permission level ({@code CAN_READ}, {@code CAN_RUN}, {@code CAN_EDIT}, {@code CAN_MANAGE}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AclEntry(
            @JsonProperty("user_id") String userId,
            @JsonProperty("group_name") String groupName,
            @JsonProperty("permission_level") String permissionLevel) {

        public static AclEntry user(String userId, String level) {
            return new AclEntry(userId, null, level);
        }

        public static AclEntry group(String groupName, String level) {
            return new AclEntry(null, groupName, level);
        }
    }

    /** A folder above a resource, whose owner and entries the resource inherits. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Ancestor(
            @JsonProperty("id") String id,
            @JsonProperty("owner") String owner,
            @JsonProperty("acl") List<AclEntry> acl) {

        public Ancestor {
            acl = acl == null ? null : List.copyOf(acl);
        }
    }

    /**
     * The circumstances of the request. The time comes from the caller's clock because the
     * {@code time.*} builtins are not available to the Wasm policy; it is written in RFC 3339.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Context(
            @JsonProperty("time") Instant time,
            @JsonProperty("client_ip") String clientIp,
            @JsonProperty("request_id") String requestId) {

        /** The context of a request arriving now, by the given clock. */
        public static Context of(Clock clock, String clientIp, RequestId requestId) {
            return new Context(clock.instant(), clientIp, requestId.value());
        }
    }
}

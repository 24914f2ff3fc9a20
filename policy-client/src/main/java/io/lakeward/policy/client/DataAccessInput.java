package io.lakeward.policy.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.lakeward.policy.client.AuthorizationInput.Context;
import io.lakeward.policy.client.AuthorizationInput.Principal;

/**
 * The input of the data-access decision ({@code lakeward/data/decision}), mirroring the Rego input
 * (see {@code policies/src/main/rego/lakeward/data/data.rego}): may {@code principal} use
 * {@code privilege} on {@code table}, and under which row filter and column masks.
 *
 * <p>As for {@link AuthorizationInput}, validation is the policy's job: missing fields are left
 * out of the JSON and the policy denies with {@code "invalid input: ..."}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataAccessInput(
        @JsonProperty("principal") Principal principal,
        @JsonProperty("privilege") String privilege,
        @JsonProperty("table") Table table,
        @JsonProperty("context") Context context) {

    /** The Unity Catalog privilege to read a table. */
    public static final String SELECT = "SELECT";
    /** The Unity Catalog privilege to change a table's rows. */
    public static final String MODIFY = "MODIFY";

    /** A table by its three-level name, in the tenant that owns it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Table(
            @JsonProperty("tenant") String tenant,
            @JsonProperty("catalog") String catalog,
            @JsonProperty("schema") String schema,
            @JsonProperty("name") String name) {

        /** {@code catalog.schema.name}, as written. */
        public String fullName() {
            return catalog + "." + schema + "." + name;
        }
    }
}

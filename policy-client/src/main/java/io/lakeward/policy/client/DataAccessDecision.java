package io.lakeward.policy.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Objects;

/**
 * The answer of one data-access evaluation: the decision itself (outcome, reason, ids, revisions)
 * and, when it allows, the row filter and the column masks the engine reading the table must
 * apply. A denial or an unavailable answer carries no filter and no masks.
 *
 * @param decision  the decision, with the same fail-closed outcomes as an authorization decision
 * @param rowFilter the SQL boolean expression rows must satisfy, as the policy store validated it;
 *                  {@code null} for none
 * @param masks     the masks, one per masked column, sorted by column
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataAccessDecision(
        @JsonUnwrapped Decision decision,
        @JsonProperty("row_filter") String rowFilter,
        @JsonProperty("masks") List<ColumnMask> masks) {

    public DataAccessDecision {
        Objects.requireNonNull(decision, "decision");
        masks = List.copyOf(masks);
        if (!decision.allow() && (rowFilter != null || !masks.isEmpty())) {
            throw new IllegalArgumentException("only an allowing data-access decision carries a row filter or masks");
        }
    }

    /** A decision without a filter or masks (a denial, or no answer). */
    public static DataAccessDecision of(Decision decision) {
        return new DataAccessDecision(decision, null, List.of());
    }

    /**
     * One column's mask.
     *
     * @param column the column name
     * @param type   {@code null}, {@code redact}, {@code hash} or {@code last4}
     * @param reason why it applies: {@code column mask} or {@code tag <tag>}
     */
    public record ColumnMask(
            @JsonProperty("column") String column,
            @JsonProperty("type") String type,
            @JsonProperty("reason") String reason) {
        public ColumnMask {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(reason, "reason");
        }
    }
}

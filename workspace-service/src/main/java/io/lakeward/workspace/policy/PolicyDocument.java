package io.lakeward.workspace.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tenant's whole access policy as admins manage it and the store keeps it, one document per
 * revision: grants, row filters, column tags, masks, and the membership decisions use. Every
 * element has been validated and normalized ({@link PolicyValidation}) before it gets here.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PolicyDocument(
        List<Grant> grants,
        List<RowFilter> rowFilters,
        List<ColumnTag> columnTags,
        List<Mask> masks,
        Map<String, Membership> members) {

    public PolicyDocument {
        grants = grants == null ? List.of() : List.copyOf(grants);
        rowFilters = rowFilters == null ? List.of() : List.copyOf(rowFilters);
        columnTags = columnTags == null ? List.of() : List.copyOf(columnTags);
        masks = masks == null ? List.of() : List.copyOf(masks);
        members = members == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(members));
    }

    public static PolicyDocument empty() {
        return new PolicyDocument(List.of(), List.of(), List.of(), List.of(), Map.of());
    }

    public PolicyDocument withGrants(List<Grant> value) {
        return new PolicyDocument(value, rowFilters, columnTags, masks, members);
    }

    public PolicyDocument withRowFilters(List<RowFilter> value) {
        return new PolicyDocument(grants, value, columnTags, masks, members);
    }

    public PolicyDocument withColumnTags(List<ColumnTag> value) {
        return new PolicyDocument(grants, rowFilters, value, masks, members);
    }

    public PolicyDocument withMasks(List<Mask> value) {
        return new PolicyDocument(grants, rowFilters, columnTags, value, members);
    }

    public PolicyDocument withMembers(Map<String, Membership> value) {
        return new PolicyDocument(grants, rowFilters, columnTags, masks, value);
    }

    /**
     * A Unity Catalog privilege on a securable, to a user (by principal id) or a group.
     *
     * @param principalType {@code user} or {@code group}
     * @param privilege     {@code SELECT} or {@code MODIFY}
     * @param securableType {@code catalog}, {@code schema} or {@code table}
     * @param securable     its name: {@code c}, {@code c.s} or {@code c.s.t}, lower case
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Grant(String principalType, String principal, String privilege, String securableType, String securable) {
    }

    /** The row filter of a table ({@code c.s.t}); one per table. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RowFilter(String table, String expression) {
    }

    /** A tag on a column of a table. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ColumnTag(String table, String column, String tag) {
    }

    /**
     * A mask on one column ({@code target = column}, with table and column) or on every column
     * carrying a tag ({@code target = tag}, with tag); members of an exempt group see the value.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Mask(String target, String table, String column, String tag, String type, List<String> exemptGroups) {
        public Mask {
            exemptGroups = exemptGroups == null ? List.of() : List.copyOf(exemptGroups);
        }

        boolean sameTarget(Mask other) {
            return target.equals(other.target) && java.util.Objects.equals(table, other.table)
                    && java.util.Objects.equals(column, other.column) && java.util.Objects.equals(tag, other.tag);
        }
    }

    /** The roles and groups of a principal as the identity directory held them at the last change made here. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Membership(List<String> roles, List<String> groups) {
        public Membership {
            roles = roles == null ? List.of() : List.copyOf(new java.util.TreeSet<>(roles));
            groups = groups == null ? List.of() : List.copyOf(new java.util.TreeSet<>(groups));
        }
    }
}

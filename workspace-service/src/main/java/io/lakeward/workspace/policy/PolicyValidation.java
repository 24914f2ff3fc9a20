package io.lakeward.workspace.policy;

import io.lakeward.common.error.LakewardException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks and normalizes what an admin submits, before anything is stored: a precise message for
 * the first problem, as {@code INVALID_PARAMETER_VALUE}. Names are lower-cased (the catalog's
 * form); table and column references are checked for form here and against the catalog once the
 * compute catalog exists.
 */
public final class PolicyValidation {
    public static final Set<String> PRIVILEGES = Set.of("SELECT", "MODIFY");
    public static final Set<String> SECURABLE_TYPES = Set.of("catalog", "schema", "table");
    public static final Set<String> PRINCIPAL_TYPES = Set.of("user", "group");
    public static final List<String> MASK_TYPES = List.of("null", "redact", "hash", "last4");
    public static final int MAX_EXEMPT_GROUPS = 64;

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,254}");
    private static final Pattern TAG = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._@-]{0,254}");
    private static final Pattern PRINCIPAL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,254}");

    private PolicyValidation() {
    }

    public static PolicyDocument.Grant grant(PolicyDocument.Grant grant) {
        if (grant == null) {
            throw invalid("a grant needs principal_type, principal, privilege, securable_type and securable");
        }
        String principalType = oneOf("principal_type", lower(grant.principalType()), PRINCIPAL_TYPES);
        String principal = principalType.equals("group") ? group("principal", grant.principal()) : principalId("principal", grant.principal());
        String privilege = oneOf("privilege", grant.privilege() == null ? null : grant.privilege().toUpperCase(Locale.ROOT), PRIVILEGES);
        String securableType = oneOf("securable_type", lower(grant.securableType()), SECURABLE_TYPES);
        int parts = switch (securableType) {
            case "catalog" -> 1;
            case "schema" -> 2;
            default -> 3;
        };
        String securable = dottedName("securable", grant.securable(), parts);
        return new PolicyDocument.Grant(principalType, principal, privilege, securableType, securable);
    }

    public static PolicyDocument.RowFilter rowFilter(PolicyDocument.RowFilter filter) {
        if (filter == null) {
            throw invalid("a row filter needs table and expression");
        }
        String table = dottedName("table", filter.table(), 3);
        RowFilterParser.Parsed parsed = RowFilterParser.parse(filter.expression());
        return new PolicyDocument.RowFilter(table, parsed.expression());
    }

    public static PolicyDocument.ColumnTag columnTag(PolicyDocument.ColumnTag tag) {
        if (tag == null) {
            throw invalid("a column tag needs table, column and tag");
        }
        return new PolicyDocument.ColumnTag(dottedName("table", tag.table(), 3), name("column", tag.column()), tag("tag", tag.tag()));
    }

    public static PolicyDocument.Mask mask(PolicyDocument.Mask mask) {
        if (mask == null) {
            throw invalid("a mask needs target, type and either table and column or tag");
        }
        String target = oneOf("target", lower(mask.target()), Set.of("column", "tag"));
        String type = lower(mask.type());
        if (type == null || !MASK_TYPES.contains(type)) {
            throw invalid("unknown mask type " + quoted(mask.type()) + "; the mask types are " + String.join(", ", MASK_TYPES));
        }
        List<String> exempt = new ArrayList<>();
        for (String group : mask.exemptGroups()) {
            exempt.add(group("exempt_groups", group));
        }
        if (exempt.size() > MAX_EXEMPT_GROUPS) {
            throw invalid("at most " + MAX_EXEMPT_GROUPS + " exempt groups per mask");
        }
        exempt = List.copyOf(new java.util.TreeSet<>(exempt));
        if (target.equals("column")) {
            if (mask.tag() != null) {
                throw invalid("a column mask names table and column, not tag");
            }
            return new PolicyDocument.Mask(target, dottedName("table", mask.table(), 3), name("column", mask.column()), null, type, exempt);
        }
        if (mask.table() != null || mask.column() != null) {
            throw invalid("a tag mask names a tag, not table or column");
        }
        return new PolicyDocument.Mask(target, null, null, tag("tag", mask.tag()), type, exempt);
    }

    public static String principalId(String field, String value) {
        if (value == null || !PRINCIPAL_ID.matcher(value).matches()) {
            throw invalid(field + " must be a principal id: 1 to 255 letters, digits or . _ @ -");
        }
        return value;
    }

    public static String group(String field, String value) {
        if (value == null || !GROUP.matcher(value).matches()) {
            throw invalid(field + " must be a group name: 1 to 255 letters, digits, spaces or . _ @ -");
        }
        return value;
    }

    /** {@code parts} dot-separated lower-case names, e.g. {@code main.sales.orders}. */
    public static String dottedName(String field, String value, int parts) {
        if (value == null) {
            throw invalid(field + " is required");
        }
        String lower = value.toLowerCase(Locale.ROOT);
        String[] names = lower.split("\\.", -1);
        if (names.length != parts) {
            throw invalid(field + " " + quoted(value) + " must have " + parts + (parts == 1 ? " part" : " dot-separated parts")
                    + (parts == 3 ? " (catalog.schema.table)" : parts == 2 ? " (catalog.schema)" : ""));
        }
        for (String name : names) {
            if (!NAME.matcher(name).matches()) {
                throw invalid(field + " " + quoted(value) + ": each part is 1 to 255 letters, digits or _, not starting with a digit");
            }
        }
        return lower;
    }

    public static String name(String field, String value) {
        String lower = lower(value);
        if (lower == null || !NAME.matcher(lower).matches()) {
            throw invalid(field + " " + quoted(value) + " must be 1 to 255 letters, digits or _, not starting with a digit");
        }
        return lower;
    }

    public static String tag(String field, String value) {
        String lower = lower(value);
        if (lower == null || !TAG.matcher(lower).matches()) {
            throw invalid(field + " " + quoted(value) + " must be 1 to 64 letters, digits, _ or -, starting with a letter");
        }
        return lower;
    }

    private static String oneOf(String field, String value, Set<String> allowed) {
        if (value == null || !allowed.contains(value)) {
            throw invalid(field + " must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + (value == null ? "" : "; got " + quoted(value)));
        }
        return value;
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    private static String quoted(String value) {
        if (value == null) {
            return "(missing)";
        }
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }

    private static LakewardException invalid(String message) {
        return LakewardException.invalidParameter(message);
    }
}

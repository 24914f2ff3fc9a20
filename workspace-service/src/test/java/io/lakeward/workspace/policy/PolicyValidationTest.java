package io.lakeward.workspace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.error.LakewardException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyValidationTest {

    @Test
    void grantsAreNormalized() {
        assertEquals(new PolicyDocument.Grant("group", "Data Engineers", "SELECT", "schema", "main.sales"),
                PolicyValidation.grant(new PolicyDocument.Grant("GROUP", "Data Engineers", "select", "Schema", "Main.Sales")));
    }

    @Test
    void badGrantsAreRefusedPrecisely() {
        assertRefused(() -> PolicyValidation.grant(new PolicyDocument.Grant("role", "x", "SELECT", "table", "a.b.c")), "principal_type must be one of group, user; got 'role'");
        assertRefused(() -> PolicyValidation.grant(new PolicyDocument.Grant("user", "x y", "SELECT", "table", "a.b.c")), "principal must be a principal id");
        assertRefused(() -> PolicyValidation.grant(new PolicyDocument.Grant("user", "x", "USAGE", "table", "a.b.c")), "privilege must be one of MODIFY, SELECT; got 'USAGE'");
        assertRefused(() -> PolicyValidation.grant(new PolicyDocument.Grant("user", "x", "SELECT", "volume", "a.b.c")), "securable_type must be one of catalog, schema, table");
        assertRefused(() -> PolicyValidation.grant(new PolicyDocument.Grant("user", "x", "SELECT", "catalog", "a.b")), "securable 'a.b' must have 1 part");
        assertRefused(() -> PolicyValidation.grant(new PolicyDocument.Grant("user", "x", "SELECT", "table", "a.b.c;d")), "each part is 1 to 255 letters");
        assertRefused(() -> PolicyValidation.grant(new PolicyDocument.Grant("user", "x", "SELECT", "table", "a..c")), "each part is 1 to 255 letters");
        assertRefused(() -> PolicyValidation.grant(new PolicyDocument.Grant(null, null, null, null, null)), "principal_type must be one of group, user");
        assertRefused(() -> PolicyValidation.grant(null), "a grant needs");
    }

    @Test
    void masksNeedAKnownTypeAndOneTarget() {
        assertEquals(new PolicyDocument.Mask("tag", null, null, "pii", "hash", List.of("a", "b")),
                PolicyValidation.mask(new PolicyDocument.Mask("TAG", null, null, "PII", "Hash", List.of("b", "a", "b"))));
        assertRefused(() -> PolicyValidation.mask(new PolicyDocument.Mask("tag", null, null, "pii", "scramble", List.of())),
                "unknown mask type 'scramble'; the mask types are null, redact, hash, last4");
        assertRefused(() -> PolicyValidation.mask(new PolicyDocument.Mask("column", "a.b.c", null, null, "hash", List.of())), "column (missing) must be");
        assertRefused(() -> PolicyValidation.mask(new PolicyDocument.Mask("column", "a.b.c", "x", "pii", "hash", List.of())), "a column mask names table and column, not tag");
        assertRefused(() -> PolicyValidation.mask(new PolicyDocument.Mask("tag", "a.b.c", null, "pii", "hash", List.of())), "a tag mask names a tag, not table or column");
        assertRefused(() -> PolicyValidation.mask(new PolicyDocument.Mask("row", null, null, "pii", "hash", List.of())), "target must be one of column, tag");
        assertRefused(() -> PolicyValidation.mask(new PolicyDocument.Mask("tag", null, null, "pii", "hash", List.of("bad\ngroup"))), "exempt_groups must be a group name");
    }

    @Test
    void tagsAndRowFiltersAreChecked() {
        assertEquals(new PolicyDocument.ColumnTag("a.b.c", "email", "pii"), PolicyValidation.columnTag(new PolicyDocument.ColumnTag("A.B.C", "Email", "PII")));
        assertRefused(() -> PolicyValidation.columnTag(new PolicyDocument.ColumnTag("a.b.c", "email", "9pii")), "tag '9pii' must be 1 to 64 letters");
        assertRefused(() -> PolicyValidation.rowFilter(new PolicyDocument.RowFilter("a.b.c", "x = sleep(10)")), "function sleep() is not allowed");
        assertRefused(() -> PolicyValidation.rowFilter(new PolicyDocument.RowFilter("a.b", "x = 1")), "table 'a.b' must have 3 dot-separated parts");
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable executable, String message) {
        LakewardException e = assertThrows(LakewardException.class, executable);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}

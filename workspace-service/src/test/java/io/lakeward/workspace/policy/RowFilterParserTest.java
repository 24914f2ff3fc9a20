package io.lakeward.workspace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowFilterParserTest {

    @Test
    void theAllowedSubsetParses() {
        for (String expression : new String[] {
                "region = 'eu'",
                "region = user_attribute('region') OR is_member('admins')",
                "owner = current_user()",
                "NOT (amount > 1000 AND currency <> 'EUR')",
                "status IN ('open', 'pending', NULL)",
                "country NOT IN ('xx')",
                "deleted_at IS NULL AND archived IS NOT NULL",
                "name LIKE 'A%' OR name NOT LIKE '%z'",
                "`order` = 1.5 AND .5 < ratio",
                "TRUE",
                "((a = b))",
                "x != 3 AND y >= 2 AND z <= 1 AND w < 0",
                "note = 'it''s fine'",
                "  region = 'eu'  ",
        }) {
            RowFilterParser.parse(expression);
        }
    }

    @Test
    void itReportsTheColumnsGroupsAndAttributesAFilterUses() {
        RowFilterParser.Parsed parsed = RowFilterParser.parse("Region = user_attribute('region') OR is_member('admins') AND `Owner` = current_user()");
        assertEquals(Set.of("region", "owner"), parsed.columns());
        assertEquals(Set.of("admins"), parsed.groups());
        assertEquals(Set.of("region"), parsed.attributes());
        assertEquals("Region = user_attribute('region') OR is_member('admins') AND `Owner` = current_user()", parsed.expression());
    }

    @Test
    void everythingElseIsRefusedWithWhatAndWhere() {
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("", "a row filter is a non-empty SQL boolean expression");
        refused.put("region = ", "expected a column, a literal or a function but found end of the expression (position 10)");
        refused.put("region = 'eu'; DROP TABLE t", "';' at position 14");
        refused.put("region = 'eu' -- everyone", "comments are not allowed in a row filter (position 15)");
        refused.put("region = 'eu' /* x */", "comments are not allowed in a row filter (position 15)");
        refused.put("id IN (SELECT id FROM t)", "subqueries are not allowed in a row filter (position 8)");
        refused.put("(SELECT 1) = 1", "subqueries are not allowed in a row filter (position 2)");
        refused.put("EXISTS (SELECT 1)", "subqueries are not allowed in a row filter (position 9)");
        refused.put("exists = 1", "unexpected keyword EXISTS (position 1)");
        refused.put("reflect('java.lang.Runtime', 'exec', 'id') = 1", "function reflect() is not allowed");
        refused.put("java_method('a', 'b') = 1", "function java_method() is not allowed");
        refused.put("lower(region) = 'eu'", "function lower() is not allowed");
        refused.put("is_member(region)", "is_member() takes one non-empty string literal, found 'region' (position 11)");
        refused.put("is_member('')", "is_member() takes one non-empty string literal");
        refused.put("user_attribute('a', 'b') = 1", "expected ')': user_attribute() takes one argument but found ','");
        refused.put("current_user('x') = owner", "current_user() takes no argument");
        refused.put("current_user = owner", "current_user is a function: write current_user(...)");
        refused.put("other.table.col = 1", "qualified name at position 1");
        refused.put("region = 'eu", "unterminated string starting at position 10");
        refused.put("region = 'e\\'u'", "backslash escapes are not allowed");
        refused.put("a = 1 b = 2", "unexpected 'b' after a complete expression (position 7)");
        refused.put("a = 1 OR", "expected a column, a literal or a function but found end of the expression");
        refused.put("a IS 1", "expected NULL after IS");
        refused.put("a LIKE b", "LIKE takes a string pattern");
        refused.put("a IN (b)", "IN lists hold literals only");
        refused.put("a NOT b", "expected IN or LIKE after NOT");
        refused.put("a = $1", "unexpected character '$' at position 5");
        refused.put("a = 1 UNION SELECT 2", "unexpected 'UNION' after a complete expression");
        refused.put("a ! b", "unexpected '!' at position 3");
        refused.put("a = 1x", "malformed number at position 5");
        refused.put("a = 1.2.3", "malformed number '1.2.3' at position 5");
        refused.put("a = 'x'\u0000", "unexpected character '\\u0000' at position 8");
        refused.put("régión = 1", "non-ASCII name at position 1");
        refused.put("(".repeat(70) + "a = 1" + ")".repeat(70), "nests deeper than 64 levels");
        refused.put("a = " + "1".repeat(RowFilterParser.MAX_LENGTH), "at most 4096 characters");
        for (var attempt : refused.entrySet()) {
            LakewardException e = assertThrows(LakewardException.class, () -> RowFilterParser.parse(attempt.getKey()), attempt.getKey());
            assertEquals(ErrorCode.INVALID_PARAMETER_VALUE, e.code());
            assertTrue(e.getMessage().contains(attempt.getValue()), attempt.getKey() + " -> " + e.getMessage());
        }
    }
}

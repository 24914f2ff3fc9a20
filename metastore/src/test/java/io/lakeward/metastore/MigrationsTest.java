package io.lakeward.metastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lakeward.metastore.migration.Migration;
import io.lakeward.metastore.migration.Migrations;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationsTest {
    @Test
    void shippedMigrationsRunFromOneWithoutGaps() {
        List<Migration> migrations = Migrations.fromClasspath();
        assertEquals(List.of(1, 2, 3, 4, 5, 6), migrations.stream().map(Migration::version).toList());
        assertEquals(List.of("tenant_registry", "workspaces", "browser_sessions", "personal_access_tokens", "policy_store", "secrets"),
                migrations.stream().map(Migration::description).toList());
    }

    @Test
    void checksumsIgnoreLineEndingsButNotContent() {
        Migration unix = Migration.of("V1__a.sql", "CREATE TABLE a (id int);\n");
        assertEquals(unix.checksum(), Migration.of("V1__a.sql", "CREATE TABLE a (id int);\r\n").checksum());
        assertNotEquals(unix.checksum(), Migration.of("V1__a.sql", "CREATE TABLE a (id bigint);\n").checksum());
    }

    @Test
    void misnamedOrGappedMigrationsAreRefused() {
        for (String name : List.of("V1_a.sql", "v1__a.sql", "V0__a.sql", "V1__A.sql", "V1__a.SQL", "1__a.sql")) {
            assertThrows(IllegalArgumentException.class, () -> Migration.of(name, ""), name);
        }
        assertThrows(IllegalStateException.class, () -> Migrations.ordered(List.of(Migration.of("V1__a.sql", ""), Migration.of("V3__c.sql", ""))));
        assertThrows(IllegalStateException.class, () -> Migrations.ordered(List.of(Migration.of("V1__a.sql", ""), Migration.of("V1__b.sql", ""))));
    }
}

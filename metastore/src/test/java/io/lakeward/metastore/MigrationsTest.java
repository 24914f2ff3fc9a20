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
        assertEquals(List.of(1, 2, 5), migrations.stream().map(Migration::version).toList());
        assertEquals(List.of("tenant_registry", "workspaces", "policy_store"), migrations.stream().map(Migration::description).toList());
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
        assertEquals(List.of(1, 3), Migrations.ordered(List.of(Migration.of("V3__c.sql", ""), Migration.of("V1__a.sql", ""))).stream()
                .map(Migration::version).toList(), "gaps are allowed: numbers are handed out ahead of time");
        assertThrows(IllegalStateException.class, () -> Migrations.ordered(List.of(Migration.of("V2__b.sql", ""), Migration.of("V3__c.sql", ""))));
        assertThrows(IllegalStateException.class, () -> Migrations.ordered(List.of(Migration.of("V1__a.sql", ""), Migration.of("V1__b.sql", ""))));
    }
}

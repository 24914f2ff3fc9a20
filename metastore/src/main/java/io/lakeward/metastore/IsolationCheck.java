package io.lakeward.metastore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, as the application role itself, that row-level security binds it: it is no superuser and
 * cannot bypass RLS; it can create nothing (an object it created would be its own, unpoliced); and
 * every table it can reach has RLS enabled and forced, at least one policy, no TRUNCATE grant
 * (TRUNCATE ignores RLS) and an owner it neither is nor belongs to. No view is reachable (a view reads with its owner's rights). The metastore
 * refuses to start otherwise: a migration that forgot its policy fails closed, not open.
 */
final class IsolationCheck {
    private IsolationCheck() {
    }

    static void verify(Connection application) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement statement = application.createStatement()) {
            try (ResultSet role = statement.executeQuery("""
                    SELECT r.rolsuper, r.rolbypassrls,
                           has_database_privilege(current_user, current_database(), 'CREATE'),
                           has_schema_privilege(current_user, current_schema(), 'CREATE')
                    FROM pg_roles r WHERE r.rolname = current_user""")) {
                role.next();
                if (role.getBoolean(1)) {
                    problems.add("the application role is a superuser");
                }
                if (role.getBoolean(2)) {
                    problems.add("the application role has BYPASSRLS");
                }
                if (role.getBoolean(3)) {
                    problems.add("the application role may create schemas in this database (REVOKE CREATE ON DATABASE ... FROM PUBLIC)");
                }
                if (role.getBoolean(4)) {
                    problems.add("the application role may create tables in the schema (REVOKE CREATE ON SCHEMA public FROM PUBLIC)");
                }
            }
            try (ResultSet tables = statement.executeQuery("""
                    SELECT c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
                           pg_has_role(current_user, c.relowner, 'MEMBER'),
                           EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid),
                           has_table_privilege(current_user, c.oid, 'TRUNCATE')
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = current_schema()
                      AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                      AND has_table_privilege(current_user, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')
                    ORDER BY c.relname""")) {
                while (tables.next()) {
                    String table = tables.getString(1);
                    String kind = tables.getString(2);
                    if (!kind.equals("r") && !kind.equals("p")) {
                        problems.add(table + " is a view or foreign table the application role can read (it reads with its owner's rights)");
                        continue;
                    }
                    if (!tables.getBoolean(3) || !tables.getBoolean(4)) {
                        problems.add(table + " lacks ENABLE and FORCE ROW LEVEL SECURITY");
                    }
                    if (tables.getBoolean(5)) {
                        problems.add(table + " is owned by the application role or a role it belongs to");
                    }
                    if (!tables.getBoolean(6)) {
                        problems.add(table + " has no row-level security policy");
                    }
                    if (tables.getBoolean(7)) {
                        problems.add(table + " grants TRUNCATE to the application role (TRUNCATE ignores row-level security)");
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the metadata database is not isolated; refusing to start:\n  " + String.join("\n  ", problems));
        }
    }
}

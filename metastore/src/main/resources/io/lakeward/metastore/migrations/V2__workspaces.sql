-- Workspaces: the first tenant-owned table. Every tenant-owned table has a tenant_id column and
-- this same policy, so a query that forgets "WHERE tenant_id = ?" still sees only the rows of the
-- tenant its transaction is bound to, and cannot write rows for another.
CREATE TABLE workspaces (
    tenant_id    text        NOT NULL REFERENCES tenants (tenant_id),
    workspace_id bigint      NOT NULL CHECK (workspace_id > 0),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, workspace_id),
    CONSTRAINT workspaces_name_key UNIQUE (tenant_id, name)
);

ALTER TABLE workspaces ENABLE ROW LEVEL SECURITY;
ALTER TABLE workspaces FORCE ROW LEVEL SECURITY;

CREATE POLICY workspaces_tenant_isolation ON workspaces
    USING (tenant_id = current_setting('lakeward.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('lakeward.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON workspaces TO ${application_role};

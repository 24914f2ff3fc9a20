-- Secrets (Databricks secrets API 2.0): scopes, the secrets in them and the scopes' ACLs, all
-- tenant-owned with the same forced row-level security as every tenant table. A secret's value is
-- stored only as an envelope (AES-256-GCM under the tenant's key-encryption key, bound to tenant,
-- scope and key), never in plaintext: a dump of this table, or a tenant whose keys were destroyed,
-- yields no value.
CREATE TABLE secret_scopes (
    tenant_id   text        NOT NULL REFERENCES tenants (tenant_id),
    scope_name  text        NOT NULL CHECK (scope_name ~ '^[A-Za-z0-9_.@-]{1,128}$'),
    created_by  text        NOT NULL CHECK (length(created_by) BETWEEN 1 AND 256),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, scope_name)
);

CREATE TABLE secrets (
    tenant_id      text        NOT NULL,
    scope_name     text        NOT NULL,
    secret_key     text        NOT NULL CHECK (secret_key ~ '^[A-Za-z0-9_.@-]{1,128}$'),
    value_envelope bytea       NOT NULL CHECK (length(value_envelope) BETWEEN 1 AND 132000),
    key_version    integer     NOT NULL CHECK (key_version > 0),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, scope_name, secret_key),
    FOREIGN KEY (tenant_id, scope_name) REFERENCES secret_scopes (tenant_id, scope_name) ON DELETE CASCADE
);

CREATE TABLE secret_acls (
    tenant_id   text        NOT NULL,
    scope_name  text        NOT NULL,
    principal   text        NOT NULL CHECK (length(principal) BETWEEN 1 AND 256),
    permission  text        NOT NULL CHECK (permission IN ('READ', 'WRITE', 'MANAGE')),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, scope_name, principal),
    FOREIGN KEY (tenant_id, scope_name) REFERENCES secret_scopes (tenant_id, scope_name) ON DELETE CASCADE
);

ALTER TABLE secret_scopes ENABLE ROW LEVEL SECURITY;
ALTER TABLE secret_scopes FORCE ROW LEVEL SECURITY;
ALTER TABLE secrets ENABLE ROW LEVEL SECURITY;
ALTER TABLE secrets FORCE ROW LEVEL SECURITY;
ALTER TABLE secret_acls ENABLE ROW LEVEL SECURITY;
ALTER TABLE secret_acls FORCE ROW LEVEL SECURITY;

CREATE POLICY secret_scopes_tenant_isolation ON secret_scopes
    USING (tenant_id = current_setting('lakeward.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('lakeward.tenant_id', true));
CREATE POLICY secrets_tenant_isolation ON secrets
    USING (tenant_id = current_setting('lakeward.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('lakeward.tenant_id', true));
CREATE POLICY secret_acls_tenant_isolation ON secret_acls
    USING (tenant_id = current_setting('lakeward.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('lakeward.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON secret_scopes TO ${application_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON secrets TO ${application_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON secret_acls TO ${application_role};

-- The tenant registry: platform-level, not owned by any tenant. Rows are visible and writable only
-- inside a platform transaction (lakeward.scope = 'platform'); a tenant transaction, or a query
-- outside any transaction scope, sees none. Tenants are never deleted (status DELETED instead), so
-- the application role gets no DELETE.
CREATE TABLE tenants (
    tenant_id     text        PRIMARY KEY CHECK (tenant_id ~ '^[a-z][a-z0-9-]{0,38}[a-z0-9]$'),
    display_name  text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    host_name     text        NOT NULL CHECK (host_name = lower(host_name) AND length(host_name) BETWEEN 1 AND 253),
    issuer_url    text        NOT NULL CHECK (issuer_url LIKE 'https://%'),
    status        text        NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'DELETED')),
    key_reference text        NOT NULL CHECK (length(key_reference) BETWEEN 1 AND 200),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_host_name_key UNIQUE (host_name),
    CONSTRAINT tenants_issuer_url_key UNIQUE (issuer_url)
);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;

CREATE POLICY tenants_platform_scope ON tenants
    USING (current_setting('lakeward.scope', true) = 'platform')
    WITH CHECK (current_setting('lakeward.scope', true) = 'platform');

GRANT SELECT, INSERT, UPDATE ON tenants TO ${application_role};

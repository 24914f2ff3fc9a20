-- Personal access tokens: opaque bearer tokens a principal makes for itself. Only the SHA-256
-- of a token is stored, never the token. Tenant-owned, with the same isolation policy as every
-- tenant-owned table: a tenant transaction sees and writes only its own tenant's tokens.
CREATE TABLE personal_access_tokens (
    tenant_id    text        NOT NULL REFERENCES tenants (tenant_id),
    token_id     text        NOT NULL CHECK (token_id ~ '^[0-9a-f]{32}$'),
    token_hash   bytea       NOT NULL CHECK (length(token_hash) = 32),
    owner_id     text        NOT NULL CHECK (length(owner_id) BETWEEN 1 AND 256),
    owner_name   text        NOT NULL CHECK (length(owner_name) BETWEEN 1 AND 256),
    owner_type   text        NOT NULL CHECK (owner_type IN ('USER', 'SERVICE')),
    owner_roles  text[]      NOT NULL,
    owner_groups text[]      NOT NULL,
    comment      text        NOT NULL CHECK (length(comment) <= 1000),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    PRIMARY KEY (tenant_id, token_id),
    CONSTRAINT personal_access_tokens_hash_key UNIQUE (token_hash),
    CONSTRAINT personal_access_tokens_lifetime CHECK (expires_at > created_at)
);

CREATE INDEX personal_access_tokens_owner ON personal_access_tokens (tenant_id, owner_id);

ALTER TABLE personal_access_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE personal_access_tokens FORCE ROW LEVEL SECURITY;

CREATE POLICY personal_access_tokens_tenant_isolation ON personal_access_tokens
    USING (tenant_id = current_setting('lakeward.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('lakeward.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON personal_access_tokens TO ${application_role};

-- Which tenant a token hash belongs to: platform-level, like the tenant registry (issuer -> tenant),
-- so that the gateway can tell a token of another tenant (404) from an unknown one (401) without
-- reading any tenant's rows. It is a routing hint only: a token is valid only while its row in
-- personal_access_tokens exists, so a hint left behind by a failed create or delete grants nothing.
CREATE TABLE personal_access_token_tenants (
    token_hash bytea       PRIMARY KEY CHECK (length(token_hash) = 32),
    tenant_id  text        NOT NULL REFERENCES tenants (tenant_id),
    expires_at timestamptz NOT NULL
);

ALTER TABLE personal_access_token_tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE personal_access_token_tenants FORCE ROW LEVEL SECURITY;

CREATE POLICY personal_access_token_tenants_platform_scope ON personal_access_token_tenants
    USING (current_setting('lakeward.scope', true) = 'platform')
    WITH CHECK (current_setting('lakeward.scope', true) = 'platform');

GRANT SELECT, INSERT, DELETE ON personal_access_token_tenants TO ${application_role};

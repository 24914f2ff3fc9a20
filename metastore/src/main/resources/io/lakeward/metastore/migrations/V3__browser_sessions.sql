-- Browser sessions of the gateway's OIDC login, and the login attempts that precede them. Both are
-- tenant-owned: a session is looked up only inside a transaction bound to the tenant of the host
-- the request came to, so another tenant's session id finds nothing. Neither table holds a
-- credential in a usable form: session and attempt ids are stored as SHA-256 hashes of the
-- secret the browser holds, and the identity provider's tokens (and an attempt's nonce and PKCE
-- verifier) are envelopes encrypted under the tenant's key.
CREATE TABLE browser_sessions (
    tenant_id           text        NOT NULL REFERENCES tenants (tenant_id),
    session_hash        text        NOT NULL CHECK (session_hash ~ '^[0-9a-f]{64}$'),
    subject             text        NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    user_name           text        NOT NULL CHECK (length(user_name) BETWEEN 1 AND 255),
    roles               text[]      NOT NULL,
    groups              text[]      NOT NULL,
    provider_session_id text        CHECK (provider_session_id IS NULL OR length(provider_session_id) BETWEEN 1 AND 255),
    csrf_token          text        NOT NULL CHECK (length(csrf_token) BETWEEN 32 AND 128),
    tokens              bytea       NOT NULL,
    token_generation    integer     NOT NULL CHECK (token_generation >= 0),
    access_expires_at   timestamptz NOT NULL,
    created_at          timestamptz NOT NULL,
    last_seen_at        timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, session_hash)
);

CREATE INDEX browser_sessions_provider_session ON browser_sessions (tenant_id, provider_session_id);
CREATE INDEX browser_sessions_subject ON browser_sessions (tenant_id, subject);

ALTER TABLE browser_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE browser_sessions FORCE ROW LEVEL SECURITY;

CREATE POLICY browser_sessions_tenant_isolation ON browser_sessions
    USING (tenant_id = current_setting('lakeward.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('lakeward.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON browser_sessions TO ${application_role};

CREATE TABLE browser_login_attempts (
    tenant_id    text        NOT NULL REFERENCES tenants (tenant_id),
    state_hash   text        NOT NULL CHECK (state_hash ~ '^[0-9a-f]{64}$'),
    binding_hash text        NOT NULL CHECK (binding_hash ~ '^[0-9a-f]{64}$'),
    sealed       bytea       NOT NULL,
    return_to    text        NOT NULL CHECK (return_to LIKE '/%' AND length(return_to) <= 2048),
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, state_hash)
);

CREATE INDEX browser_login_attempts_expiry ON browser_login_attempts (tenant_id, expires_at);

ALTER TABLE browser_login_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE browser_login_attempts FORCE ROW LEVEL SECURITY;

CREATE POLICY browser_login_attempts_tenant_isolation ON browser_login_attempts
    USING (tenant_id = current_setting('lakeward.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('lakeward.tenant_id', true));

GRANT SELECT, INSERT, DELETE ON browser_login_attempts TO ${application_role};

-- The policy store: every revision of a tenant's admin-managed access policy (grants, row
-- filters, column tags, masks and the membership decisions use), kept whole. The current policy
-- is the tenant's highest revision; a change inserts revision n + 1 holding the complete new
-- document and what changed (before and after), so the history is the table itself, a rollback
-- is one more revision, and a reader never sees half of a change. Two writers that both start
-- from revision n collide on the primary key: one wins, the other is told to retry (optimistic
-- concurrency). Append-only: the application role may not update or delete revisions.
CREATE TABLE policy_revisions (
    tenant_id   text        NOT NULL REFERENCES tenants (tenant_id),
    revision    bigint      NOT NULL CHECK (revision > 0),
    document    jsonb       NOT NULL CHECK (jsonb_typeof(document) = 'object'),
    change      jsonb       NOT NULL CHECK (jsonb_typeof(change) = 'object'),
    changed_by  text        NOT NULL CHECK (length(changed_by) BETWEEN 1 AND 255),
    request_id  text        CHECK (length(request_id) <= 128),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, revision)
);

ALTER TABLE policy_revisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE policy_revisions FORCE ROW LEVEL SECURITY;

CREATE POLICY policy_revisions_tenant_isolation ON policy_revisions
    USING (tenant_id = current_setting('lakeward.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('lakeward.tenant_id', true));

GRANT SELECT, INSERT ON policy_revisions TO ${application_role};

-- The public REST API: bearer tokens per organisation and remembered answers to POSTs sent
-- with an Idempotency-Key. Both are tenant tables: RLS ENABLE + FORCE.

-- A token acts as the member who made it, with the role chosen for it (never above theirs).
-- Only a SHA-256 of the secret is stored; the secret is shown once, when the token is made.
CREATE TABLE api_tokens (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role            text NOT NULL CHECK (role IN ('admin', 'manager', 'staff')),
    token_hash      bytea NOT NULL UNIQUE,
    created_by      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz,
    revoked_at      timestamptz,
    PRIMARY KEY (organisation_id, id)
);
ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON api_tokens USING (organisation_id = (SELECT current_tenant_id()));
-- Before the tenant is known, a request may read the one token whose hash it presents.
CREATE POLICY by_token ON api_tokens FOR SELECT
    USING (token_hash = (SELECT decode(nullif(current_setting('app.api_token', true), ''), 'hex')));

-- The first answer to a POST with an Idempotency-Key, replayed for a repeat of the same
-- request; a different request under the same key is refused. Kept 24 hours.
CREATE TABLE idempotency_keys (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    token_id        uuid NOT NULL,
    key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash    bytea NOT NULL,
    status          smallint NOT NULL,
    body            jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, token_id, key),
    FOREIGN KEY (organisation_id, token_id) REFERENCES api_tokens (organisation_id, id) ON DELETE CASCADE
);
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON idempotency_keys USING (organisation_id = (SELECT current_tenant_id()));

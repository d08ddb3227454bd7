-- The outbox (email now; webhooks and notifications later), password resets, second factors
-- and invitations.

-- The outbox relay connects as workdesk_worker (created by the setup script, like the other
-- roles): it can read and update outbox rows and nothing else, so a bug in the relay cannot
-- reach tenant data, and request code (workdesk_app) can only add rows for its own tenant.
GRANT USAGE ON SCHEMA public TO workdesk_worker;

-- One row per side effect, written in the transaction that caused it. The relay claims due
-- rows with FOR UPDATE SKIP LOCKED, so several relays never send one twice. organisation_id is
-- null for platform mail that belongs to no tenant (a password reset asked for on the platform's
-- own host). Payloads can hold secrets (a reset link), so a delivered row keeps only its
-- envelope.
CREATE TABLE outbox (
    id              uuid PRIMARY KEY,
    organisation_id uuid REFERENCES organisations (id) ON DELETE CASCADE,
    topic           text NOT NULL CHECK (topic IN ('email')),
    payload         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text CHECK (length(last_error) <= 1000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_tenant_idx ON outbox (organisation_id, created_at DESC);
ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON outbox TO workdesk_app
    USING (organisation_id = (SELECT current_tenant_id()));
CREATE POLICY platform_mail ON outbox FOR INSERT TO workdesk_app
    WITH CHECK (organisation_id IS NULL);
CREATE POLICY relay ON outbox TO workdesk_worker USING (true);
GRANT SELECT, UPDATE ON outbox TO workdesk_worker;

-- Wakes the relay at commit, so mail goes out at once rather than at the next poll.
CREATE FUNCTION outbox_notify() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN PERFORM pg_notify('outbox', ''); RETURN NULL; END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Single-use links; only a hash of the token is kept.
CREATE TABLE password_resets (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE,
    ip          inet,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id, created_at DESC);

-- How a user proves a second factor at sign-in; null means password only.
ALTER TABLE users ADD COLUMN second_factor text CHECK (second_factor IN ('email', 'totp'));

-- An authenticator-app secret. Unconfirmed until the user enters a code it made.
CREATE TABLE totp_secrets (
    user_id      uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret       bytea NOT NULL,
    confirmed_at timestamptz,
    -- The last time step accepted, so one code cannot be used twice.
    last_step    bigint NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE backup_codes (
    user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in that passed the password and waits for the second factor (purpose sign_in; the
-- browser holds the token in an HttpOnly cookie), or an emailed code that proves the mailbox
-- before email codes are turned on (purpose enrol). Emailed codes are stored hashed. Like
-- sessions, this is user-scoped identity data: it names the organisation the sign-in enters
-- (as sessions.active_organisation_id does) but belongs to no tenant.
CREATE TABLE mfa_challenges (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    enters_organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    token_hash      bytea NOT NULL UNIQUE,
    purpose         text NOT NULL CHECK (purpose IN ('sign_in', 'enrol')),
    method          text NOT NULL CHECK (method IN ('email', 'totp')),
    code_hash       bytea,
    attempts        integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    completed_at    timestamptz
);
CREATE INDEX mfa_challenges_user_idx ON mfa_challenges (user_id, created_at DESC);

-- A pending membership: someone asked to join by email, not yet accepted. Accepting finds the
-- invitation by its token's hash before any tenant is known, hence the one extra policy bound
-- to a transaction-local setting.
CREATE TABLE invitations (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    email           text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
    role            text NOT NULL CHECK (role IN ('admin', 'manager', 'staff')),
    token_hash      bytea NOT NULL UNIQUE,
    invited_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    accepted_at     timestamptz,
    revoked_at      timestamptz,
    PRIMARY KEY (organisation_id, id)
);
CREATE UNIQUE INDEX invitations_open_email_key ON invitations (organisation_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON invitations
    USING (organisation_id = (SELECT current_tenant_id()));
CREATE POLICY by_token ON invitations FOR SELECT
    USING (token_hash = (SELECT decode(nullif(current_setting('app.invitation', true), ''), 'hex')));

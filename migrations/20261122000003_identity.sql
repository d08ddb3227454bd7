-- Identity and tenancy: users, their memberships in organisations, sessions, login activity,
-- custom domains and the audit log.
--
-- Two kinds of table here:
--  * user-scoped identity (users, partner_memberships, sessions, login_events): no
--    organisation_id; reached only through the identity module, before any tenant is known.
--  * tenant tables (memberships, org_domains, audit_log): organisation_id in every key, RLS
--    ENABLE + FORCE. Their policies also admit two narrow identity look-ups, each bound to a
--    transaction-local setting: a user's own memberships (app.user_id, to sign in and switch
--    organisation) and one verified hostname (app.host, to resolve a tenant from the Host).

-- Transaction-local settings as typed values. An unset setting reads as '' after its first
-- transaction on a pooled connection, hence nullif.
CREATE FUNCTION current_tenant_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE FUNCTION current_app_user_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    password_hash text NOT NULL,
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE partner_memberships (
    id         uuid PRIMARY KEY,
    partner_id uuid NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('partner_admin')),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (partner_id, user_id)
);
CREATE INDEX partner_memberships_user_idx ON partner_memberships (user_id);

CREATE TABLE memberships (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            text NOT NULL CHECK (role IN ('admin', 'manager', 'staff')),
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'pending', 'disabled')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, id),
    UNIQUE (organisation_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON memberships
    USING (organisation_id = (SELECT current_tenant_id()));
CREATE POLICY own_memberships ON memberships FOR SELECT
    USING (user_id = (SELECT current_app_user_id()));

-- Hostnames are unique across tenants (one host, one tenant), the one key without
-- organisation_id: under Citus this is a reference table.
CREATE TABLE org_domains (
    organisation_id    uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id                 uuid NOT NULL,
    hostname           text NOT NULL UNIQUE
                       CHECK (hostname ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$'),
    verification_token text NOT NULL,
    verified_at        timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, id)
);
ALTER TABLE org_domains ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_domains FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON org_domains
    USING (organisation_id = (SELECT current_tenant_id()));
CREATE POLICY resolve_verified_host ON org_domains FOR SELECT
    USING (verified_at IS NOT NULL
           AND hostname = (SELECT nullif(current_setting('app.host', true), '')));

-- A refresh session: the server-side half of a sign-in, so sign-out really revokes. The
-- client holds "<id>.<secret>"; only hashes are stored. The previous secret is kept to detect
-- a stolen token being replayed after rotation, which revokes the session.
CREATE TABLE sessions (
    id                     uuid PRIMARY KEY,
    user_id                uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    active_organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    secret_hash            bytea NOT NULL,
    previous_secret_hash   bytea,
    ip                     inet,
    user_agent             text CHECK (length(user_agent) <= 512),
    created_at             timestamptz NOT NULL DEFAULT now(),
    last_seen_at           timestamptz NOT NULL DEFAULT now(),
    expires_at             timestamptz NOT NULL,
    revoked_at             timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE login_events (
    id         uuid PRIMARY KEY,
    user_id    uuid REFERENCES users (id) ON DELETE CASCADE,
    email      text CHECK (length(email) <= 254),
    outcome    text NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'throttled')),
    ip         inet,
    user_agent text CHECK (length(user_agent) <= 512),
    new_device boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_events_user_idx ON login_events (user_id, created_at DESC);
CREATE INDEX login_events_email_idx ON login_events (email, created_at DESC);
CREATE INDEX login_events_ip_idx ON login_events (ip, created_at DESC);

-- Append-only: the application role may insert and read, never change or remove.
CREATE TABLE audit_log (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    actor_user_id   uuid REFERENCES users (id) ON DELETE SET NULL,
    action          text NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
    target_type     text CHECK (length(target_type) <= 50),
    target_id       uuid,
    ip              inet,
    detail          jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, id)
);
CREATE INDEX audit_log_recent_idx ON audit_log (organisation_id, created_at DESC);
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON audit_log
    USING (organisation_id = (SELECT current_tenant_id()));
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM workdesk_app;

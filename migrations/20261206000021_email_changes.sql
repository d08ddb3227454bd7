-- A signed-in person changes their sign-in address (issue 15): the new address must be proven
-- before it replaces the old one, so the change waits here until the link emailed to the new
-- address is opened. The old address is told at once, and again when the change is made.
--
-- Platform identity data like password_resets: an account belongs to no one organisation, so
-- no row-level security. Only a hash of the token is kept.
CREATE TABLE email_changes (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    new_email   text NOT NULL CHECK (length(new_email) BETWEEN 3 AND 254 AND new_email = lower(new_email)),
    -- Null when the new address already had an account: its owner is told instead, and no
    -- link exists, so the one who asked learns nothing about that address.
    token_hash  bytea UNIQUE,
    ip          inet,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    -- Set when the link is opened, or when a later request or password change replaces it.
    used_at     timestamptz
);
-- Requests per account in the last day, counted on every request; the pending one shown.
CREATE INDEX email_changes_user_idx ON email_changes (user_id, created_at DESC);

-- Sign-up proves the address before anything is made (issue 12, account enumeration): the form
-- files a request and emails a link; the user, organisation and membership are created when the
-- link is opened. A sign-up with an address that already has an account files a row too, with
-- no token, and emails the account's owner instead; both answer the same, so the form no longer
-- tells anyone whether an address is registered.
--
-- Platform identity data like password_resets: no tenant exists yet, so no row-level security.
-- Only a hash of the token is kept; the password is kept as its Argon2 hash until confirmed.
CREATE TABLE sign_up_requests (
    id                uuid PRIMARY KEY,
    email             text NOT NULL CHECK (length(email) <= 254),
    -- Null for a notice to an existing account's owner, which has no link.
    token_hash        bytea UNIQUE,
    name              text CHECK (length(name) <= 100),
    organisation_name text CHECK (length(organisation_name) <= 200),
    password_hash     text,
    ip                inet,
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    used_at           timestamptz,
    CHECK ((token_hash IS NULL) = (password_hash IS NULL)),
    CHECK (token_hash IS NULL OR (name IS NOT NULL AND organisation_name IS NOT NULL))
);
-- Requests per address in the last window, counted on every sign-up.
CREATE INDEX sign_up_requests_email_idx ON sign_up_requests (email, created_at DESC);

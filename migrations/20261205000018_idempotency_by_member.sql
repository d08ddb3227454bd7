-- Idempotency keys are also held by members, not only API tokens: every form the app renders
-- carries a key of its own (issue 15), so a double-click or a repeated Enter makes one of
-- anything. A key belongs to exactly one token or one member; `owner` is whichever it is, so
-- one primary key and one lookup serve both.
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ALTER COLUMN token_id DROP NOT NULL;
ALTER TABLE idempotency_keys ADD COLUMN user_id uuid REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE idempotency_keys
    ADD CONSTRAINT idempotency_keys_one_owner CHECK (num_nonnulls(token_id, user_id) = 1);
ALTER TABLE idempotency_keys
    ADD COLUMN owner uuid GENERATED ALWAYS AS (coalesce(token_id, user_id)) STORED NOT NULL;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (organisation_id, owner, key);

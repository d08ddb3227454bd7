-- Issue 12, the outside test's findings.

-- A signed Stripe event billing cannot store (an overlong id, a currency that is not three
-- letters, a time out of range) is recorded as rejected and answered 200, so Stripe stops
-- retrying it.
ALTER TABLE stripe_events DROP CONSTRAINT stripe_events_outcome_check;
ALTER TABLE stripe_events ADD CONSTRAINT stripe_events_outcome_check
    CHECK (outcome IN ('applied', 'stale', 'ignored', 'unmatched', 'rejected'));

-- File names lose bidirectional controls on upload now (app/src/model/attachment.rs); names
-- stored before that lose them here, the same way (every tenant's: FORCE is lifted for the
-- owner's one statement, inside this migration's transaction).
ALTER TABLE attachments NO FORCE ROW LEVEL SECURITY;
UPDATE attachments
   SET filename = regexp_replace(filename, '[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]', '_', 'g')
 WHERE filename ~ '[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]';
ALTER TABLE attachments FORCE ROW LEVEL SECURITY;

-- Wrong second-factor codes per account, counted across sign-ins (a new sign-in used to start
-- a fresh count of five): answered more slowly from the third, and from the tenth the second
-- factor is locked for an hour (the password is not).
ALTER TABLE users
    ADD COLUMN second_factor_failures integer NOT NULL DEFAULT 0 CHECK (second_factor_failures >= 0),
    ADD COLUMN second_factor_failed_at timestamptz,
    ADD COLUMN second_factor_locked_until timestamptz;

-- Turning a second factor off, or replacing backup codes, takes the factor itself; for email
-- codes that is a code emailed for the purpose (purpose confirm).
ALTER TABLE mfa_challenges DROP CONSTRAINT mfa_challenges_purpose_check;
ALTER TABLE mfa_challenges ADD CONSTRAINT mfa_challenges_purpose_check
    CHECK (purpose IN ('sign_in', 'enrol', 'confirm'));

-- A failed sign-in from a browser that signed in as that account before (its device cookie)
-- is counted apart, so others' guessing cannot lock the owner out.
ALTER TABLE login_events ADD COLUMN trusted_device boolean NOT NULL DEFAULT false;

-- Billing: one subscription row per organisation, the invoices Stripe reported, and the Stripe
-- events already handled (so a replayed webhook changes nothing).
--
-- An organisation with no subscription row is on its trial, which ends TRIAL_DAYS after the
-- organisation was created (app/src/model/billing.rs): the row is written the first time
-- anything about its billing changes, so creating an organisation stays one insert.

-- The Stripe customer is found from a webhook before any tenant is known, so its id lives on
-- the identity row, reached only through the billing module.
ALTER TABLE organisations ADD COLUMN stripe_customer_id text UNIQUE
    CHECK (stripe_customer_id IS NULL OR length(stripe_customer_id) BETWEEN 1 AND 255);

CREATE TABLE subscriptions (
    organisation_id        uuid PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    plan                   text NOT NULL CHECK (plan IN ('individual', 'starter', 'pro', 'enterprise')),
    status                 text NOT NULL
                           CHECK (status IN ('trialing', 'active', 'past_due', 'unpaid', 'incomplete', 'canceled')),
    -- Enterprise contracts set their own number of included seats.
    included_seats         integer CHECK (included_seats IS NULL OR included_seats > 0),
    trial_ends_at          timestamptz,
    current_period_end     timestamptz,
    -- Set when a payment fails: paid features stay on until then.
    grace_ends_at          timestamptz,
    stripe_subscription_id text CHECK (length(stripe_subscription_id) <= 255),
    -- The subscription item that counts extra seats, and the quantity Stripe last confirmed.
    stripe_seat_item_id    text CHECK (length(stripe_seat_item_id) <= 255),
    stripe_seat_quantity   integer NOT NULL DEFAULT 0 CHECK (stripe_seat_quantity >= 0),
    -- The seat count changed and Stripe has not been told yet (retried until it has).
    seat_sync_pending      boolean NOT NULL DEFAULT false,
    -- `created` of the newest Stripe subscription event applied: an older event that arrives
    -- late is ignored instead of overwriting newer state.
    stripe_state_at        timestamptz,
    updated_at             timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE subscriptions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON subscriptions USING (organisation_id = (SELECT current_tenant_id()));

CREATE TABLE invoices (
    organisation_id    uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id                 uuid NOT NULL,
    stripe_invoice_id  text NOT NULL CHECK (length(stripe_invoice_id) BETWEEN 1 AND 255),
    number             text NOT NULL CHECK (length(number) <= 100),
    status             text NOT NULL CHECK (length(status) <= 40),
    currency           text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    amount_due         bigint NOT NULL,
    amount_paid        bigint NOT NULL,
    hosted_url         text CHECK (length(hosted_url) <= 2000),
    created_at         timestamptz NOT NULL,
    -- As for subscriptions: the newest event applied wins.
    stripe_state_at    timestamptz NOT NULL,
    PRIMARY KEY (organisation_id, id),
    UNIQUE (organisation_id, stripe_invoice_id)
);
CREATE INDEX invoices_recent_idx ON invoices (organisation_id, created_at DESC);
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON invoices USING (organisation_id = (SELECT current_tenant_id()));

-- Platform table (Stripe's account, not a tenant's): every event id handled, first come wins.
CREATE TABLE stripe_events (
    id          text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 255),
    type        text NOT NULL CHECK (length(type) <= 100),
    received_at timestamptz NOT NULL DEFAULT now(),
    -- What was done with it: applied, ignored (unknown type or stale), or no organisation.
    outcome     text NOT NULL CHECK (outcome IN ('applied', 'stale', 'ignored', 'unmatched'))
);
REVOKE UPDATE, DELETE ON stripe_events FROM workdesk_app;

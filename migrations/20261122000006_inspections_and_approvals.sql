-- Inspections (what was found, why, what to do, how long it takes) and approvals (asked for,
-- then decided once) on tickets. Tenant tables: composite keys, RLS ENABLE + FORCE.

CREATE TABLE inspections (
    organisation_id   uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id                uuid NOT NULL,
    ticket_id         uuid NOT NULL,
    inspector_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    summary           text NOT NULL CHECK (length(summary) BETWEEN 1 AND 5000),
    cause             text NOT NULL DEFAULT '' CHECK (length(cause) <= 5000),
    recommendation    text NOT NULL DEFAULT '' CHECK (length(recommendation) <= 5000),
    -- Whole minutes, not fractional hours: no floating point in stored quantities.
    estimated_minutes integer CHECK (estimated_minutes BETWEEN 0 AND 600000),
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, ticket_id) REFERENCES tickets (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX inspections_ticket_idx ON inspections (organisation_id, ticket_id, created_at);
ALTER TABLE inspections ENABLE ROW LEVEL SECURITY;
ALTER TABLE inspections FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON inspections USING (organisation_id = (SELECT current_tenant_id()));

CREATE TABLE approvals (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    ticket_id       uuid NOT NULL,
    requested_by    uuid REFERENCES users (id) ON DELETE SET NULL,
    note            text NOT NULL CHECK (length(note) BETWEEN 1 AND 2000),
    decision        text NOT NULL DEFAULT 'pending'
                    CHECK (decision IN ('pending', 'approved', 'rejected')),
    reason          text CHECK (length(reason) <= 2000),
    decided_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    decided_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, ticket_id) REFERENCES tickets (organisation_id, id) ON DELETE CASCADE,
    -- Decided exactly when it has a decision; a rejection always says why.
    CHECK ((decision = 'pending') = (decided_at IS NULL)),
    CHECK (decision <> 'rejected' OR length(reason) > 0)
);
CREATE INDEX approvals_ticket_idx ON approvals (organisation_id, ticket_id, created_at);
ALTER TABLE approvals ENABLE ROW LEVEL SECURITY;
ALTER TABLE approvals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON approvals USING (organisation_id = (SELECT current_tenant_id()));

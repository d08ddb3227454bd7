-- Saved views: a member's named ticket-list filters. Tenant table (RLS ENABLE + FORCE); each
-- member sees and changes only their own, which the application enforces by user id.

CREATE TABLE saved_views (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    -- The list's query string (status=open&q=printer...), as the list's URL carries it.
    query           text NOT NULL CHECK (length(query) <= 1000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, id),
    UNIQUE (organisation_id, user_id, name)
);
ALTER TABLE saved_views ENABLE ROW LEVEL SECURITY;
ALTER TABLE saved_views FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON saved_views USING (organisation_id = (SELECT current_tenant_id()));

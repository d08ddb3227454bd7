-- Ticketing: queues, tickets numbered per organisation, comments and the activity timeline.
-- Every table is a tenant table: organisation_id leads every key, foreign keys inside a tenant
-- are composite so no row can point into another organisation, RLS ENABLE + FORCE.

CREATE TABLE queues (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    is_default      boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, id),
    UNIQUE (organisation_id, name)
);
-- One default queue per organisation.
CREATE UNIQUE INDEX queues_one_default ON queues (organisation_id) WHERE is_default;
ALTER TABLE queues ENABLE ROW LEVEL SECURITY;
ALTER TABLE queues FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON queues USING (organisation_id = (SELECT current_tenant_id()));

-- The next ticket number of each organisation: taken with an UPDATE ... RETURNING, so two
-- tickets created at once never share a number and numbers have no gaps but for rollbacks.
CREATE TABLE ticket_counters (
    organisation_id uuid PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    last_number     bigint NOT NULL DEFAULT 0
);
ALTER TABLE ticket_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_counters FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON ticket_counters USING (organisation_id = (SELECT current_tenant_id()));

CREATE TABLE tickets (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    number          bigint NOT NULL CHECK (number > 0),
    queue_id        uuid NOT NULL,
    requester_id    uuid REFERENCES users (id) ON DELETE SET NULL,
    assignee_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 50000),
    status          text NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
    priority        text NOT NULL DEFAULT 'medium'
                    CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    due_at          timestamptz,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- Title and description for full-text search; comments have their own.
    search          tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('simple', title), 'A') ||
                        setweight(to_tsvector('simple', description), 'B')) STORED,
    PRIMARY KEY (organisation_id, id),
    UNIQUE (organisation_id, number),
    FOREIGN KEY (organisation_id, queue_id) REFERENCES queues (organisation_id, id)
);
-- The list's orders, each ending in id so keyset pagination is total.
CREATE INDEX tickets_updated_idx ON tickets (organisation_id, updated_at DESC, id DESC);
CREATE INDEX tickets_created_idx ON tickets (organisation_id, created_at DESC, id DESC);
CREATE INDEX tickets_status_idx ON tickets (organisation_id, status, updated_at DESC, id DESC);
CREATE INDEX tickets_assignee_idx ON tickets (organisation_id, assignee_id, updated_at DESC);
CREATE INDEX tickets_search_idx ON tickets USING gin (search);
ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
ALTER TABLE tickets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON tickets USING (organisation_id = (SELECT current_tenant_id()));

CREATE TABLE comments (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    ticket_id       uuid NOT NULL,
    author_id       uuid REFERENCES users (id) ON DELETE SET NULL,
    body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    internal        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    search          tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED,
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, ticket_id) REFERENCES tickets (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX comments_ticket_idx ON comments (organisation_id, ticket_id, created_at);
CREATE INDEX comments_search_idx ON comments USING gin (search);
ALTER TABLE comments ENABLE ROW LEVEL SECURITY;
ALTER TABLE comments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON comments USING (organisation_id = (SELECT current_tenant_id()));

-- What happened to a ticket, recorded with each change: the timeline is built from these.
CREATE TABLE ticket_events (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    ticket_id       uuid NOT NULL,
    actor_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    kind            text NOT NULL CHECK (length(kind) BETWEEN 1 AND 50),
    detail          jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, ticket_id) REFERENCES tickets (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (organisation_id, ticket_id, created_at);
ALTER TABLE ticket_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON ticket_events USING (organisation_id = (SELECT current_tenant_id()));

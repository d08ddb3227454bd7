-- Files attached to tickets, and due dates. The bytes live outside the database (on local disk
-- under {root}/{organisation_id}/{id} by default); a row here is what makes a file exist.

CREATE TABLE attachments (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    ticket_id       uuid NOT NULL,
    uploader_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    filename        text NOT NULL CHECK (octet_length(filename) BETWEEN 1 AND 200),
    -- Sniffed from the bytes on arrival, never the uploader's claim.
    content_type    text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 100),
    size_bytes      bigint NOT NULL CHECK (size_bytes > 0),
    sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, id),
    FOREIGN KEY (organisation_id, ticket_id) REFERENCES tickets (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX attachments_ticket_idx ON attachments (organisation_id, ticket_id, created_at);
ALTER TABLE attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON attachments USING (organisation_id = (SELECT current_tenant_id()));

-- A due date is a day, not an instant: "due on the 3rd" must not move with the reader's zone.
ALTER TABLE tickets DROP COLUMN due_at;
ALTER TABLE tickets ADD COLUMN due_on date;
CREATE INDEX tickets_due_idx ON tickets (organisation_id, due_on, id) WHERE due_on IS NOT NULL;

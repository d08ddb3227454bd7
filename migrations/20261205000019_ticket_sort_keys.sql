-- The ticket list sorts by priority, status and due date too (issue 15). Each order is a
-- keyset over stored, indexed keys, so any page of a 100k-ticket list is an index range scan:
-- ranks put priority and status in their meaning's order (text would sort "high" < "low"),
-- and the due key is a day number with "no due date" as the last day, so the keyset needs no
-- NULL handling.
ALTER TABLE tickets
    ADD COLUMN priority_rank smallint GENERATED ALWAYS AS (
        CASE priority WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 ELSE 3 END
    ) STORED NOT NULL,
    ADD COLUMN status_rank smallint GENERATED ALWAYS AS (
        CASE status WHEN 'open' THEN 0 WHEN 'pending' THEN 1 WHEN 'resolved' THEN 2 ELSE 3 END
    ) STORED NOT NULL,
    ADD COLUMN due_key integer GENERATED ALWAYS AS (
        coalesce(due_on, date '9999-12-31') - date '1970-01-01'
    ) STORED NOT NULL;

CREATE INDEX tickets_priority_order_idx ON tickets (organisation_id, priority_rank, updated_at, id);
CREATE INDEX tickets_status_order_idx ON tickets (organisation_id, status_rank, updated_at, id);
CREATE INDEX tickets_due_order_idx ON tickets (organisation_id, due_key, id);
-- The due_on partial index served the old "due" filter only; the key's index covers it.
DROP INDEX IF EXISTS tickets_due_idx;

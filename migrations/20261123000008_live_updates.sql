-- Live updates: every write to a ticket row is announced on the `ticket_changes` channel.
-- PostgreSQL delivers a NOTIFY only when (and if) its transaction commits, to every session
-- that LISTENs, so each server process hears changes made through any other. Comments,
-- attachments, inspections and approvals all touch their ticket, so they are announced too.
-- The payload names the organisation; the server sends it only to that organisation's streams.

CREATE FUNCTION notify_ticket_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ticket_changes', json_build_object(
        'organisation_id', NEW.organisation_id,
        'number', NEW.number,
        'version', NEW.version)::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER tickets_notify_change
    AFTER INSERT OR UPDATE ON tickets
    FOR EACH ROW EXECUTE FUNCTION notify_ticket_change();

-- Bulk loads (the benchmark's data generator) write millions of ticket rows in a few
-- transactions; announcing each to every listening server helps no one. A transaction that
-- sets app.bulk_load = 'on' is not announced. Ordinary writes never set it.
CREATE OR REPLACE FUNCTION notify_ticket_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('app.bulk_load', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('ticket_changes', json_build_object(
        'organisation_id', NEW.organisation_id,
        'number', NEW.number,
        'version', NEW.version)::text);
    RETURN NULL;
END
$$;

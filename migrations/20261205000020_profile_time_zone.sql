-- The account page's own settings: a time zone for every time the app shows its viewer.
-- NULL means "the browser's". A name is one PostgreSQL's time zone database knows
-- (pg_timezone_names, checked by the app: a CHECK cannot read a catalogue view), so the
-- server can format in it exactly as the browser does.
ALTER TABLE users ADD COLUMN time_zone text CHECK (length(time_zone) BETWEEN 1 AND 64);

-- The viewer carries it, so each page formats times without another query.
DROP FUNCTION session_viewer(uuid);
CREATE FUNCTION session_viewer(p_session uuid)
RETURNS TABLE (user_id uuid, organisation_id uuid, name text, email text,
               organisation_name text, role text, time_zone text)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    live record;
    outer_tenant text := current_setting('app.tenant_id', true);
BEGIN
    SELECT s.user_id, s.active_organisation_id
      INTO live
      FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id = p_session AND s.revoked_at IS NULL AND s.expires_at > now()
       AND u.status = 'active';
    IF NOT FOUND THEN
        RETURN;
    END IF;
    PERFORM set_config('app.tenant_id', live.active_organisation_id::text, true);
    RETURN QUERY
        SELECT live.user_id, live.active_organisation_id, u.name, u.email, o.name, m.role,
               u.time_zone
          FROM users u
          JOIN organisations o ON o.id = live.active_organisation_id
          LEFT JOIN memberships m
                 ON m.organisation_id = o.id AND m.user_id = u.id AND m.status = 'active'
         WHERE u.id = live.user_id;
    PERFORM set_config('app.tenant_id', coalesce(outer_tenant, ''), true);
END
$$;

-- A signed-in request's identity in one round trip: whether the access token's session is
-- still live, and who it acts as in its organisation. Before, the session check and the viewer
-- (BEGIN with the tenant setting, the membership query, COMMIT) took four round trips.
--
-- plpgsql, so that the tenant setting the membership policy reads is made inside the call:
-- a single SQL statement cannot set a setting and rely on its own policies seeing it. The
-- setting is transaction-local and put back before returning, so a caller inside a scoped
-- transaction keeps its tenant. SECURITY INVOKER (the default): row-level security applies
-- as to any other query of the application role.
CREATE FUNCTION session_viewer(p_session uuid)
RETURNS TABLE (user_id uuid, organisation_id uuid, name text, email text,
               organisation_name text, role text)
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
    -- One row for a live session; the viewer's columns are null when the membership is not
    -- active (the session is still the user's, to sign out with).
    RETURN QUERY
        SELECT live.user_id, live.active_organisation_id, u.name, u.email, o.name, m.role
          FROM users u
          JOIN organisations o ON o.id = live.active_organisation_id
          LEFT JOIN memberships m
                 ON m.organisation_id = o.id AND m.user_id = u.id AND m.status = 'active'
         WHERE u.id = live.user_id;
    PERFORM set_config('app.tenant_id', coalesce(outer_tenant, ''), true);
END
$$;

-- Erasing a person (GDPR): the audit log stays append-only for the application, with this one
-- narrow exception. Within the calling transaction's organisation (row-level security applies
-- to the owner too), the person's entries lose their network address, and their address in
-- any entry's detail becomes the alias; who did what, and when, stays.
CREATE FUNCTION pseudonymise_audit(p_user uuid, p_email text, p_alias text) RETURNS bigint
    LANGUAGE sql SECURITY DEFINER SET search_path = public
    AS $$
    WITH changed AS (
        UPDATE audit_log
           SET ip = CASE WHEN actor_user_id = p_user THEN NULL ELSE ip END,
               detail = replace(detail::text, p_email, p_alias)::jsonb
         WHERE actor_user_id = p_user OR strpos(detail::text, p_email) > 0
        RETURNING 1
    )
    SELECT count(*) FROM changed
    $$;
REVOKE ALL ON FUNCTION pseudonymise_audit(uuid, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pseudonymise_audit(uuid, text, text) TO workdesk_app;

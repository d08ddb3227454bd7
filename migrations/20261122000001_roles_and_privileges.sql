-- The server connects as workdesk_app: it reads and writes rows but owns nothing, so it can
-- neither change the schema nor bypass row-level security. Migrations run as the schema owner.
-- Both roles are created by the setup script (tools/db.sh), since creating roles needs more
-- privilege than the owner has.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO workdesk_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO workdesk_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO workdesk_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT EXECUTE ON FUNCTIONS TO workdesk_app;

-- Least privilege: the application's role reads and writes rows but cannot create or
-- alter tables. Migrations run as the owner (MIGRATION_DATABASE_URL); the app logs in
-- as a role that is a member of pgbake_app (DATABASE_URL), e.g.
--   CREATE ROLE app LOGIN PASSWORD '…' IN ROLE pgbake_app;

-- Roles belong to the cluster, not the database: another database of the same cluster may
-- have created it already, or be creating it right now (the migration lock is per database).
DO $$
BEGIN
    CREATE ROLE pgbake_app NOLOGIN;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL;
END
$$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO pgbake_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO pgbake_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO pgbake_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO pgbake_app;

-- The migration history is read-only for the app (`pgbake health` reads it). It exists
-- whenever pgbake runs this file; the check keeps the file usable with plain psql too.
DO $$
BEGIN
    IF to_regclass('refinery_schema_history') IS NOT NULL THEN
        REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON refinery_schema_history FROM pgbake_app;
    END IF;
END
$$;

-- Tables and sequences that later migrations create get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO pgbake_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO pgbake_app;

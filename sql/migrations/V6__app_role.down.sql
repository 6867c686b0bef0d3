-- The role itself stays: it is cluster-wide and other databases may use it.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM pgbake_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM pgbake_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM pgbake_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM pgbake_app;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM pgbake_app;
REVOKE USAGE ON SCHEMA public FROM pgbake_app;

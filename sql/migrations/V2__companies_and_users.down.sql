-- Fail fast instead of queueing behind the application's queries.
SET LOCAL lock_timeout = '5s';

ALTER TABLE companies DROP CONSTRAINT companies_created_by_fkey, DROP CONSTRAINT companies_updated_by_fkey;
DROP TABLE users;
DROP TABLE companies;

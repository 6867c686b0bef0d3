ALTER TABLE companies DROP CONSTRAINT companies_created_by_fkey, DROP CONSTRAINT companies_updated_by_fkey;
DROP TABLE users;
DROP TABLE companies;

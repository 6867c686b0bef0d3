-- Tenants and their users, with soft deletes and audit columns.

CREATE TABLE companies (
    id          uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]+$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz,
    created_by  uuid,
    updated_by  uuid
);

CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    company_id    uuid NOT NULL REFERENCES companies (id),
    email         text NOT NULL CHECK (email = lower(email) AND position('@' IN email) > 1),
    password_hash text NOT NULL,
    user_slug     text NOT NULL UNIQUE CHECK (user_slug ~ '^[a-z0-9-]+$'),
    display_name  text NOT NULL,
    last_login_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    deleted_at    timestamptz,
    created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
    updated_by    uuid REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT users_email_key UNIQUE (email)
);

ALTER TABLE companies
    ADD CONSTRAINT companies_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
    ADD CONSTRAINT companies_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL;

CREATE INDEX companies_created_by_idx ON companies (created_by);
CREATE INDEX companies_updated_by_idx ON companies (updated_by);
CREATE INDEX users_company_id_idx ON users (company_id);
CREATE INDEX users_created_by_idx ON users (created_by);
CREATE INDEX users_updated_by_idx ON users (updated_by);
-- Most reads skip soft-deleted users.
CREATE INDEX users_active_company_idx ON users (company_id) WHERE deleted_at IS NULL;

CREATE TRIGGER companies_set_updated_at BEFORE UPDATE ON companies
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

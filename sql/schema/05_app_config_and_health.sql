-- Runtime configuration per environment, and the table health checks write to.

CREATE TABLE app_config (
    id          uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    key         text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_.]*$'),
    value       jsonb NOT NULL,
    environment text NOT NULL DEFAULT 'development'
                CHECK (environment IN ('development', 'test', 'staging', 'production')),
    description text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    updated_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT app_config_key_environment_key UNIQUE (key, environment)
);

CREATE INDEX app_config_created_by_idx ON app_config (created_by);
CREATE INDEX app_config_updated_by_idx ON app_config (updated_by);

CREATE TABLE health_check (
    id         uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    status     text NOT NULL DEFAULT 'ok',
    checked_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER app_config_set_updated_at BEFORE UPDATE ON app_config
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER health_check_set_updated_at BEFORE UPDATE ON health_check
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

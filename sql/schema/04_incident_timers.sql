-- "Days since the last incident" timers, one or more per user.

CREATE TABLE incident_timers (
    id         uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reset_at   timestamptz NOT NULL DEFAULT now(),
    notes      text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    updated_by uuid REFERENCES users (id) ON DELETE SET NULL
);

CREATE INDEX incident_timers_user_id_idx ON incident_timers (user_id, reset_at DESC);
CREATE INDEX incident_timers_created_by_idx ON incident_timers (created_by);
CREATE INDEX incident_timers_updated_by_idx ON incident_timers (updated_by);

CREATE TRIGGER incident_timers_set_updated_at BEFORE UPDATE ON incident_timers
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

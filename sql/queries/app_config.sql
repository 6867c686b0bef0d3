--! config_value :opt
SELECT value, updated_at FROM app_config WHERE key = :key AND environment = :environment;

--! set_config :one
--- Inserts or replaces a setting.
INSERT INTO app_config (key, value, environment, description, created_by, updated_by)
VALUES (:key, :value, :environment, :description, :actor, :actor)
ON CONFLICT (key, environment)
DO UPDATE SET value = EXCLUDED.value, description = coalesce(EXCLUDED.description, app_config.description),
              updated_by = EXCLUDED.updated_by
RETURNING id, key, value, (xmax = 0) AS inserted;

--! environment_config :many
SELECT key, value, value ->> 'label' AS label, jsonb_typeof(value) AS kind
FROM app_config
WHERE environment = :environment
ORDER BY key;

--! record_health :one
INSERT INTO health_check (status) VALUES (:status) RETURNING id, checked_at;

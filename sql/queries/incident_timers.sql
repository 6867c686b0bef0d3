--! start_timer :one
INSERT INTO incident_timers (user_id, notes, created_by) VALUES (:user_id, :notes, :user_id)
RETURNING id, reset_at;

--! reset_timer :opt (notes?)
--- Resets a timer to now; returns how long it had been running.
UPDATE incident_timers t
SET reset_at = now(), notes = coalesce(:notes, t.notes), updated_by = :user_id
FROM incident_timers old
WHERE t.id = :id AND old.id = t.id AND t.deleted_at IS NULL
RETURNING t.id, t.reset_at, now() - old.reset_at AS elapsed;

--! user_timers :many
--- A user's timers with whole days since the last reset.
SELECT id, notes, reset_at,
       extract(day FROM now() - reset_at)::int AS days_since_reset
FROM incident_timers
WHERE user_id = :user_id AND deleted_at IS NULL
ORDER BY reset_at;

--! longest_streaks :many
--- The users whose oldest running timer is the longest, across the company.
SELECT u.display_name, min(t.reset_at) AS since, max(now() - t.reset_at) AS longest
FROM incident_timers t
JOIN users u ON u.id = t.user_id
WHERE u.company_id = :company_id AND t.deleted_at IS NULL
GROUP BY u.id, u.display_name
ORDER BY longest DESC
LIMIT :limit;

--! load_timers :copy
--- Bulk-loads incident timers (imports, fixtures).
INSERT INTO incident_timers (user_id, reset_at, notes) VALUES (:user_id, :reset_at, :notes);

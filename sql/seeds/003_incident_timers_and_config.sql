-- Sample incident timers and settings.

INSERT INTO incident_timers (user_id, reset_at, notes)
SELECT u.id, now() - make_interval(days => s.days_ago), s.notes
FROM users u
JOIN (VALUES ('admin', 12, 'Last production incident'),
             ('jane', 3, 'Last failed deploy')) AS s (user_slug, days_ago, notes)
  ON s.user_slug = u.user_slug
WHERE NOT EXISTS (SELECT 1 FROM incident_timers t WHERE t.user_id = u.id);

INSERT INTO app_config (key, value, environment, description) VALUES
    ('signup.enabled', 'true', 'development', 'Whether new companies can sign up'),
    ('timers.max_per_user', '10', 'development', 'Incident timers a user may keep')
ON CONFLICT (key, environment) DO NOTHING;

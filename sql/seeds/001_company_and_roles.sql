-- The sample tenant, the permissions, and the admin and user roles.
-- Idempotent: every insert skips rows that exist, so running `pgbake seed` twice changes nothing.

INSERT INTO companies (name, slug)
VALUES ('Example Company', 'example')
ON CONFLICT (slug) DO NOTHING;

INSERT INTO permissions (code, description) VALUES
    ('users.read', 'See users of the company'),
    ('users.write', 'Create, edit and deactivate users'),
    ('roles.write', 'Grant and revoke roles'),
    ('timers.read', 'See incident timers'),
    ('timers.write', 'Reset and edit incident timers'),
    ('config.read', 'See application settings'),
    ('config.write', 'Change application settings')
ON CONFLICT (code) DO NOTHING;

INSERT INTO roles (name, description) VALUES
    ('admin', 'Everything'),
    ('user', 'Day-to-day use: timers and the user list')
ON CONFLICT (name) DO NOTHING;

INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id
FROM roles r
JOIN permissions p
  ON r.name = 'admin'
  OR (r.name = 'user' AND p.code IN ('users.read', 'timers.read', 'timers.write'))
ON CONFLICT DO NOTHING;

-- The default admin (email and password hash come from `pgbake seed`) and a sample user.

INSERT INTO users (company_id, email, password_hash, user_slug, display_name)
SELECT c.id, current_setting('pgbake.admin_email'), current_setting('pgbake.admin_password_hash'),
       'admin', 'Administrator'
FROM companies c
WHERE c.slug = 'example'
ON CONFLICT DO NOTHING;

INSERT INTO users (company_id, email, password_hash, user_slug, display_name)
SELECT c.id, 'jane@example.com', current_setting('pgbake.locked_password_hash'), 'jane', 'Jane Example'
FROM companies c
WHERE c.slug = 'example'
ON CONFLICT DO NOTHING;

INSERT INTO user_roles (user_id, role_id)
SELECT u.id, r.id
FROM users u
JOIN roles r ON (u.user_slug = 'admin' AND r.name = 'admin') OR (u.user_slug = 'jane' AND r.name = 'user')
ON CONFLICT DO NOTHING;

--! user_by_email :opt
--- An active (not soft-deleted) user by email.
SELECT id, company_id, email, password_hash, user_slug, display_name, last_login_at, created_at
FROM users
WHERE email = lower(:email) AND deleted_at IS NULL;

--! user_by_slug :opt
--- The public profile of an active user, for `/u/<slug>` URLs.
SELECT u.id, u.user_slug, u.display_name, c.name AS company_name
FROM users u
JOIN companies c ON c.id = u.company_id
WHERE u.user_slug = :slug AND u.deleted_at IS NULL;

--! create_user :one
--- Creates a user; `created_by` is the acting user, if any.
INSERT INTO users (company_id, email, password_hash, user_slug, display_name, created_by, updated_by)
VALUES (:company_id, lower(:email), :password_hash, :user_slug, :display_name, :created_by, :created_by)
RETURNING id, created_at;

--! list_company_users :many
--- Active users of a company with their role names, newest first, one page at a time.
SELECT u.id, u.email, u.display_name, u.last_login_at,
       coalesce(array_agg(r.name ORDER BY r.name) FILTER (WHERE r.name IS NOT NULL), '{}') AS roles,
       count(*) OVER () AS total
FROM users u
LEFT JOIN user_roles ur ON ur.user_id = u.id
LEFT JOIN roles r ON r.id = ur.role_id
WHERE u.company_id = :company_id AND u.deleted_at IS NULL
GROUP BY u.id
ORDER BY u.created_at DESC, u.id
LIMIT :limit OFFSET :offset;

--! users_by_ids :many
SELECT id, email, display_name FROM users WHERE id = ANY(:ids) ORDER BY email;

--! record_login :exec
UPDATE users SET last_login_at = now() WHERE id = :id AND deleted_at IS NULL;

--! soft_delete_user :exec
--- Marks a user deleted; the row stays for audit.
UPDATE users SET deleted_at = now(), updated_by = :deleted_by
WHERE id = :id AND deleted_at IS NULL;

--! user_permissions :many
--- Every permission a user holds through any of their roles.
SELECT DISTINCT p.code
FROM user_roles ur
JOIN role_permissions rp ON rp.role_id = ur.role_id
JOIN permissions p ON p.id = rp.permission_id
WHERE ur.user_id = :user_id
ORDER BY p.code;

--! grant_role :exec
INSERT INTO user_roles (user_id, role_id, created_by)
SELECT :user_id, r.id, :granted_by FROM roles r WHERE r.name = :role_name
ON CONFLICT DO NOTHING;

--! users_in_company :many
--- Active users, of one company when `company_id` is given (one generic statement).
SELECT id, email FROM users
WHERE (:company_id IS NULL OR company_id = :company_id) AND deleted_at IS NULL
ORDER BY email;

--! search_users :many
--- Active users, filtered by company and by e-mail prefix when each is given: each
--- combination is its own statement, so the planner sees only the filters that apply.
SELECT id, email FROM users
WHERE deleted_at IS NULL
  AND company_id = :company_id --? company_id
  AND email LIKE :email_prefix || '%' --? email_prefix
ORDER BY email
LIMIT :limit;

--! create_company :one
INSERT INTO companies (name, slug, created_by) VALUES (:name, :slug, :created_by)
RETURNING id, name, slug, created_at;

--! company_stats :many
--- Per company: active users, deleted users, and the newest login.
SELECT c.id, c.name,
       count(u.id) FILTER (WHERE u.deleted_at IS NULL) AS active_users,
       count(u.id) FILTER (WHERE u.deleted_at IS NOT NULL) AS deleted_users,
       max(u.last_login_at) AS last_login_at
FROM companies c
LEFT JOIN users u ON u.company_id = c.id
WHERE c.deleted_at IS NULL
GROUP BY c.id, c.name
ORDER BY c.name;

--! rename_company :opt
UPDATE companies SET name = :name, updated_by = :updated_by
WHERE id = :id AND deleted_at IS NULL
RETURNING id, name, updated_at;

--! company_by_slug :one
--- A company that must exist (a missing slug is an error).
SELECT id, name, created_at, deleted_at FROM companies WHERE slug = :slug;

--! company_by_id :opt
--- A company by primary key, deleted or not (`None` when there is no such id).
SELECT id, name, slug, created_at, deleted_at FROM companies WHERE id = :id;

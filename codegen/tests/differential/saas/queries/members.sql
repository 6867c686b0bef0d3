--! m1 :many
SELECT u.id, u.email, u.full_name, m.role, m.title, m.joined_at FROM members m JOIN users u ON u.id = m.user_id WHERE m.account_id = :account_id AND m.deactivated_at IS NULL ORDER BY m.joined_at;
--! m2 :one
INSERT INTO members (account_id, user_id, role) VALUES (:account_id, :user_id, :role) RETURNING account_id, user_id, role, joined_at;
--! m3 :one
INSERT INTO members (account_id, user_id, role) VALUES (:account_id, :user_id, :role) ON CONFLICT (account_id, user_id) DO UPDATE SET role = EXCLUDED.role, deactivated_at = NULL RETURNING role, deactivated_at;
--! m4 :exec
UPDATE members SET deactivated_at = now() WHERE account_id = :account_id AND user_id = :user_id;
--! m5 :many
SELECT m.role, count(*) AS n FROM members m WHERE m.account_id = :account_id GROUP BY m.role HAVING count(*) > 0 ORDER BY m.role;
--! m6 :many
SELECT u.id, COALESCE(u.full_name, split_part(u.email, '@', 1)) AS display_name, u.avatar_url FROM users u ORDER BY display_name;
--! m7 :many
SELECT u.id, u.email, array_agg(a.slug ORDER BY a.slug) AS accounts FROM users u JOIN members m ON m.user_id = u.id JOIN accounts a ON a.id = m.account_id GROUP BY u.id, u.email;
--! m8 :many
SELECT u.id, array_agg(DISTINCT m.role) AS roles, string_agg(a.name, ', ' ORDER BY a.name) AS account_names FROM users u LEFT JOIN members m ON m.user_id = u.id LEFT JOIN accounts a ON a.id = m.account_id GROUP BY u.id;
--! m9 :many
SELECT u.id, u.email FROM users u WHERE u.id = ANY(:ids::uuid[]);
--! m10 :many
SELECT x.id, u.email FROM unnest(:ids::uuid[]) AS x(id) LEFT JOIN users u ON u.id = x.id;
--! m11 :many
SELECT account_id, user_id, role, rank() OVER (PARTITION BY account_id ORDER BY joined_at) AS seniority FROM members;
--! m12 :many
SELECT * FROM (SELECT account_id, user_id, joined_at, row_number() OVER (PARTITION BY account_id ORDER BY joined_at DESC) AS rn FROM members) t WHERE rn <= 2;
--! m13 :many
SELECT u.id, u.email, m.role IS NOT NULL AS is_member, m.role FROM users u LEFT JOIN members m ON m.user_id = u.id AND m.account_id = :account_id;
--! m14 :many
SELECT account_id, user_id, CASE role WHEN 'owner' THEN 3 WHEN 'admin' THEN 2 WHEN 'member' THEN 1 ELSE 0 END AS level FROM members;
--! m15 :many
SELECT account_id, user_id FROM members WHERE role IN ('owner', 'admin') AND deactivated_at IS NULL;
--! m16 :many
SELECT account_id, user_id FROM members WHERE role >= :min_role;
--! m17 :many
SELECT u.id, u.email, u.last_login_at, now() - u.last_login_at AS idle, u.last_login_at IS NULL AS never_logged_in FROM users u ORDER BY u.last_login_at DESC NULLS LAST;
--! m18 :one
UPDATE users SET last_login_at = now() WHERE email = lower(:email) RETURNING id, last_login_at;
--! m19 :one
INSERT INTO users (email, full_name) VALUES (lower(:email), :full_name) ON CONFLICT (email) DO UPDATE SET full_name = COALESCE(EXCLUDED.full_name, users.full_name) RETURNING id, email, full_name;
--! m20 :many
SELECT u.email, json_agg(json_build_object('account', a.slug, 'role', m.role)) AS memberships FROM users u JOIN members m ON m.user_id = u.id JOIN accounts a ON a.id = m.account_id GROUP BY u.email;
--! m21 :many
SELECT a.slug, (SELECT json_agg(u.email ORDER BY u.email) FROM members m JOIN users u ON u.id = m.user_id WHERE m.account_id = a.id) AS emails FROM accounts a;
--! m22 :many
DELETE FROM members m USING accounts a WHERE a.id = m.account_id AND a.deleted_at IS NOT NULL RETURNING m.account_id, m.user_id, a.deleted_at;
--! m23 :many
SELECT m.account_id, count(*) FILTER (WHERE m.role = 'admin') AS admins, bool_or(m.role = 'owner') AS has_owner, bool_and(m.deactivated_at IS NULL) AS all_active FROM members m GROUP BY m.account_id;
--! m24 :many
SELECT u.id, u.is_staff OR EXISTS (SELECT 1 FROM members m WHERE m.user_id = u.id AND m.role = 'owner') AS can_admin FROM users u;
--! m25 :many
SELECT u.email, coalesce(m.title, initcap(m.role::text)) AS shown_title FROM members m JOIN users u ON u.id = m.user_id;
--! m26 :many
SELECT m.account_id, m.user_id, lag(m.joined_at) OVER w AS prev_join, m.joined_at - lag(m.joined_at) OVER w AS gap FROM members m WINDOW w AS (PARTITION BY m.account_id ORDER BY m.joined_at);
--! m27 :many
SELECT count(*) OVER () AS total, u.id, u.email FROM users u ORDER BY u.email LIMIT :limit OFFSET :offset;
--! m28 :many
WITH active AS (SELECT account_id, user_id FROM members WHERE deactivated_at IS NULL) SELECT a.slug, count(active.user_id) AS n FROM accounts a LEFT JOIN active ON active.account_id = a.id GROUP BY a.slug;
--! m29 :one
WITH u AS (INSERT INTO users (email) VALUES (:email) RETURNING id), m AS (INSERT INTO members (account_id, user_id, role) SELECT :account_id, id, 'member' FROM u RETURNING account_id, user_id, role) SELECT m.user_id, m.role, a.slug FROM m JOIN accounts a ON a.id = m.account_id;
--! m30 :many
SELECT u.id FROM users u WHERE u.email LIKE ANY(:patterns::text[]);

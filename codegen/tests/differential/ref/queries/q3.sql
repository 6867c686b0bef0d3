--! r61 :many
SELECT u.email, c.name FROM users u JOIN companies c USING (id);
--! r62 :many
SELECT company_id, u1.email, u2.email AS other FROM users u1 JOIN users u2 USING (company_id);
--! r63 :many
SELECT * FROM users u1 NATURAL JOIN companies c;
--! r64 :many
SELECT id, company_id, email FROM users u1 FULL JOIN users u2 USING (id, company_id, email);
--! r65 :many
SELECT t.*, u.email FROM incident_timers t LEFT JOIN users u ON u.id = t.created_by;
--! r66 :many
SELECT u.email, r.name FROM users u LEFT JOIN user_roles ur ON ur.user_id = u.id LEFT JOIN roles r ON r.id = ur.role_id WHERE r.name IS NOT NULL;
--! r67 :many
SELECT a.email, b.email AS creator FROM users a JOIN users b ON b.id = a.created_by;
--! r68 :many
SELECT c.slug, (SELECT u.email FROM users u WHERE u.company_id = c.id ORDER BY created_at LIMIT 1) AS first_user, EXISTS (SELECT 1 FROM users u WHERE u.company_id = c.id) AS has_users FROM companies c;
--! r69 :many
SELECT email FROM users WHERE NOT EXISTS (SELECT 1 FROM user_roles WHERE user_id = users.id) AND company_id = ANY(SELECT id FROM companies);
--! r70 :many
SELECT c.id, c.name, coalesce(sum(1) FILTER (WHERE u.deleted_at IS NULL), 0) AS active FROM companies c LEFT JOIN users u ON u.company_id = c.id GROUP BY c.id HAVING count(u.id) >= :min;
--! r71 :many
SELECT to_char(created_at, 'YYYY') AS y, to_timestamp(0) AS epoch, to_date('2020-01-01', 'YYYY-MM-DD') AS d, to_number('12', '99') AS n, now()::time AS t, current_timestamp AS ct, localtimestamp AS lt, clock_timestamp() AS clk, created_at AT TIME ZONE 'UTC' AS utc FROM users;
--! r72 :many
SELECT length(email) AS len, char_length(email) AS cl, octet_length(email) AS ol, position('@' in email) AS pos, substring(email from 1 for 3) AS sub, substr(email, 2) AS sub2, upper(email) AS up, initcap(display_name) AS ic, trim(display_name) AS tr, replace(email, '@', ' at ') AS rp, reverse(email) AS rv, md5(email) AS h, repeat('x', 3) AS rpt, btrim(' x ') AS bt, strpos(email, '@') AS sp, translate(email, 'a', 'b') AS tl FROM users;
--! r73 :many
SELECT 1 + 1.5 AS a, 1 / 2 AS b, 1::int2 + 1::int4 AS c, 1::int4 * 2::int8 AS d, 1.5::float4 + 1 AS e, 2::numeric / 3 AS f, 2 ^ 3 AS g, 7 % 3 AS h, abs(-1) AS i, round(1.5) AS j, round(1.555, 2) AS k, ceil(1.2) AS l, floor(1.2::float8) AS m, sqrt(2) AS n, power(2, 3) AS o, mod(7, 3) AS p, trunc(1.5) AS q, -(1::int2) AS r, |/ 4 AS s, @ -3 AS t, 10::bigint / 3 AS u, 1::float4 * 1::float8 AS v, 1::numeric + 1::float8 AS w;
--! r74 :many
SELECT CAST(:x AS int) AS a, int4 '5' AS b, '2020-01-01'::date AS c, '1 day'::interval AS d, 'abc'::varchar(2) AS e, '1.5'::numeric(10,2) AS f, '{1,2}'::int[] AS g, 'x'::char(3) AS h, true::text AS i, '1'::text::int AS j, 1::boolean AS k;
--! r75 :many
SELECT email FROM users ORDER BY CASE WHEN :sort = 'email' THEN email END, created_at LIMIT 10;
--! r76 :many
SELECT COUNT(DISTINCT company_id) AS c, COUNT(email) AS e, count(last_login_at) AS l FROM users WHERE company_id = :cid;
--! r77 :many
SELECT key, value FROM app_config WHERE environment = :env AND (:key::text IS NULL OR key = :key);
--! r78 :many
SELECT reset_at, now() - reset_at > :max_age AS stale, date_trunc('day', reset_at)::date AS d FROM incident_timers WHERE user_id = :uid AND deleted_at IS NULL;
--! r79 :one
UPDATE incident_timers SET reset_at = now(), notes = :notes WHERE id = :id RETURNING id, reset_at, notes, updated_at;
--! r80 :many
DELETE FROM health_check WHERE checked_at < now() - interval '1 day' RETURNING *;
--! r81 :one
INSERT INTO health_check DEFAULT VALUES RETURNING id, status, checked_at;
--! r82 :many
INSERT INTO roles (name) VALUES (:a), (:b) RETURNING id, name, description, created_by;
--! r83 :one
INSERT INTO user_roles (user_id, role_id) VALUES (:u, :r) ON CONFLICT DO NOTHING RETURNING user_id, created_at;
--! r84 :many
SELECT u.email, COALESCE(r.names, '{}') AS roles FROM users u LEFT JOIN (SELECT ur.user_id, array_agg(r.name) AS names FROM user_roles ur JOIN roles r ON r.id = ur.role_id GROUP BY ur.user_id) r ON r.user_id = u.id;
--! r85 :many
SELECT email, created_at::text AS ts, id::text AS sid, length(id::text) AS l FROM users WHERE id::text LIKE :prefix || '%';
--! r86 :many
SELECT c.name, jsonb_agg(jsonb_build_object('email', u.email) ORDER BY u.email) FILTER (WHERE u.id IS NOT NULL) AS users FROM companies c LEFT JOIN users u ON u.company_id = c.id GROUP BY c.name;
--! r87 :many
SELECT sum(count(*)) OVER () AS total, company_id, count(*) FROM users GROUP BY company_id;
--! r88 :many
SELECT email, avg(length(email)) OVER (PARTITION BY company_id) AS avg_len, sum(length(email)) OVER (ORDER BY email RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run, nth_value(email, 2) OVER (ORDER BY email ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS second, dense_rank() OVER (ORDER BY company_id) AS dr, last_value(created_at) OVER (ORDER BY created_at) AS lv FROM users;
--! r89 :many
SELECT 'x' AS lit, 1 AS one, 1.5 AS num, NULL AS nul, true AS t, 10000000000 AS big, '2020-01-01' AS s, E'a\nb' AS esc, $$dollar$$ AS dq;
--! r90 :many
SELECT (SELECT max(created_at) FROM users) AS latest, (SELECT count(*) FROM users) AS n, (SELECT email FROM users LIMIT 1) AS some_email, ARRAY(SELECT email FROM users) AS all_emails;

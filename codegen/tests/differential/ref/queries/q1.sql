--! r1 :many
SELECT u.id, u.email, c.name AS company FROM users u JOIN companies c ON c.id = u.company_id WHERE u.deleted_at IS NULL ORDER BY u.created_at DESC LIMIT :limit OFFSET :offset;
--! r2 :many
SELECT u.email, c.name FROM users u LEFT JOIN companies c ON c.id = u.company_id;
--! r3 :many
SELECT c.name, u.email FROM users u RIGHT JOIN companies c ON c.id = u.company_id;
--! r4 :many
SELECT c.name, u.email FROM users u FULL JOIN companies c ON c.id = u.company_id;
--! r5 :many
SELECT c.name, count(u.id) AS n, count(*) AS all_rows, max(u.last_login_at) AS last FROM companies c LEFT JOIN users u ON u.company_id = c.id GROUP BY c.id;
--! r6 :many
SELECT u.email, r.name AS role FROM users u LEFT JOIN (user_roles ur JOIN roles r ON r.id = ur.role_id) ON ur.user_id = u.id;
--! r7 :many
SELECT u.email, t.reset_at, t.notes FROM users u LEFT JOIN LATERAL (SELECT reset_at, notes FROM incident_timers it WHERE it.user_id = u.id ORDER BY reset_at DESC LIMIT 1) t ON true;
--! r8 :many
SELECT u.email, t.reset_at FROM users u CROSS JOIN LATERAL (SELECT max(reset_at) AS reset_at FROM incident_timers it WHERE it.user_id = u.id) t;
--! r9 :many
SELECT u.email, now() - t.reset_at AS elapsed, extract(epoch FROM now() - t.reset_at) AS secs FROM users u JOIN incident_timers t ON t.user_id = u.id;
--! r10 :one
SELECT EXISTS (SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id JOIN permissions p ON p.id = rp.permission_id WHERE ur.user_id = :user_id AND p.code = :code) AS allowed;
--! r11 :many
SELECT array_agg(p.code ORDER BY p.code) AS codes, r.name FROM roles r LEFT JOIN role_permissions rp ON rp.role_id = r.id LEFT JOIN permissions p ON p.id = rp.permission_id GROUP BY r.name;
--! r12 :many
SELECT string_agg(email, ', ' ORDER BY email) AS emails, company_id FROM users GROUP BY company_id;
--! r13 :many
SELECT company_id, count(*) FILTER (WHERE deleted_at IS NULL) AS active, count(DISTINCT created_by) AS creators, bool_and(last_login_at IS NOT NULL) AS all_logged FROM users GROUP BY company_id;
--! r14 :many
SELECT email, row_number() OVER (PARTITION BY company_id ORDER BY created_at) AS rn, rank() OVER w AS rk, lag(email) OVER w AS prev, first_value(email) OVER w AS first, count(*) OVER () AS total FROM users WINDOW w AS (ORDER BY email);
--! r15 :many
SELECT email, sum(1) OVER (ORDER BY created_at ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s, ntile(2) OVER (ORDER BY email) AS tile, percent_rank() OVER (ORDER BY email) AS pr, cume_dist() OVER (ORDER BY email) AS cd, lead(created_at, 1, now()) OVER (ORDER BY email) AS nxt FROM users;
--! r16 :many
SELECT company_id, environment, count(*) FROM users CROSS JOIN app_config GROUP BY GROUPING SETS ((company_id), (environment), ());
--! r17 :many
SELECT company_id, deleted_at IS NULL AS active, count(*), grouping(company_id) AS g FROM users GROUP BY ROLLUP (company_id, deleted_at IS NULL);
--! r18 :many
SELECT key, environment, count(*) FROM app_config GROUP BY CUBE (key, environment);
--! r19 :many
WITH active AS (SELECT * FROM users WHERE deleted_at IS NULL) SELECT a.email, c.slug FROM active a JOIN companies c ON c.id = a.company_id;
--! r20 :many
WITH RECURSIVE chain AS (SELECT id, created_by, 1 AS depth FROM users WHERE id = :id UNION ALL SELECT u.id, u.created_by, chain.depth + 1 FROM users u JOIN chain ON u.id = chain.created_by) SELECT * FROM chain;
--! r21 :many
WITH gone AS (UPDATE users SET deleted_at = now() WHERE company_id = :company_id AND deleted_at IS NULL RETURNING id, email, deleted_at) SELECT count(*) AS n, max(deleted_at) AS at FROM gone;
--! r22 :many
WITH m AS MATERIALIZED (SELECT company_id, count(*) AS n FROM users GROUP BY company_id) SELECT c.name, m.n FROM companies c LEFT JOIN m ON m.company_id = c.id;
--! r23 :many
SELECT email AS label FROM users UNION SELECT name FROM companies;
--! r24 :many
SELECT id, last_login_at AS at FROM users UNION ALL SELECT id, created_at FROM companies;
--! r25 :many
SELECT 1 AS x UNION SELECT 2.5;
--! r26 :many
SELECT company_id FROM users INTERSECT SELECT id FROM companies;
--! r27 :many
SELECT id FROM companies EXCEPT SELECT company_id FROM users;
--! r28 :many
SELECT CASE WHEN deleted_at IS NULL THEN 'active' WHEN last_login_at IS NULL THEN 'never' END AS state, COALESCE(last_login_at, created_at) AS seen, NULLIF(display_name, '') AS dn, GREATEST(created_at, last_login_at) AS g, LEAST(1, 2.5, 3::bigint) AS l FROM users;
--! r29 :many
SELECT CASE WHEN :flag THEN 1 ELSE 2.0 END AS a, COALESCE(NULL, 1, 2::int8) AS b, CASE WHEN true THEN 1::int2 ELSE 1::int8 END AS c FROM users;
--! r30 :many
SELECT date_trunc('month', created_at) AS m, created_at::date + 7 AS wk, created_at::date - '2020-01-01'::date AS days, age(created_at) AS age, age(now(), created_at) AS age2, interval '1 hour' * 1.5 AS ih, make_date(2020, 1, 1) AS md, make_timestamptz(2020,1,1,0,0,0) AS mt, date_part('year', created_at) AS dp, extract(year FROM created_at::date) AS ey FROM users;

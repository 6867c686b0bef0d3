--! r31 :many
SELECT format('%s <%s>', display_name, email) AS f, concat_ws(', ', display_name, last_login_at) AS cw, split_part(email, '@', 2) AS domain, regexp_replace(email, '@.*', '') AS local, regexp_matches(email, '(.)@') AS m, string_to_array(email, '@') AS parts, array_to_string(ARRAY[email, display_name], ';') AS joined, left(email, 3) AS l, right(email, 3) AS r, lpad(display_name, 10, '*') AS p FROM users;
--! r32 :many
SELECT value -> 'x' AS x, value ->> 'x' AS xs, value #> '{arr,0}' AS a0, value #>> '{arr,0}' AS a0s, value @> '{"x":1}' AS has, value ? 'x' AS hasx, value ?| array['x','y'] AS anyk, jsonb_typeof(value) AS t FROM app_config;
--! r33 :many
SELECT jsonb_build_object('id', id, 'key', key) AS o, jsonb_agg(value) AS vals, json_agg(key ORDER BY key) AS ks, jsonb_object_agg(key, value) AS obj FROM app_config GROUP BY id;
--! r34 :many
SELECT c.key, e.value AS elem, e.value ->> 'a' AS a FROM app_config c, jsonb_array_elements(c.value -> 'arr') e;
--! r35 :many
SELECT r.a, r.b FROM jsonb_to_recordset(:doc::jsonb) AS r(a int, b text);
--! r36 :many
SELECT x.* FROM jsonb_each_text(:doc::jsonb) x;
--! r37 :many
SELECT k FROM app_config, jsonb_object_keys(value) k WHERE jsonb_typeof(value) = 'object';
--! r38 :many
SELECT id, email FROM users WHERE id = ANY(:ids) AND email <> ALL(:blocked);
--! r39 :many
SELECT u, i FROM unnest(:ids::uuid[]) WITH ORDINALITY AS t(u, i);
--! r40 :many
SELECT (ARRAY[1,2,3])[2:3] AS sl, ARRAY[1,2] || 3 AS app, cardinality(ARRAY['a']) AS card, array_length(ARRAY[1], 1) AS len, array_position(ARRAY['a','b'], 'b') AS pos, array_remove(ARRAY[1,2], 1) AS rem, array_cat(ARRAY[1], ARRAY[2]) AS cat;
--! r41 :many
SELECT id FROM users WHERE email IN (:a, :b, 'x') AND company_id IN (SELECT id FROM companies WHERE slug = :slug);
--! r42 :many
SELECT email, (SELECT name FROM companies c WHERE c.id = u.company_id) AS cname, (SELECT count(*) FROM user_roles ur WHERE ur.user_id = u.id) AS nroles FROM users u WHERE (SELECT count(*) FROM incident_timers t WHERE t.user_id = u.id) >= :min_timers;
--! r43 :one
INSERT INTO users (company_id, email, password_hash, user_slug, display_name) SELECT id, :email, 'x', :slug, name FROM companies WHERE slug = :company_slug RETURNING id, email, created_at, last_login_at;
--! r44 :one
INSERT INTO app_config (key, value, environment) VALUES (:key, :value, :env) ON CONFLICT (key, environment) DO UPDATE SET value = EXCLUDED.value, description = COALESCE(EXCLUDED.description, app_config.description) RETURNING id, key, value, description, (xmax = 0) AS inserted;
--! r45 :many
UPDATE users u SET display_name = c.name FROM companies c WHERE c.id = u.company_id AND c.slug = :slug RETURNING u.id, u.display_name, c.slug, u.last_login_at;
--! r46 :many
DELETE FROM user_roles ur USING roles r WHERE r.id = ur.role_id AND r.name = :role RETURNING ur.user_id, r.name, ur.created_by;
--! r47 :many
SELECT email FROM users WHERE email LIKE :p OR email ILIKE :p2 OR email SIMILAR TO :p3 OR email NOT LIKE 'x%' ESCAPE '!';
--! r48 :many
SELECT email FROM users WHERE last_login_at IS DISTINCT FROM :at AND created_at BETWEEN SYMMETRIC :a AND :b AND (company_id, email) > (:cid, :em);
--! r49 :many
SELECT DISTINCT ON (company_id) company_id, email, created_at FROM users ORDER BY company_id, created_at DESC;
--! r50 :many
SELECT * FROM (VALUES (1, 'a', NULL::int), (2, NULL, 3)) AS v(n, s, m);
--! r51 :many
SELECT g, g * 2 AS dbl FROM generate_series(1, :n) g;
--! r52 :many
SELECT d::date AS day FROM generate_series(now() - interval '7 days', now(), interval '1 day') d;
--! r53 :many
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM created_at)) AS med, percentile_disc(0.5) WITHIN GROUP (ORDER BY created_at) AS pd, mode() WITHIN GROUP (ORDER BY company_id) AS mc FROM users;
--! r54 :many
SELECT bool_or(deleted_at IS NOT NULL) AS any_del, every(last_login_at IS NULL) AS all_new, bit_or(1) AS bo, bit_and(length(email)) AS ba, 5 & 3 AS band, 5 | 3 AS bor, 5 # 3 AS bxor, ~5 AS bnot, 1 << 4 AS shl FROM users;
--! r55 :one
SELECT nextval('users_seq_demo') AS n;
--! r56 :many
SELECT id FROM users WHERE created_at > now() - :window::interval ORDER BY lower(email), created_at DESC NULLS LAST LIMIT :limit;
--! r57 :many
SELECT :x + 1 AS a, :y * length(email) AS b, coalesce(:z, email) AS c, CASE WHEN :w THEN email END AS d FROM users;
--! r58 :many
SELECT ARRAY[:a, :b]::text[] AS arr, array[id] AS ids, :t::timestamptz - created_at AS diff FROM users;
--! r59 :many
SELECT count(*) AS n, sum(length(email)) AS s, avg(length(email)) AS a, min(email) AS mi, max(created_at) AS ma, sum(extract(epoch FROM created_at)) AS se, avg(1.5::float4) AS af, sum(1::int2) AS s2, sum(1::int8) AS s8, sum(1.5::float4) AS sf4 FROM users;
--! r60 :many
SELECT c.name, x.n FROM companies c, LATERAL (SELECT count(*) AS n FROM users u WHERE u.company_id = c.id) x;

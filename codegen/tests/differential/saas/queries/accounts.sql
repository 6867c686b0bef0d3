--! a1 :one
INSERT INTO accounts (slug, name, billing_email) VALUES (:slug, :name, :billing_email) RETURNING id, slug, name, plan, billing_email, seats, created_at;
--! a2 :opt
SELECT id, slug, name, plan, billing_email, trial_ends_at, settings FROM accounts WHERE slug = :slug AND deleted_at IS NULL;
--! a3 :many
SELECT id, slug, name FROM accounts WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset;
--! a4 :many
SELECT id, slug, name, created_at FROM accounts WHERE deleted_at IS NULL AND (created_at, id) < (:after_ts, :after_id) ORDER BY created_at DESC, id DESC LIMIT :n;
--! a5 :exec
UPDATE accounts SET deleted_at = now() WHERE id = :id AND deleted_at IS NULL;
--! a6 :opt
UPDATE accounts SET deleted_at = NULL WHERE id = :id RETURNING id, deleted_at;
--! a7 :one
UPDATE accounts SET name = COALESCE(:name, name), billing_email = COALESCE(:email, billing_email) WHERE id = :id RETURNING id, name, billing_email;
--! a8 :one
UPDATE accounts SET settings = settings || jsonb_build_object('theme', :theme::text) WHERE id = :id RETURNING settings;
--! a9 :many
SELECT id, slug, settings->>'theme' AS theme, (settings->>'beta')::boolean AS beta, settings #>> '{sso,provider}' AS sso_provider, settings ? 'sso' AS has_sso FROM accounts;
--! a10 :many
SELECT id, name, CASE plan WHEN 'free' THEN 'Free' WHEN 'pro' THEN 'Professional' ELSE 'Enterprise' END AS plan_label, plan::text AS plan_code FROM accounts;
--! a11 :many
SELECT a.id, a.name, count(m.user_id) AS member_count FROM accounts a LEFT JOIN members m ON m.account_id = a.id AND m.deactivated_at IS NULL GROUP BY a.id ORDER BY member_count DESC;
--! a12 :many
SELECT a.id, a.slug, a.seats - count(m.user_id) AS seats_left FROM accounts a LEFT JOIN members m ON m.account_id = a.id GROUP BY a.id, a.slug, a.seats HAVING count(m.user_id) < a.seats;
--! a13 :many
SELECT id, slug, trial_ends_at, trial_ends_at - now() AS trial_left, trial_ends_at > now() AS in_trial, COALESCE(trial_ends_at < now(), false) AS trial_expired FROM accounts;
--! a14 :many
SELECT id, name FROM accounts WHERE plan = ANY(:plans::plan_tier[]) AND deleted_at IS NULL;
--! a15 :many
SELECT id, name FROM accounts WHERE id IN (:a, :b, :c);
--! a16 :many
SELECT id, name FROM accounts WHERE name ILIKE '%' || :q || '%' OR slug ILIKE :q || '%' ORDER BY name;
--! a17 :one
INSERT INTO accounts (slug, name, plan) VALUES (:slug, :name, :plan) ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, plan = EXCLUDED.plan RETURNING id, (xmax = 0) AS inserted;
--! a18 :opt
INSERT INTO accounts (slug, name) VALUES (:slug, :name) ON CONFLICT DO NOTHING RETURNING id;
--! a19 :many
SELECT plan, count(*) AS n, count(billing_email) AS with_email, min(created_at) AS first_at FROM accounts GROUP BY plan ORDER BY plan;
--! a20 :one
SELECT count(*) FILTER (WHERE deleted_at IS NULL) AS active, count(*) FILTER (WHERE deleted_at IS NOT NULL) AS deleted, sum(seats) AS total_seats FROM accounts;
--! a21 :many
SELECT * FROM active_accounts ORDER BY slug;
--! a22 :many
SELECT id, json_build_object('id', id, 'slug', slug, 'plan', plan) AS j FROM accounts;
--! a23 :many
SELECT to_jsonb(a) AS doc FROM accounts a WHERE a.id = :id;
--! a24 :many
SELECT row_to_json(t) AS doc FROM (SELECT id, slug FROM accounts) t;
--! a25 :many
SELECT a.id, COALESCE(jsonb_agg(jsonb_build_object('user_id', m.user_id, 'role', m.role) ORDER BY m.joined_at) FILTER (WHERE m.user_id IS NOT NULL), '[]'::jsonb) AS members FROM accounts a LEFT JOIN members m ON m.account_id = a.id GROUP BY a.id;
--! a26 :many
SELECT id, slug, format('%s (%s)', name, plan) AS label, concat(name, ' <', billing_email, '>') AS contact, name || ' <' || billing_email || '>' AS contact2 FROM accounts;
--! a27 :many
SELECT id, upper(left(name, 1)) AS initial, length(slug) AS slug_len, replace(slug, '-', '_') AS ident, split_part(billing_email, '@', 2) AS domain FROM accounts;
--! a28 :many
SELECT date_trunc('month', created_at) AS month, count(*) AS signups FROM accounts GROUP BY 1 ORDER BY 1;
--! a29 :many
SELECT d::date AS day, count(a.id) AS signups FROM generate_series(:from::date, :to::date, interval '1 day') d LEFT JOIN accounts a ON a.created_at::date = d::date GROUP BY d ORDER BY d;
--! a30 :one
UPDATE accounts SET seats = seats + :delta WHERE id = :id RETURNING seats;
--! a31 :one
UPDATE accounts SET trial_ends_at = now() + make_interval(days => :days) WHERE id = :id RETURNING trial_ends_at;
--! a32 :many
SELECT id FROM accounts WHERE trial_ends_at BETWEEN now() AND now() + interval '7 days';
--! a33 :many
SELECT id, extract(epoch FROM now() - created_at)::bigint AS age_seconds, age(now(), created_at) AS age FROM accounts;
--! a34 :many
SELECT a.id, a.slug FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.account_id = a.id AND m.role = 'owner');
--! a35 :many
SELECT a.id, (SELECT count(*) FROM api_keys k WHERE k.account_id = a.id AND k.revoked_at IS NULL) AS live_keys, (SELECT max(occurred_at) FROM audit_log l WHERE l.account_id = a.id) AS last_activity FROM accounts a;
--! a36 :many
SELECT a.id, last.action, last.occurred_at FROM accounts a LEFT JOIN LATERAL (SELECT action, occurred_at FROM audit_log l WHERE l.account_id = a.id ORDER BY occurred_at DESC LIMIT 1) last ON true;
--! a37 :many
SELECT a.id, last.action FROM accounts a CROSS JOIN LATERAL (SELECT action FROM audit_log l WHERE l.account_id = a.id ORDER BY occurred_at DESC LIMIT 1) last;
--! a38 :exec
UPDATE accounts AS a SET plan = v.plan::plan_tier FROM (VALUES (1::bigint, 'pro'), (2, 'free')) AS v(id, plan) WHERE a.id = v.id;
--! a39 :many
UPDATE accounts AS a SET seats = v.seats FROM (VALUES (:id1::bigint, :s1::int), (:id2, :s2)) AS v(id, seats) WHERE a.id = v.id RETURNING a.id, a.seats;
--! a40 :many
DELETE FROM api_keys k USING accounts a WHERE a.id = k.account_id AND a.deleted_at IS NOT NULL RETURNING k.id, k.label, a.slug;
--! a41 :one
SELECT round(avg(seats), 2) AS avg_seats, round(avg(seats)::numeric, 1)::float8 AS avg_f, percentile_cont(0.5) WITHIN GROUP (ORDER BY seats) AS median FROM accounts;
--! a42 :many
SELECT id, greatest(seats, 5) AS min5, least(seats, :cap) AS capped, nullif(billing_email, '') AS email FROM accounts;
--! a43 :one
SELECT EXISTS (SELECT 1 FROM accounts WHERE slug = :slug) AS taken;
--! a44 :many
SELECT DISTINCT ON (plan) plan, id, name FROM accounts ORDER BY plan, created_at DESC;
--! a45 :many
SELECT id, jsonb_object_keys(settings) AS key FROM accounts;
--! a46 :many
SELECT a.id, s.key, s.value FROM accounts a, jsonb_each_text(a.settings) s;
--! a47 :one
UPDATE accounts SET settings = settings - :key WHERE id = :id RETURNING settings;
--! a48 :one
UPDATE accounts SET settings = jsonb_set(settings, '{beta}', to_jsonb(:beta::boolean)) WHERE id = :id RETURNING settings->'beta' AS beta;

--! l1 :one
INSERT INTO audit_log (account_id, actor_id, action, target_type, target_id, payload, ip) VALUES (:account_id, :actor_id, :action, :target_type, :target_id, :payload, :ip) RETURNING id, occurred_at;
--! l2 :many
SELECT id, action, payload, occurred_at FROM audit_log WHERE account_id = :account_id AND occurred_at >= :since ORDER BY occurred_at DESC, id DESC LIMIT 50;
--! l3 :many
SELECT id, action FROM audit_log WHERE account_id = :account_id AND id < :before_id ORDER BY id DESC LIMIT :page_size;
--! l4 :many
SELECT id, payload->>'role' AS role, payload->'tags' AS tags, jsonb_typeof(payload) AS kind, payload @> '{"role":"member"}' AS is_member_event FROM audit_log;
--! l5 :many
SELECT l.id, l.action, u.email AS actor_email, a.slug AS account_slug FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id LEFT JOIN accounts a ON a.id = l.account_id ORDER BY l.occurred_at DESC;
--! l6 :many
SELECT action, count(*) AS n, count(DISTINCT actor_id) AS actors, max(occurred_at) AS last_at FROM audit_log GROUP BY action HAVING count(*) >= :min ORDER BY n DESC;
--! l7 :many
SELECT date_trunc('day', occurred_at)::date AS day, action, count(*) AS n FROM audit_log WHERE occurred_at > now() - interval '30 days' GROUP BY 1, 2 ORDER BY 1, 2;
--! l8 :many
SELECT h.hour, count(l.id) AS events FROM generate_series(date_trunc('hour', now()) - interval '23 hours', date_trunc('hour', now()), interval '1 hour') AS h(hour) LEFT JOIN audit_log l ON date_trunc('hour', l.occurred_at) = h.hour GROUP BY h.hour ORDER BY h.hour;
--! l9 :many
SELECT id, host(ip) AS ip_text, family(ip) AS fam, ip << '10.0.0.0/8'::inet AS internal FROM audit_log;
--! l10 :exec
DELETE FROM audit_log WHERE occurred_at < now() - make_interval(days => :retention_days);
--! l11 :many
SELECT id, action FROM audit_log WHERE payload ? :key;
--! l12 :many
SELECT id, e.value AS tag FROM audit_log, jsonb_array_elements_text(payload->'tags') AS e(value);
--! l13 :many
SELECT id, jsonb_array_length(payload->'tags') AS ntags, jsonb_pretty(payload) AS pretty FROM audit_log WHERE payload IS NOT NULL;
--! l14 :many
SELECT DISTINCT ON (actor_id) actor_id, action, occurred_at FROM audit_log WHERE actor_id IS NOT NULL ORDER BY actor_id, occurred_at DESC;
--! l15 :many
SELECT target_type, target_id, string_agg(action, ' > ' ORDER BY occurred_at) AS trail FROM audit_log GROUP BY target_type, target_id;
--! l16 :many
SELECT id, COALESCE(target_type || ':' || target_id, '-') AS target, concat_ws(':', target_type, target_id) AS target2 FROM audit_log;
--! l17 :many
SELECT id, to_char(occurred_at, 'YYYY-MM-DD HH24:MI') AS at_text, extract(hour FROM occurred_at) AS hr, occurred_at::time AS t FROM audit_log;
--! l18 :many
SELECT l.* FROM audit_log l WHERE l.occurred_at::date = :day::date;
--! l19 :many
SELECT id, action FROM audit_log WHERE occurred_at >= :from::timestamptz AND occurred_at < :to::timestamptz + interval '1 day';
--! l20 :many
SELECT jsonb_build_object('id', id, 'action', action, 'at', occurred_at, 'payload', COALESCE(payload, '{}'::jsonb)) AS event FROM audit_log ORDER BY id;
--! l21 :one
SELECT jsonb_agg(to_jsonb(l) - 'ip') AS events FROM audit_log l WHERE l.account_id = :account_id;
--! l22 :many
SELECT k.id, k.label, k.prefix, k.scopes, cardinality(k.scopes) AS nscopes, 'write' = ANY(k.scopes) AS can_write FROM api_keys k WHERE k.account_id = :account_id AND k.revoked_at IS NULL;
--! l23 :one
INSERT INTO api_keys (account_id, label, prefix, scopes) VALUES (:account_id, :label, :prefix, :scopes) RETURNING id, prefix, scopes;
--! l24 :opt
UPDATE api_keys SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL RETURNING id, revoked_at;
--! l25 :many
SELECT k.id, array_to_string(k.scopes, ',') AS scope_list, k.scopes || :extra::text AS more, array_remove(k.scopes, 'write') AS ro FROM api_keys k;
--! l26 :many
SELECT s AS scope, count(*) AS keys FROM api_keys, unnest(scopes) AS s GROUP BY s ORDER BY keys DESC;
--! l27 :many
SELECT i.id, i.email, i.role, i.expires_at < now() AS expired, u.email AS invited_by_email FROM invitations i LEFT JOIN users u ON u.id = i.invited_by WHERE i.account_id = :account_id AND i.accepted_at IS NULL;
--! l28 :one
INSERT INTO invitations (account_id, email, role, token, invited_by, expires_at) VALUES (:account_id, lower(:email), :role, md5(random()::text), :invited_by, now() + interval '7 days') RETURNING id, token, expires_at;
--! l29 :opt
UPDATE invitations SET accepted_at = now() WHERE token = :token AND accepted_at IS NULL AND expires_at > now() RETURNING account_id, email, role;
--! l30 :many
SELECT account_id, count(*) FILTER (WHERE accepted_at IS NOT NULL) AS accepted, count(*) FILTER (WHERE accepted_at IS NULL AND expires_at < now()) AS expired, round(100.0 * count(*) FILTER (WHERE accepted_at IS NOT NULL) / count(*), 1) AS accept_rate FROM invitations GROUP BY account_id;
--! l31 :exec
DELETE FROM invitations WHERE expires_at < now() AND accepted_at IS NULL;
--! l32 :many
SELECT i.id, i.email FROM invitations i WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.email = i.email);
--! l33 :many
SELECT id, email, expires_at, date_part('day', expires_at - now()) AS days_left, justify_interval(expires_at - created_at) AS validity FROM invitations;
--! l34 :one
INSERT INTO invitations (account_id, email, token, expires_at) VALUES (:account_id, :email, :token, :expires_at) ON CONFLICT (token) DO NOTHING RETURNING id;
--! l35 :many
SELECT nextval('invitations_id_seq') AS next_id, currval('invitations_id_seq') AS cur;

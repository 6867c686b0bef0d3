--! t1 :many
SELECT t.id, t.name, t.color, count(pt.post_id) AS uses FROM tags t LEFT JOIN post_tags pt ON pt.tag_id = t.id GROUP BY t.id ORDER BY uses DESC, t.name;
--! t2 :one
INSERT INTO tags (name) VALUES (lower(trim(:name))) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id, name;
--! t3 :exec
INSERT INTO post_tags (post_id, tag_id) SELECT :post_id, unnest(:tag_ids::int[]) ON CONFLICT DO NOTHING;
--! t4 :exec
DELETE FROM post_tags WHERE post_id = :post_id AND tag_id <> ALL(:keep::int[]);
--! t5 :many
SELECT p.id, p.title, array_agg(t.name ORDER BY t.name) AS tags FROM posts p JOIN post_tags pt ON pt.post_id = p.id JOIN tags t ON t.id = pt.tag_id GROUP BY p.id, p.title;
--! t6 :many
SELECT p.id, array_remove(array_agg(t.name), NULL) AS tags, string_agg(DISTINCT t.name, ',') AS tag_csv FROM posts p LEFT JOIN post_tags pt ON pt.post_id = p.id LEFT JOIN tags t ON t.id = pt.tag_id GROUP BY p.id;
--! t7 :many
SELECT p.id, p.slug FROM posts p JOIN post_tags pt ON pt.post_id = p.id JOIN tags t ON t.id = pt.tag_id WHERE t.name = ANY(:tags::text[]) GROUP BY p.id, p.slug HAVING count(DISTINCT t.id) = cardinality(:tags::text[]);
--! t8 :many
SELECT t.name, COALESCE(t.color, '#cccccc') AS color, upper(t.color) AS upper_color FROM tags t;
--! t9 :many
SELECT a.name AS tag_a, b.name AS tag_b, count(*) AS together FROM post_tags x JOIN post_tags y ON x.post_id = y.post_id AND x.tag_id < y.tag_id JOIN tags a ON a.id = x.tag_id JOIN tags b ON b.id = y.tag_id GROUP BY a.name, b.name;
--! t10 :many
SELECT t.id, t.name FROM tags t WHERE EXISTS (SELECT 1 FROM post_tags pt JOIN posts p ON p.id = pt.post_id WHERE pt.tag_id = t.id AND p.status = 'published');
--! c1 :one
INSERT INTO comments (post_id, parent_id, author_name, body) VALUES (:post_id, :parent_id, :author_name, :body) RETURNING id, created_at, parent_id;
--! c2 :many
WITH RECURSIVE thread AS (SELECT c.id, c.parent_id, c.body, c.created_at, 0 AS depth, ARRAY[c.id] AS path FROM comments c WHERE c.post_id = :post_id AND c.parent_id IS NULL UNION ALL SELECT c.id, c.parent_id, c.body, c.created_at, t.depth + 1, t.path || c.id FROM comments c JOIN thread t ON c.parent_id = t.id) SELECT id, parent_id, body, depth, path FROM thread ORDER BY path;
--! c3 :many
WITH RECURSIVE ancestors AS (SELECT id, parent_id, 1 AS lvl FROM comments WHERE id = :id UNION ALL SELECT c.id, c.parent_id, a.lvl + 1 FROM comments c JOIN ancestors a ON c.id = a.parent_id) SELECT id, parent_id, lvl FROM ancestors;
--! c4 :many
SELECT c.id, c.body, COALESCE(c.author_name, au.display_name, 'anonymous') AS who, c.author_id IS NOT NULL AS is_author FROM comments c LEFT JOIN authors au ON au.id = c.author_id WHERE c.post_id = :post_id AND NOT c.hidden ORDER BY c.created_at;
--! c5 :many
SELECT c.id, c.body, (SELECT count(*) FROM comments r WHERE r.parent_id = c.id) AS replies FROM comments c WHERE c.parent_id IS NULL;
--! c6 :many
SELECT p.id, p.title, count(c.id) AS comments, count(c.id) FILTER (WHERE c.hidden) AS hidden, max(c.created_at) AS last_comment_at FROM posts p LEFT JOIN comments c ON c.post_id = p.id GROUP BY p.id, p.title;
--! c7 :opt
UPDATE comments SET body = :body, edited_at = now() WHERE id = :id AND created_at > now() - interval '15 minutes' RETURNING id, edited_at;
--! c8 :exec
UPDATE comments SET hidden = true WHERE id = ANY(:ids::bigint[]);
--! c9 :many
DELETE FROM comments c USING posts p WHERE p.id = c.post_id AND p.status = 'archived' RETURNING c.id, p.slug;
--! c10 :many
SELECT c.id, c.score, sum(c.score) OVER (PARTITION BY c.post_id) AS post_score, dense_rank() OVER (PARTITION BY c.post_id ORDER BY c.score DESC) AS rnk, first_value(c.id) OVER (PARTITION BY c.post_id ORDER BY c.score DESC) AS top_id FROM comments c;
--! c11 :many
SELECT p.id, top.id AS top_comment_id, top.body AS top_comment FROM posts p LEFT JOIN LATERAL (SELECT c.id, c.body FROM comments c WHERE c.post_id = p.id AND NOT c.hidden ORDER BY c.score DESC LIMIT 1) top ON true;
--! c12 :many
SELECT c.id, c.parent_id, parent.body AS parent_body, parent.author_name AS parent_author FROM comments c LEFT JOIN comments parent ON parent.id = c.parent_id;
--! c13 :many
SELECT c.id, c.edited_at IS NOT NULL AS edited, c.edited_at - c.created_at AS edit_delay, GREATEST(c.created_at, c.edited_at) AS last_change FROM comments c;
--! c14 :many
SELECT c.post_id, json_agg(json_build_object('id', c.id, 'body', c.body, 'parent', c.parent_id) ORDER BY c.created_at) AS thread FROM comments c GROUP BY c.post_id;
--! c15 :many
SELECT row_to_json(c) AS j, jsonb_strip_nulls(to_jsonb(c)) AS compact FROM comments c WHERE c.post_id = :post_id;
--! c16 :many
SELECT c.id, CASE WHEN c.score > 0 THEN 'up' WHEN c.score < 0 THEN 'down' ELSE 'neutral' END AS mood, sign(c.score) AS sgn, abs(c.score) AS mag FROM comments c;
--! c17 :many
SELECT c.id, c.body FROM comments c WHERE c.body ILIKE ANY(ARRAY['%great%', '%nice%']) AND c.created_at > :after;
--! c18 :many
SELECT date_trunc('day', created_at) AS day, count(*) AS n, avg(score)::float8 AS avg_score FROM comments GROUP BY 1 HAVING avg(score) > :min_avg ORDER BY 1;
--! c19 :one
SELECT count(*) AS n FROM comments WHERE post_id = :post_id AND (hidden = false OR :include_hidden::boolean);
--! c20 :many
WITH RECURSIVE tree AS (SELECT id, parent_id, body::text AS thread_text FROM comments WHERE parent_id IS NULL UNION ALL SELECT c.id, c.parent_id, tree.thread_text || ' / ' || c.body FROM comments c JOIN tree ON tree.id = c.parent_id) SELECT id, thread_text FROM tree;
--! c21 :many
SELECT id, body, lead(id) OVER (ORDER BY created_at) AS next_id, lead(id, 1, 0::bigint) OVER (ORDER BY created_at) AS next_or_zero FROM comments;
--! c22 :many
SELECT p.slug, c.id FROM posts p, LATERAL unnest(ARRAY(SELECT id FROM comments WHERE post_id = p.id)) AS c(id);
--! c23 :many
SELECT p.id, ARRAY(SELECT c.id FROM comments c WHERE c.post_id = p.id ORDER BY c.id) AS comment_ids FROM posts p;
--! c24 :exec
INSERT INTO comments (post_id, author_id, body) SELECT p.id, p.author_id, 'Welcome to ' || p.title FROM posts p WHERE p.id = :id;
--! c25 :many
SELECT a.handle, COALESCE(stats.n, 0) AS comments_written FROM authors a LEFT JOIN (SELECT author_id, count(*) AS n FROM comments WHERE author_id IS NOT NULL GROUP BY author_id) stats ON stats.author_id = a.id;

--! p1 :one
INSERT INTO posts (author_id, slug, title, body) VALUES (:author_id, :slug, :title, :body) RETURNING id, slug, status, published_at;
--! p2 :opt
SELECT p.id, p.slug, p.title, p.subtitle, p.body, p.published_at, a.handle, a.display_name FROM posts p JOIN authors a ON a.id = p.author_id WHERE p.slug = :slug AND p.status = 'published';
--! p3 :many
SELECT id, slug, title, published_at FROM posts WHERE status = 'published' ORDER BY published_at DESC LIMIT :limit OFFSET :offset;
--! p4 :many
SELECT id, slug, title, published_at FROM posts WHERE status = 'published' AND (published_at, id) < (:cursor_at, :cursor_id) ORDER BY published_at DESC, id DESC LIMIT 20;
--! p5 :opt
UPDATE posts SET status = 'published', published_at = COALESCE(published_at, now()) WHERE id = :id AND status = 'draft' RETURNING id, published_at;
--! p6 :one
UPDATE posts SET title = :title, body = :body, updated_at = now() WHERE id = :id RETURNING id, title, updated_at, search;
--! p7 :many
SELECT id, title, ts_rank(search, plainto_tsquery('english', :q)) AS rank FROM posts WHERE search @@ plainto_tsquery('english', :q) ORDER BY rank DESC;
--! p8 :many
SELECT id, title, ts_headline('english', body, websearch_to_tsquery('english', :q)) AS snippet FROM posts WHERE to_tsvector('english', body) @@ websearch_to_tsquery('english', :q);
--! p9 :many
SELECT id, title FROM posts WHERE title ILIKE '%' || :q || '%' OR subtitle ILIKE '%' || :q || '%';
--! p10 :many
SELECT id, ts_rank_cd(search, to_tsquery('english', :q)) AS r, search @@ to_tsquery(:q) AS hit, numnode(to_tsquery(:q)) AS n FROM posts;
--! p11 :many
SELECT id, slug, regexp_replace(lower(title), '[^a-z0-9]+', '-', 'g') AS suggested_slug, slug ~ '^[a-z0-9-]+$' AS valid_slug FROM posts;
--! p12 :many
SELECT p.id, p.title, COALESCE(p.subtitle, left(p.body, 40) || '…') AS teaser, COALESCE(p.reading_minutes, ceil(length(p.body) / 1000.0)::int) AS minutes FROM posts p;
--! p13 :many
SELECT status, count(*) AS n FROM posts GROUP BY status;
--! p14 :many
SELECT id, title, CASE status WHEN 'draft' THEN 'Draft' WHEN 'published' THEN 'Live' WHEN 'archived' THEN 'Archived' END AS badge FROM posts;
--! p15 :many
SELECT a.handle, count(p.id) AS posts, sum(p.view_count) AS views, max(p.published_at) AS last_published FROM authors a LEFT JOIN posts p ON p.author_id = a.id GROUP BY a.handle ORDER BY views DESC NULLS LAST;
--! p16 :many
SELECT a.handle, count(*) AS n FROM authors a JOIN posts p ON p.author_id = a.id WHERE p.status = 'published' GROUP BY a.handle HAVING count(*) >= :min;
--! p17 :many
SELECT * FROM (SELECT p.author_id, p.id, p.title, p.view_count, row_number() OVER (PARTITION BY p.author_id ORDER BY p.view_count DESC) AS rn FROM posts p) ranked WHERE rn <= :n;
--! p18 :many
SELECT id, title, view_count, sum(view_count) OVER (ORDER BY published_at) AS running, round(100.0 * view_count / sum(view_count) OVER (), 2) AS pct FROM posts WHERE status = 'published';
--! p19 :many
SELECT id, title, meta->>'cover' AS cover, COALESCE((meta->>'featured')::bool, false) AS featured FROM posts;
--! p20 :many
SELECT json_build_object('id', p.id, 'title', p.title, 'author', json_build_object('handle', a.handle, 'name', a.display_name), 'tags', COALESCE((SELECT json_agg(t.name ORDER BY t.name) FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id), '[]'::json)) AS doc FROM posts p JOIN authors a ON a.id = p.author_id;
--! p21 :many
SELECT p.id, jsonb_build_object('slug', p.slug, 'published', p.published_at) AS j, to_jsonb(p.published_at) AS pj FROM posts p;
--! p22 :exec
UPDATE posts SET view_count = view_count + 1 WHERE slug = :slug;
--! p23 :many
UPDATE posts p SET view_count = p.view_count + v.n FROM (VALUES (:slug1::text, :n1::bigint), (:slug2, :n2)) AS v(slug, n) WHERE p.slug = v.slug RETURNING p.id, p.view_count;
--! p24 :many
DELETE FROM posts p USING authors a WHERE a.id = p.author_id AND a.handle = :handle AND p.status = 'draft' RETURNING p.id, p.slug, a.display_name;
--! p25 :many
SELECT date_trunc('week', published_at) AS week, count(*) AS n FROM posts WHERE published_at IS NOT NULL GROUP BY 1 ORDER BY 1;
--! p26 :many
SELECT d::date AS day, COALESCE(sum(v.views), 0) AS views FROM generate_series(current_date - 6, current_date, '1 day'::interval) d LEFT JOIN page_views v ON v.viewed_on = d::date GROUP BY d ORDER BY d;
--! p27 :many
SELECT p.id, p.title, COALESCE(sum(v.views), 0)::bigint AS views_7d FROM posts p LEFT JOIN page_views v ON v.post_id = p.id AND v.viewed_on > current_date - 7 GROUP BY p.id, p.title;
--! p28 :one
INSERT INTO page_views (post_id, viewed_on, views, referrer) VALUES (:post_id, current_date, 1, :referrer) ON CONFLICT (post_id, viewed_on) DO UPDATE SET views = page_views.views + 1 RETURNING views;
--! p29 :many
SELECT viewed_on, referrer, views, COALESCE(referrer, 'direct') AS source FROM page_views WHERE post_id = :post_id AND viewed_on BETWEEN :from::date AND :to::date;
--! p30 :many
SELECT id, published_at, now() - published_at AS age, published_at + interval '30 days' AS expires, (published_at + interval '30 days') < now() AS stale FROM posts;
--! p31 :many
SELECT id, extract(year FROM published_at)::int AS year, to_char(published_at, 'Mon DD, YYYY') AS pretty_date FROM posts;
--! p32 :many
SELECT id FROM posts WHERE published_at >= :since::date AND status <> 'archived';
--! p33 :many
SELECT DISTINCT ON (author_id) author_id, id, title, published_at FROM posts WHERE status = 'published' ORDER BY author_id, published_at DESC;
--! p34 :many
SELECT a.id, a.handle, latest.title, latest.published_at FROM authors a LEFT JOIN LATERAL (SELECT title, published_at FROM posts p WHERE p.author_id = a.id ORDER BY published_at DESC NULLS LAST LIMIT 1) latest ON true;
--! p35 :many
SELECT id, slug FROM posts WHERE id = ANY(:ids::bigint[]) ORDER BY array_position(:ids::bigint[], id);
--! p36 :many
SELECT p.id FROM posts p WHERE p.status IN ('published', 'archived') AND p.author_id IN (:a1, :a2);
--! p37 :many
SELECT a.handle, a.display_name, a.bio, COALESCE(a.website, 'https://example.com/' || a.handle) AS url FROM authors a ORDER BY a.handle;
--! p38 :one
INSERT INTO authors (handle, display_name, bio) VALUES (:handle, :name, :bio) ON CONFLICT (handle) DO UPDATE SET display_name = EXCLUDED.display_name RETURNING id, handle, bio;
--! p39 :many
SELECT p.id, p.title, length(p.body) AS chars, array_length(regexp_split_to_array(p.body, '\s+'), 1) AS words, round(length(p.body)::numeric / 5, 1) AS est FROM posts p;
--! p40 :many
SELECT id, to_tsvector('simple', title) AS tv, setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', coalesce(subtitle, '')), 'B') AS weighted FROM posts;
--! p41 :many
SELECT p.id, p.title FROM posts p WHERE NOT EXISTS (SELECT 1 FROM post_tags pt WHERE pt.post_id = p.id);
--! p42 :many
SELECT p.id, p.title, p.reading_minutes * 60 AS secs, p.reading_minutes::numeric / 60 AS hours FROM posts p;
--! p43 :one
SELECT count(*) AS total, count(*) FILTER (WHERE status = 'published') AS live, avg(view_count)::numeric(10,2) AS avg_views, max(reading_minutes) AS longest FROM posts;
--! p44 :many
WITH new_post AS (INSERT INTO posts (author_id, slug, title, body, status, published_at) VALUES (:author_id, :slug, :title, :body, 'published', now()) RETURNING id, author_id, slug) SELECT np.id, np.slug, a.handle FROM new_post np JOIN authors a ON a.id = np.author_id;
--! p45 :many
SELECT p.id, p.title, p.view_count, ntile(4) OVER (ORDER BY p.view_count) AS quartile, percent_rank() OVER (ORDER BY p.view_count) AS pr FROM posts p;

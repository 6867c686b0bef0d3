--! t1 :many
SELECT id FROM orders WHERE total > :x AND total < :y + 1;
--! t2 :many
SELECT :a + weight_g AS s, weight_g - :b AS d, :c * rating AS m FROM products;
--! t3 :many
SELECT id FROM products WHERE :d BETWEEN 1 AND weight_g;
--! t4 :many
SELECT coalesce(:a, 0) + 1 AS x;
--! t5 :many
SELECT CASE :k WHEN 1 THEN 'a' ELSE 'b' END AS c;
--! t6 :many
SELECT id FROM orders WHERE placed_at >= :since - interval '1 day' AND shipped_at < :until;
--! t7 :many
SELECT array_agg(x) AS xs FROM unnest(ARRAY[1, NULL, 3]) x;
--! t8 :many
SELECT (SELECT max(qty) FROM order_items) + 1 AS m, (SELECT count(*) FROM order_items WHERE qty > 100) AS c;
--! t9 :many
SELECT c.name, o.id AS oid, i.qty FROM customers c LEFT JOIN orders o ON o.customer_id = c.id LEFT JOIN order_items i ON i.order_id = o.id;
--! t10 :many
SELECT c.name, o.id FROM customers c JOIN orders o ON o.customer_id = c.id RIGHT JOIN order_items i ON i.order_id = o.id;
--! t11 :many
SELECT o.id, x.n FROM orders o LEFT JOIN LATERAL (SELECT count(*) AS n FROM order_items i WHERE i.order_id = o.id) x ON true;
--! t12 :many
SELECT o.id, x.q FROM orders o LEFT JOIN (SELECT order_id, sum(qty) AS q FROM order_items GROUP BY order_id) x ON x.order_id = o.id;
--! t13 :many
SELECT sum(qty) OVER (PARTITION BY order_id) AS s, max(discount) OVER () AS md, row_number() OVER () AS rn FROM order_items;
--! t14 :many
SELECT jsonb_agg(i) AS items, json_object_agg(product_id, qty) AS m, jsonb_build_array(order_id, qty) AS arr FROM order_items i GROUP BY order_id, qty;
--! t15 :many
SELECT to_json(o) AS j, row_to_json(o) AS rj, jsonb_strip_nulls(to_jsonb(o)) AS sj FROM orders o;
--! t16 :many
SELECT prefs -> 'k' AS k, prefs -> 0 AS first, prefs ->> 0 AS firsts, prefs #> :path AS p, coalesce(prefs ->> 'k', 'none') AS kk, (prefs ->> 'k')::int + 1 AS ki, jsonb_array_length(prefs -> 'a') AS alen, prefs IS NULL AS none FROM customers;
--! t17 :many
SELECT jsonb_path_query_array(attrs, '$.c') AS pq, jsonb_path_exists(attrs, '$.c') AS pe, attrs @? '$.c' AS q, jsonb_extract_path_text(attrs, 'c') AS ep FROM products;
--! t18 :many
SELECT tags[1] AS t1, tags[2:] AS rest, array_position(tags, :t) AS pos, :t = ANY(tags) AS has, tags @> ARRAY[:t] AS has2, array_to_string(tags, ',', '*') AS joined, array_length(tags, 1) AS n FROM customers;
--! t19 :many
SELECT id, unnest(dims) AS d FROM products;
--! t20 :many
SELECT count(*) FILTER (WHERE qty > 1) AS big, sum(qty) FILTER (WHERE discount IS NOT NULL) AS dq, array_agg(DISTINCT product_id ORDER BY product_id) AS pids, string_agg(qty::text, '+' ORDER BY qty DESC) AS expr, min(unit_price) AS minp FROM order_items;
--! t21 :many
SELECT x, y FROM (VALUES (1, 'a')) AS t(x, y) CROSS JOIN LATERAL (SELECT x * 2 AS z) s;
--! t22 :many
SELECT date_part('epoch', placed_at) AS ep, extract(epoch FROM placed_at) AS ex, extract(day FROM interval '3 days') AS di, extract(year FROM current_date) AS yd, date_trunc('hour', interval '3 hours 20 min') AS ti, to_char(interval '1 hour', 'HH24') AS tc FROM orders;
--! t23 :many
SELECT make_timestamp(2020, 1, 2, 3, 4, 5.5) AS ts, make_time(1, 2, 3) AS t, make_interval(days => :d) AS i, now() + make_interval(mins => :m) AS later, timezone('UTC', now()) AS tz, now()::timestamp AS ts2, current_time AS ct, localtime AS lt;
--! t24 :many
SELECT placed_at - :t AS since, :t2 - placed_at AS until, placed_at + :iv AS later, :dd + 1 AS nextday FROM orders;
--! t25 :many
SELECT lpad(id::text, 6, '0') AS padded, rpad(sku, 5) AS rp, left(title, :n) AS l, substring(title, :s, :len) AS sub, split_part(sku, '-', :i) AS part, overlay(sku placing 'X' from 1 for 1) AS ov, sku || id AS mixed, id || sku AS mixed2, title || NULL AS nul FROM products;
--! t26 :many
SELECT format('%L', :v::text) AS f, concat(:a::text, :b::int) AS c, concat_ws(:sep, 'a', 'b') AS cw, string_agg(sku, :sep2) AS sa FROM products;
--! t27 :many
SELECT regexp_replace(title, :re, :rep) AS r, title ~* :re2 AS m, regexp_count(title, 'P') AS rc, regexp_substr(title, 'P.') AS rs, regexp_like(title, 'p', 'i') AS rl FROM products;
--! t28 :many
SELECT 1 = 1 IS TRUE AS t, NULL::bool IS NOT FALSE AS nf, (weight_g > 5) IS UNKNOWN AS u, weight_g IS DISTINCT FROM 5 AS d, weight_g IS NOT DISTINCT FROM :w AS nd FROM products;
--! t29 :many
SELECT id FROM products WHERE weight_g = ANY(ARRAY[:a, :b]) OR id = ANY('{1,2}') OR sku = ALL(:skus);
--! t30 :many
SELECT weight_g::int4 + 1 AS a, weight_g + 1::int2 AS b, weight_g * 1.0 AS c, weight_g / 3 AS d, weight_g % 2 AS e, 1::int8 / weight_g AS f, rating + weight_g AS g, rating::float4 AS h, abs(weight_g) AS i, weight_g & 1 AS j FROM products;
--! t31 :many
SELECT sum(weight_g) AS a, avg(weight_g) AS b, sum(rating) AS c, avg(rating) AS d, sum(id) AS e, sum(cost) AS f, max(cost) AS g, min(available) AS h, max(labels) AS i, count(labels) AS j, bit_xor(id) AS k FROM products;
--! t32 :many
SELECT status, count(*) FROM orders GROUP BY status HAVING count(*) > :n ORDER BY count(*) DESC;
--! t33 :many
SELECT o.customer_id, COUNT(*) AS orders, SUM(t.amount) AS spent FROM orders o JOIN order_totals t USING (id) GROUP BY o.customer_id;
--! t34 :many
SELECT * FROM order_totals;
--! t35 :many
WITH t AS (SELECT customer_id, sum(total) AS s FROM orders GROUP BY customer_id) SELECT c.name, t.s, rank() OVER (ORDER BY t.s DESC NULLS LAST) AS r FROM customers c LEFT JOIN t ON t.customer_id = c.id;
--! t36 :many
WITH del AS (DELETE FROM order_items WHERE order_id = :oid RETURNING *) SELECT product_id, qty, discount FROM del;
--! t37 :many
WITH RECURSIVE tree(id, path) AS (SELECT id, ARRAY[id] FROM customers WHERE id = 1 UNION ALL SELECT c.id, tree.path || c.id FROM customers c JOIN tree ON c.id = tree.id + 1) SELECT id, path, cardinality(path) AS depth FROM tree;
--! t38 :many
SELECT 'a' AS x UNION ALL SELECT NULL;
--! t39 :many
SELECT NULL AS x UNION SELECT 1;
--! t40 :many
SELECT 1.5::float4 AS x UNION SELECT 2::numeric;
--! t41 :many
SELECT now() AS x UNION SELECT '2020-01-01';
--! t42 :many
SELECT placed_at FROM orders UNION SELECT shipped_at FROM orders;
--! t43 :many
SELECT id FROM orders WHERE id IN (SELECT order_id FROM order_items) AND NOT (id = ANY(SELECT order_id FROM order_items WHERE qty > 5));
--! t44 :one
UPDATE customers SET balance = balance + :amt, score = :score, prefs = prefs || jsonb_build_object('k', :k::int) WHERE id = :id RETURNING balance, score, prefs, full_label;
--! t45 :one
INSERT INTO products (sku, title, cost, weight_g, dims, labels, available) VALUES (:sku, :title, :cost, :w, :dims, :labels, tstzrange(now(), NULL)) RETURNING *;
--! t46 :one
INSERT INTO customers (email, name, balance) VALUES (:email, :name, :bal) ON CONFLICT (email) WHERE active DO UPDATE SET name = EXCLUDED.name, balance = customers.balance + EXCLUDED.balance RETURNING id, name, balance, nick;
--! t47 :many
UPDATE order_items i SET unit_price = p.cost FROM products p WHERE p.id = i.product_id AND p.cost IS NOT NULL RETURNING i.order_id, p.sku, i.unit_price, p.weight_g;
--! t48 :many
DELETE FROM orders o USING customers c WHERE c.id = o.customer_id AND NOT c.active RETURNING o.id, c.email, o.note;
--! t49 :many
SELECT c.id, o.id AS order_id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.id IS NULL;
--! t50 :many
SELECT x FROM generate_series(:a::int, :b) x ORDER BY x DESC LIMIT :lim;

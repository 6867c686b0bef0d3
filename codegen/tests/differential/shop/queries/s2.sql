--! s31 :many
SELECT 1::int2 + 1::int2 AS a, 1::int2 * 2 AS b, 1::int8 + 1.5 AS c, 1::float4 + 1::int4 AS d, 1::numeric * 1::int8 AS e, 1.5::float4 / 2::float4 AS f, 2::int2 / 1::int8 AS g, -1::numeric AS h;
--! s32 :many
SELECT weight_g + 1 AS w1, weight_g * weight_g AS w2, weight_g + rating AS w3, rating * 2 AS r2, rating::numeric(5,1) AS rn, weight_g::text || 'g' AS wt, weight_g / 2.0 AS w4 FROM products;
--! s33 :many
SELECT CASE status WHEN 'new' THEN 0 WHEN 'paid' THEN 1.5 ELSE NULL END AS code, CASE WHEN note IS NULL THEN 'none' ELSE note END AS n, CASE WHEN total > 0 THEN total END AS t FROM orders;
--! s34 :many
SELECT customer_id, status, count(*) AS n, sum(total) AS s, grouping(customer_id, status) AS g FROM orders GROUP BY GROUPING SETS ((customer_id, status), (customer_id), ());
--! s35 :many
SELECT status, count(*) FROM orders GROUP BY ROLLUP (status);
--! s36 :many
SELECT placed_at::date AS d, count(*) FILTER (WHERE status = 'paid') AS paid, avg(total) FILTER (WHERE total > 0) AS avg_pos, array_agg(id ORDER BY placed_at DESC) AS ids FROM orders GROUP BY 1 ORDER BY 1;
--! s37 :many
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i, i * 1.5 AS f FROM n;
--! s38 :many
WITH ins AS (INSERT INTO customers (email, name) VALUES (:e, :n) RETURNING id, email), o AS (INSERT INTO orders (customer_id) SELECT id FROM ins RETURNING id, customer_id, placed_at) SELECT ins.email, o.id, o.placed_at FROM ins JOIN o ON o.customer_id = ins.id;
--! s39 :many
SELECT name FROM customers UNION SELECT title FROM products UNION SELECT nick FROM customers;
--! s40 :many
SELECT id::int8 AS id, score AS v FROM customers UNION ALL SELECT id, rating FROM products UNION ALL SELECT 1, 1;
--! s41 :many
SELECT balance FROM customers UNION SELECT cost FROM products;
--! s42 :many
SELECT nick FROM customers UNION ALL SELECT sku FROM products;
--! s43 :many
SELECT weight_g FROM products UNION SELECT 1 UNION SELECT 2::bigint;
--! s44 :many
SELECT email FROM customers EXCEPT ALL SELECT email FROM active_customers;
--! s45 :many
SELECT c.*, o.status FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.status = 'paid';
--! s46 :many
SELECT o.* FROM orders o WHERE o.ship_to IS NOT NULL;
--! s47 :many
SELECT p.id, p.title, coalesce(sum(i.qty), 0) AS sold, coalesce(sum(i.qty * i.unit_price), 0.0) AS revenue FROM products p LEFT JOIN order_items i ON i.product_id = p.id GROUP BY p.id ORDER BY revenue DESC;
--! s48 :many
SELECT DISTINCT ON (customer_id) customer_id, id, total FROM orders ORDER BY customer_id, placed_at DESC;
--! s49 :many
SELECT v.k, v.v FROM (VALUES ('a', 1), ('b', 2.5), ('c', NULL)) v(k, v);
--! s50 :many
SELECT * FROM (VALUES (1::int2), (2::int8)) v(x);
--! s51 :many
SELECT a.i, b.j FROM generate_series(1, 3) a(i) LEFT JOIN generate_series(2, 4) b(j) ON a.i = b.j;
--! s52 :many
SELECT generate_series(1, 3) AS g, generate_series(1.5, 3) AS gn, generate_subscripts(ARRAY[1,2], 1) AS s;
--! s53 :many
SELECT format('%s-%s', id, sku) AS f, concat(sku, NULL, id) AS c, concat_ws('-', sku, NULL) AS cw, quote_ident(sku) AS qi, quote_literal(sku) AS ql, quote_nullable(weight_g) AS qn, regexp_split_to_array(sku, '') AS rs, regexp_match(sku, 'p(\d)') AS rm, regexp_replace(sku, 'p', 'q', 'g') AS rr, starts_with(sku, 'p') AS sw, sku ~ '^p' AS re, sku !~* 'P' AS nre, to_hex(id) AS hx, ascii(sku) AS asc_, chr(65) AS ch, encode(sku::bytea, 'hex') AS enc FROM products;
--! s54 :many
SELECT s FROM regexp_split_to_table('a,b', ',') s;
--! s55 :many
SELECT id FROM customers WHERE (name, email) IN (SELECT name, email FROM active_customers) AND ROW(id, name) <> ROW(:i, :n);
--! s56 :many
SELECT id FROM products WHERE sku SIMILAR TO 'p%' AND title NOT ILIKE :t AND id NOT IN (1, 2) AND rating IS NOT DISTINCT FROM :r;
--! s57 :many
SELECT count(*) AS n FROM orders WHERE placed_at::date = :day AND extract(hour FROM placed_at) >= :h;
--! s58 :many
SELECT id FROM orders ORDER BY id LIMIT :n OFFSET :o;
--! s59 :many
SELECT :a::int + :b AS s, :c || 'x' AS t, -:d::numeric AS neg, :e::text[] AS arr, :f::order_status AS st, :g::date + 1 AS dd;
--! s60 :many
SELECT home, (home).street, ROW(1, 'a') AS r FROM customers WHERE home = ROW('s','c','z')::address;

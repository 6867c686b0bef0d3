--! s1 :many
SELECT id, email, name, nick, home, tags, prefs, score, balance, born, active, full_label FROM customers;
--! s2 :many
SELECT (home).city AS city, (home).zip AS zip, home IS NULL AS no_home FROM customers;
--! s3 :many
SELECT email || '!' AS e, lower(email) AS le, length(email) AS l, email = :e AS same, email LIKE '%x' AS lk FROM customers;
--! s4 :many
SELECT cost, cost * 2 AS dbl, cost + 1 AS plus, cost::float8 AS f, round(cost, 1) AS r, cost > :min AS pricey FROM products;
--! s5 :many
SELECT labels, labels[1] AS first, cardinality(labels) AS n, 'x' = ANY(labels) AS hasx, array_append(labels, 'y') AS more FROM products;
--! s6 :many
SELECT status, status::text AS st, status = 'paid' AS paid, status = :s AS match, status IN ('new', 'paid') AS open FROM orders;
--! s7 :many
SELECT o.id, t.amount, t.lines, t.status FROM orders o JOIN order_totals t ON t.id = o.id;
--! s8 :many
SELECT * FROM active_customers WHERE email = :e;
--! s9 :many
SELECT qty * unit_price AS line, qty * unit_price * (1 - discount) AS disc, unit_price / qty AS each_, qty + discount AS odd, sum(qty) AS total_qty FROM order_items GROUP BY qty, unit_price, discount;
--! s10 :many
SELECT sum(unit_price) AS s, avg(unit_price) AS a, sum(discount) AS sd, avg(discount) AS ad, max(discount) AS md, sum(qty::bigint) AS sq, avg(qty) AS aq, stddev(qty) AS sdv, variance(unit_price) AS v, sum(weight_g) AS sw FROM order_items, products;
--! s11 :many
SELECT id, available, lower(available) AS since, upper(available) AS until, available @> now() AS open_now, isempty(available) AS e, available && tstzrange(:a, :b) AS ov FROM products;
--! s12 :many
SELECT int4range(1, 10) AS r, numrange(1.5, 2) AS nr, daterange(current_date, current_date + 7) AS dr, int4range(1,10) * int4range(5, 15) AS inter, upper(int8range(1, 5)) AS u;
--! s13 :many
SELECT placed_at - shipped_at AS mixed, shipped_at - placed_at::timestamp AS lag, placed_at + interval '1 day' AS tomorrow, shipped_at::date AS sd, extract(dow FROM placed_at) AS dow, date_trunc('week', shipped_at) AS wk, (placed_at AT TIME ZONE 'UTC')::date AS d FROM orders;
--! s14 :many
SELECT current_date - born AS days, born + 1 AS next_day, born + interval '1 year' AS anniv, born - interval '1 day' AS prev, born + time '10:00' AS dt, age(born) AS a, interval '1 day' * 2.5 AS i1, interval '2 hours' / 2 AS i2, 2 * interval '1 min' AS i3, justify_days(interval '40 days') AS j, make_interval(hours => 2) AS mi FROM customers;
--! s15 :one
INSERT INTO orders (customer_id, status, ship_to) VALUES (:cid, :status, ROW(:street, :city, :zip)) RETURNING id, status, placed_at, ship_to;
--! s16 :one
INSERT INTO customers (email, name, tags) VALUES (:email, :name, :tags) RETURNING id, full_label, balance, active;
--! s17 :many
INSERT INTO order_items (order_id, product_id, qty, unit_price) SELECT :oid, p.id, 1, p.cost FROM products p WHERE p.sku = ANY(:skus) ON CONFLICT (order_id, product_id) DO UPDATE SET qty = order_items.qty + EXCLUDED.qty RETURNING order_id, product_id, qty, unit_price, discount;
--! s18 :many
UPDATE products SET attrs = attrs || :patch, cost = :cost WHERE id = :id RETURNING id, attrs, cost, labels;
--! s19 :many
SELECT attrs -> 'c' AS c, attrs ->> 'c' AS cs, (attrs ->> 'n')::int AS n, attrs - 'c' AS minus, attrs #- '{c}' AS minus_path, jsonb_set(attrs, '{c}', '"blue"') AS set, attrs ? :key AS has, attrs @> jsonb_build_object('c', :color::text) AS col, jsonb_pretty(attrs) AS pretty, to_jsonb(title) AS tj, row_to_json(p) AS rj FROM products p;
--! s20 :many
SELECT p.sku, d.elem, d.ord FROM products p LEFT JOIN LATERAL unnest(p.dims) WITH ORDINALITY AS d(elem, ord) ON true;
--! s21 :many
SELECT dims[1:1] AS sl, dims[1] AS d1, dims || 5 AS ap, 0 || dims AS pre, dims || ARRAY[7,8] AS cat, array_length(dims, 1) AS len, array_upper(dims, 1) AS up, dims @> ARRAY[1] AS cont, dims && :others AS ov, array_dims(dims) AS ad FROM products;
--! s22 :many
SELECT unnest(tags) AS tag, count(*) OVER () AS n FROM customers;
--! s23 :many
SELECT c.name, string_agg(DISTINCT p.title, ',') AS titles, array_agg(DISTINCT o.status) AS statuses, count(DISTINCT p.id) AS np FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id GROUP BY c.name;
--! s24 :many
SELECT GREATEST(score, 1) AS g, GREATEST(balance, score) AS gb, LEAST(weight_g, 5) AS lw, COALESCE(score, balance) AS cb, COALESCE(weight_g, 1::bigint) AS cw, NULLIF(balance, 0) AS nb, CASE WHEN active THEN balance ELSE score END AS cs FROM customers, products;
--! s25 :many
SELECT id FROM orders WHERE placed_at > :since AND status = ANY(:statuses) AND customer_id IN (SELECT id FROM customers WHERE email = :email) ORDER BY placed_at LIMIT :lim;
--! s26 :many
SELECT nextval('invoice_no') AS n, currval('invoice_no') AS c, setval('invoice_no', 5) AS s;
--! s27 :many
SELECT x.a, x.b FROM jsonb_to_recordset('[{"a":1,"b":"x"}]'::jsonb) AS x(a int, b text);
--! s28 :many
SELECT e.key, e.value FROM customers c, jsonb_each(c.prefs) e;
--! s29 :many
SELECT value FROM jsonb_array_elements_text('["a","b"]');
--! s30 :many
SELECT o.id, (SELECT sum(qty) FROM order_items i WHERE i.order_id = o.id) AS q, (SELECT array_agg(product_id) FROM order_items i WHERE i.order_id = o.id) AS pids FROM orders o;

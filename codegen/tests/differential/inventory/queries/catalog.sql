--! i1 :one
INSERT INTO products (sku, name, description, price) VALUES (:sku, :name, :description, :price) RETURNING id, sku, price, created_at;
--! i2 :opt
SELECT id, sku, name, description, price, sale_price, COALESCE(sale_price, price) AS effective_price FROM products WHERE sku = :sku AND archived_at IS NULL;
--! i3 :many
SELECT id, sku, name, price FROM products WHERE archived_at IS NULL AND price BETWEEN :min_price AND :max_price ORDER BY price, id;
--! i4 :many
SELECT id, name, price, sale_price, round((1 - sale_price / price) * 100, 0) AS pct_off, price - sale_price AS savings FROM products WHERE sale_price IS NOT NULL;
--! i5 :many
SELECT id, name, price * 1.19 AS gross, round(price * 1.19, 2) AS gross_rounded, (price * 100)::bigint AS cents, price::text AS price_text, to_char(price, 'FM999990.00') AS formatted FROM products;
--! i6 :one
UPDATE products SET price = round(price * (1 + :pct::numeric / 100), 2) WHERE id = :id RETURNING price;
--! i7 :many
UPDATE products SET sale_price = NULL WHERE sale_price >= price RETURNING id, sale_price;
--! i8 :exec
UPDATE products SET archived_at = now() WHERE id = ANY(:ids::bigint[]) AND archived_at IS NULL;
--! i9 :many
SELECT id, name, attributes->>'color' AS color, attributes->'size' AS size_json, COALESCE(attributes, '{}') AS attrs FROM products;
--! i10 :many
SELECT id, name FROM products WHERE attributes @> jsonb_build_object('color', :color::text);
--! i11 :many
SELECT id, name FROM products WHERE name ILIKE :pattern OR sku ILIKE :pattern OR description ILIKE :pattern ORDER BY name LIMIT 25;
--! i12 :many
SELECT id, name, weight_kg, weight_kg * 1000 AS grams, COALESCE(weight_kg, 0) + 0.05 AS ship_weight, round(weight_kg::numeric, 1) AS w1 FROM products;
--! i13 :one
INSERT INTO products (sku, name, price) VALUES (:sku, :name, :price) ON CONFLICT (sku) WHERE archived_at IS NULL DO UPDATE SET name = EXCLUDED.name, price = EXCLUDED.price RETURNING id, name;
--! i14 :many
SELECT p.id, p.sku, COALESCE(sum(m.qty), 0) AS on_hand FROM products p LEFT JOIN stock_movements m ON m.product_id = p.id GROUP BY p.id, p.sku ORDER BY on_hand;
--! i15 :many
SELECT p.id, p.sku, w.code, COALESCE(s.on_hand, 0) AS on_hand FROM products p CROSS JOIN warehouses w LEFT JOIN stock_levels s ON s.product_id = p.id AND s.warehouse_id = w.id WHERE w.active;
--! i16 :many
SELECT * FROM stock_levels WHERE on_hand < :threshold;
--! i17 :one
INSERT INTO stock_movements (product_id, warehouse_id, kind, qty, unit_cost, note) VALUES (:product_id, :warehouse_id, :kind, :qty, :unit_cost, :note) RETURNING id, moved_at;
--! i18 :many
INSERT INTO stock_movements (product_id, warehouse_id, kind, qty) SELECT product_id, :to_wh, 'adjust', qty FROM stock_movements WHERE warehouse_id = :from_wh RETURNING id, product_id, qty;
--! i19 :many
SELECT m.kind, count(*) AS n, sum(m.qty) AS total, sum(m.qty * m.unit_cost) AS value FROM stock_movements m GROUP BY m.kind;
--! i20 :many
SELECT m.id, m.qty, CASE m.kind WHEN 'receive' THEN 'In' WHEN 'return' THEN 'In' ELSE 'Out' END AS direction, m.kind::text AS kind_text FROM stock_movements m;
--! i21 :many
SELECT m.product_id, m.moved_at, m.qty, sum(m.qty) OVER (PARTITION BY m.product_id ORDER BY m.moved_at, m.id) AS balance FROM stock_movements m ORDER BY m.product_id, m.moved_at;
--! i22 :many
SELECT m.product_id, avg(m.unit_cost) AS avg_cost, round(sum(m.unit_cost * m.qty) / nullif(sum(m.qty), 0), 4) AS weighted_cost FROM stock_movements m WHERE m.kind = 'receive' GROUP BY m.product_id;
--! i23 :many
SELECT DISTINCT ON (product_id) product_id, unit_cost, moved_at FROM stock_movements WHERE unit_cost IS NOT NULL ORDER BY product_id, moved_at DESC;
--! i24 :many
SELECT w.code, COALESCE(w.city, 'unknown') AS city, count(DISTINCT m.product_id) AS products, sum(m.qty) AS units FROM warehouses w LEFT JOIN stock_movements m ON m.warehouse_id = w.id GROUP BY w.id HAVING COALESCE(sum(m.qty), 0) >= 0;
--! i25 :many
SELECT d::date AS day, COALESCE(sum(m.qty) FILTER (WHERE m.kind = 'sell'), 0) AS sold FROM generate_series(date_trunc('day', now()) - interval '6 days', date_trunc('day', now()), interval '1 day') d LEFT JOIN stock_movements m ON date_trunc('day', m.moved_at) = d GROUP BY d ORDER BY d;
--! i26 :many
SELECT p.id, p.sku FROM products p WHERE NOT EXISTS (SELECT 1 FROM stock_movements m WHERE m.product_id = p.id AND m.moved_at > now() - :window::interval);
--! i27 :many
SELECT p.id, last_move.moved_at, last_move.kind FROM products p LEFT JOIN LATERAL (SELECT moved_at, kind FROM stock_movements m WHERE m.product_id = p.id ORDER BY moved_at DESC LIMIT 1) last_move ON true;
--! i28 :many
SELECT w.id, w.code, w.city, w.active FROM warehouses w WHERE w.id IN (SELECT warehouse_id FROM stock_movements WHERE product_id = :product_id);
--! i29 :many
UPDATE warehouses w SET city = v.city FROM (VALUES ('BER1', 'Berlin-Mitte'), ('NYC1', NULL)) AS v(code, city) WHERE w.code = v.code RETURNING w.id, w.city;
--! i30 :many
DELETE FROM stock_movements m USING warehouses w WHERE w.id = m.warehouse_id AND NOT w.active RETURNING m.id, w.code, m.qty;
--! i31 :one
SELECT nextval('products_id_seq') AS a, nextval('stock_movements_id_seq') AS b, nextval('warehouses_id_seq')::int AS c;
--! i32 :one
SELECT setval('orders_id_seq', (SELECT COALESCE(max(id), 0) + 1 FROM orders), false) AS v;
--! i33 :many
SELECT id, sku, row_number() OVER (ORDER BY price DESC) AS price_rank, price - avg(price) OVER () AS vs_avg, cume_dist() OVER (ORDER BY price) AS cd FROM products;
--! i34 :many
SELECT id, name FROM products WHERE (:only_sale::boolean IS NULL OR (sale_price IS NOT NULL) = :only_sale);
--! i35 :many
SELECT id, name, price FROM products ORDER BY CASE WHEN :sort = 'price' THEN price END, name LIMIT :limit;
--! i36 :many
SELECT jsonb_build_object('sku', sku, 'price', price, 'sale', sale_price, 'attrs', attributes) AS api, json_build_array(id, sku, price) AS tuple FROM products;
--! i37 :many
SELECT array_agg(DISTINCT kind) AS kinds, array_agg(DISTINCT warehouse_id ORDER BY warehouse_id) AS whs, product_id FROM stock_movements GROUP BY product_id;
--! i38 :many
SELECT x.sku, p.id FROM unnest(:skus::text[]) WITH ORDINALITY AS x(sku, ord) LEFT JOIN products p ON p.sku = x.sku ORDER BY x.ord;
--! i39 :many
SELECT u.product_id, u.delta FROM unnest(:pids::bigint[], :deltas::int[]) AS u(product_id, delta);
--! i40 :many
SELECT p.id, p.price, p.price > :limit_price::numeric(12,2) AS expensive, (p.price::float8 / 3)::numeric(12,2) AS third FROM products p;

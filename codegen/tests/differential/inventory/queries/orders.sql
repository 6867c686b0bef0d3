--! o1 :one
INSERT INTO orders (customer_id, coupon, notes) VALUES (:customer_id, :coupon, :notes) RETURNING id, status, placed_at, shipping;
--! o2 :one
INSERT INTO order_lines (order_id, line_no, product_id, qty, unit_price) SELECT :order_id, COALESCE(max(line_no), 0) + 1, :product_id, :qty, p.price FROM products p LEFT JOIN order_lines l ON l.order_id = :order_id WHERE p.id = :product_id GROUP BY p.price RETURNING line_no, unit_price;
--! o3 :many
SELECT o.id, o.status, o.placed_at, c.email, c.name FROM orders o LEFT JOIN customers c ON c.id = o.customer_id ORDER BY o.placed_at DESC LIMIT :limit OFFSET :offset;
--! o4 :many
SELECT o.id, sum(l.qty * l.unit_price) AS subtotal, sum(l.qty * l.unit_price) + o.shipping - COALESCE(o.discount, 0) AS total FROM orders o JOIN order_lines l ON l.order_id = o.id GROUP BY o.id;
--! o5 :many
SELECT o.id, COALESCE(t.subtotal, 0) AS subtotal, t.items FROM orders o LEFT JOIN (SELECT order_id, sum(qty * unit_price) AS subtotal, sum(qty) AS items FROM order_lines GROUP BY order_id) t ON t.order_id = o.id;
--! o6 :opt
UPDATE orders SET status = 'paid', paid_at = now() WHERE id = :id AND status = 'pending' RETURNING id, status, paid_at;
--! o7 :opt
UPDATE orders SET status = :status WHERE id = :id RETURNING id, status, status IN ('delivered', 'refunded') AS final;
--! o8 :many
SELECT status, count(*) AS n, sum(shipping) AS shipping_total FROM orders GROUP BY status ORDER BY status;
--! o9 :many
SELECT id, CASE status WHEN 'pending' THEN 'Awaiting payment' WHEN 'paid' THEN 'Preparing' WHEN 'shipped' THEN 'On the way' WHEN 'delivered' THEN 'Delivered' ELSE 'Closed' END AS label, status = ANY('{cancelled,refunded}'::order_status[]) AS closed FROM orders;
--! o10 :many
SELECT id, status FROM orders WHERE status = ANY(:statuses::order_status[]) AND placed_at >= :since;
--! o11 :many
SELECT id, shipped_at - paid_at AS fulfil_time, extract(epoch FROM shipped_at - paid_at) / 3600 AS hours, paid_at IS NOT NULL AND shipped_at IS NULL AS awaiting_shipment FROM orders;
--! o12 :many
SELECT date_trunc('month', placed_at)::date AS month, count(*) AS orders, count(DISTINCT customer_id) AS buyers FROM orders WHERE status NOT IN ('cancelled', 'refunded') GROUP BY 1 ORDER BY 1;
--! o13 :many
SELECT d.day::date AS day, count(o.id) AS orders, COALESCE(sum(l.qty * l.unit_price), 0) AS revenue FROM generate_series(:from::date, :to::date, '1 day') AS d(day) LEFT JOIN orders o ON o.placed_at::date = d.day LEFT JOIN order_lines l ON l.order_id = o.id GROUP BY d.day ORDER BY d.day;
--! o14 :many
SELECT c.id, c.email, count(o.id) AS orders, max(o.placed_at) AS last_order FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id HAVING count(o.id) = 0 OR max(o.placed_at) < now() - interval '90 days';
--! o15 :many
SELECT * FROM (SELECT c.id AS customer_id, l.product_id, sum(l.qty) AS qty, rank() OVER (PARTITION BY c.id ORDER BY sum(l.qty) DESC) AS r FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_lines l ON l.order_id = o.id GROUP BY c.id, l.product_id) x WHERE r = 1;
--! o16 :many
SELECT o.id, json_build_object('id', o.id, 'status', o.status, 'lines', (SELECT COALESCE(json_agg(json_build_object('sku', p.sku, 'qty', l.qty, 'price', l.unit_price) ORDER BY l.line_no), '[]') FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id)) AS doc FROM orders o;
--! o17 :many
SELECT o.id, jsonb_agg(to_jsonb(l) - 'order_id') AS lines FROM orders o JOIN order_lines l ON l.order_id = o.id GROUP BY o.id;
--! o18 :many
DELETE FROM order_lines l USING orders o WHERE o.id = l.order_id AND o.status = 'cancelled' RETURNING l.order_id, l.line_no, o.placed_at;
--! o19 :many
WITH cancelled AS (UPDATE orders SET status = 'cancelled' WHERE status = 'pending' AND placed_at < now() - interval '2 days' RETURNING id, customer_id) SELECT cancelled.id, c.email FROM cancelled LEFT JOIN customers c ON c.id = cancelled.customer_id;
--! o20 :many
WITH o AS (INSERT INTO orders (customer_id) VALUES (:customer_id) RETURNING id), l AS (INSERT INTO order_lines (order_id, line_no, product_id, qty, unit_price) SELECT o.id, 1, p.id, :qty, p.price FROM o, products p WHERE p.id = :product_id RETURNING order_id, unit_price * qty AS line_total) SELECT o.id, l.line_total FROM o LEFT JOIN l ON l.order_id = o.id;
--! o21 :many
SELECT c.id, COALESCE(c.name, c.email) AS display, c.phone, c.vip, CASE WHEN c.vip THEN 'VIP' END AS badge FROM customers c;
--! o22 :one
INSERT INTO customers (email, name, phone) VALUES (lower(:email), :name, :phone) ON CONFLICT (email) DO UPDATE SET name = COALESCE(EXCLUDED.name, customers.name), phone = COALESCE(EXCLUDED.phone, customers.phone) RETURNING id, name, phone;
--! o23 :many
SELECT c.id, c.email FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'delivered') AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'pending');
--! o24 :many
SELECT o.id, o.coupon, pr.percent_off, pr.amount_off, pr.valid @> o.placed_at::date AS coupon_valid FROM orders o LEFT JOIN promotions pr ON pr.code = o.coupon;
--! o25 :many
SELECT id, code, lower(valid) AS starts, upper(valid) AS ends, upper_inf(valid) AS open_ended, valid @> current_date AS active_now, COALESCE(percent_off::text || '%', amount_off::text || ' off') AS label FROM promotions;
--! o26 :many
SELECT id, code FROM promotions WHERE valid && daterange(:from::date, :to::date, '[]');
--! o27 :one
INSERT INTO promotions (code, percent_off, valid) VALUES (:code, :pct, daterange(:starts, :ends)) RETURNING id, valid, max_uses;
--! o28 :many
SELECT pr.code, count(o.id) AS uses, pr.max_uses - count(o.id) AS remaining FROM promotions pr LEFT JOIN orders o ON o.coupon = pr.code GROUP BY pr.id;
--! o29 :many
SELECT l.order_id, l.line_no, p.name, l.qty, l.unit_price, l.qty * l.unit_price AS line_total, round(l.qty * l.unit_price * 0.19, 2) AS vat FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = :order_id ORDER BY l.line_no;
--! o30 :many
SELECT p.id, p.name, sum(l.qty) AS units, sum(l.qty * l.unit_price)::numeric(14,2) AS revenue, rank() OVER (ORDER BY sum(l.qty * l.unit_price) DESC) AS r FROM products p JOIN order_lines l ON l.product_id = p.id GROUP BY p.id, p.name;
--! o31 :many
SELECT o.id, o.placed_at, lag(o.placed_at) OVER (PARTITION BY o.customer_id ORDER BY o.placed_at) AS prev_order, o.placed_at - lag(o.placed_at) OVER (PARTITION BY o.customer_id ORDER BY o.placed_at) AS gap FROM orders o WHERE o.customer_id IS NOT NULL;
--! o32 :many
SELECT o.id, format('Order #%s for %s', o.id, COALESCE(c.name, 'guest')) AS title, 'ORD-' || lpad(o.id::text, 6, '0') AS ref FROM orders o LEFT JOIN customers c ON c.id = o.customer_id;
--! o33 :many
SELECT customer_id, string_agg(id::text, ',' ORDER BY id) AS order_ids, array_agg(id) AS ids FROM orders GROUP BY customer_id;
--! o34 :many
SELECT o.id FROM orders o WHERE o.placed_at::date = current_date - :days_ago::int;
--! o35 :many
SELECT o.id, o.placed_at + interval '14 days' AS return_deadline, (o.placed_at + interval '14 days') > now() AS returnable, (now()::date - o.placed_at::date) AS age_days FROM orders o;
--! o36 :one
SELECT count(*) AS orders, COALESCE(sum(shipping), 0) AS shipping, avg(shipping) AS avg_shipping, sum(discount) AS discounts, count(coupon) AS with_coupon FROM orders WHERE placed_at >= :since;
--! o37 :many
UPDATE orders o SET status = 'shipped', shipped_at = now() FROM (SELECT unnest(:ids::bigint[]) AS id) ids WHERE o.id = ids.id AND o.status = 'paid' RETURNING o.id, o.shipped_at;
--! o38 :many
SELECT o.id, o.status, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email ILIKE '%' || :q || '%' OR o.notes ILIKE '%' || :q || '%';
--! o39 :many
SELECT o.id, coalesce(o.notes, '') AS notes, nullif(trim(o.notes), '') AS trimmed, length(o.notes) AS nlen FROM orders o;
--! o40 :many
SELECT customer_id, placed_at, id FROM orders o1 WHERE placed_at = (SELECT max(placed_at) FROM orders o2 WHERE o2.customer_id = o1.customer_id);
--! o41 :one
SELECT round(avg(t.total), 2) AS aov, percentile_disc(0.9) WITHIN GROUP (ORDER BY t.total) AS p90, max(t.total) AS biggest FROM (SELECT order_id, sum(qty * unit_price) AS total FROM order_lines GROUP BY order_id) t;
--! o42 :many
SELECT o.id, o.status FROM orders o WHERE o.id IN (SELECT l.order_id FROM order_lines l WHERE l.product_id = ANY(:product_ids::bigint[])) ORDER BY o.id;
--! o43 :many
SELECT l.product_id, l.qty, l.unit_price FROM order_lines l WHERE (l.order_id, l.line_no) IN (SELECT order_id, max(line_no) FROM order_lines GROUP BY order_id);
--! o44 :many
SELECT o.id, bool_and(l.qty <= COALESCE(s.on_hand, 0)) AS fulfillable FROM orders o JOIN order_lines l ON l.order_id = o.id LEFT JOIN (SELECT product_id, sum(on_hand) AS on_hand FROM stock_levels GROUP BY product_id) s ON s.product_id = l.product_id WHERE o.status = 'paid' GROUP BY o.id;
--! o45 :many
SELECT id, (discount / NULLIF(shipping, 0))::numeric(6,2) AS ratio, div(shipping, 1) AS whole, mod(id, 2) AS parity, shipping % 1 AS frac FROM orders;

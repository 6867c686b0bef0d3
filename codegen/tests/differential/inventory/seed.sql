INSERT INTO warehouses (code, city, active) VALUES ('BER1', 'Berlin', true), ('NYC1', NULL, true), ('OLD', 'Paris', false);
INSERT INTO products (sku, name, description, price, sale_price, weight_kg, attributes, archived_at) VALUES
 ('TSHIRT-M', 'T-Shirt M', 'Cotton tee', 19.99, 14.99, 0.2, '{"color":"red","size":"M"}', NULL),
 ('MUG', 'Mug', NULL, 9.50, NULL, NULL, NULL, NULL),
 ('POSTER', 'Poster', 'A2 print', 25.00, NULL, 0.1, '{"color":"blue"}', now() - interval '30 days');
INSERT INTO stock_movements (product_id, warehouse_id, kind, qty, unit_cost, note, moved_at) VALUES
 (1, 1, 'receive', 100, 5.00, 'initial', now() - interval '20 days'),
 (1, 1, 'sell', -3, NULL, NULL, now() - interval '2 days'),
 (2, 2, 'receive', 50, 2.25, NULL, now() - interval '10 days'),
 (2, 2, 'adjust', -1, NULL, 'broken', now() - interval '1 day'),
 (1, 2, 'receive', 10, 5.10, NULL, now());
INSERT INTO customers (email, name, phone, vip) VALUES ('a@x.io', 'Alice', '+49 1', true), ('b@x.io', NULL, NULL, false), ('c@x.io', 'Carl', NULL, false);
INSERT INTO orders (customer_id, status, placed_at, paid_at, shipped_at, shipping, discount, coupon, notes) VALUES
 (1, 'delivered', now() - interval '9 days', now() - interval '9 days', now() - interval '8 days', 4.90, 2.00, 'WELCOME', 'leave at door'),
 (2, 'paid', now() - interval '1 day', now() - interval '1 day', NULL, 0, NULL, NULL, NULL),
 (NULL, 'pending', now(), NULL, NULL, 4.90, NULL, NULL, NULL),
 (1, 'cancelled', now() - interval '3 days', NULL, NULL, 0, NULL, NULL, 'changed mind');
INSERT INTO order_lines VALUES (1, 1, 1, 2, 19.99), (1, 2, 2, 1, 9.50), (2, 1, 1, 1, 14.99), (4, 1, 3, 1, 25.00);
INSERT INTO promotions (code, percent_off, amount_off, valid, max_uses) VALUES
 ('WELCOME', 10, NULL, daterange(current_date - 30, current_date + 30), 100),
 ('FIVER', NULL, 5.00, daterange(current_date - 5, NULL), NULL);

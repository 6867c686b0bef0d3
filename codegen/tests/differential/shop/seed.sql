INSERT INTO customers (email, name, nick, home, tags, prefs, score, born) VALUES ('a@x', 'Ann', 'an', ROW('s','c','z'), '{a,b}', '{"k": 1}', 1.5, '2000-01-01'), ('b@x', 'Bob', NULL, NULL, '{}', NULL, NULL, NULL), ('c@x', 'Cy', NULL, ROW(NULL, NULL, NULL), '{NULL}', 'null', NULL, NULL);
INSERT INTO products (sku, title, cost, weight_g, dims, attrs, labels, available, rating) VALUES ('p1', 'P1', 1.5, 10, '{1,2}', '{"c": "red"}', '{x}', '[2020-01-01,)', 4.5), ('p2', 'P2', 0, NULL, NULL, '{}', NULL, NULL, NULL);
INSERT INTO orders (customer_id, status, shipped_at, note, total) VALUES (1, 'paid', now(), 'n', 3), (1, 'new', NULL, NULL, NULL), (2, 'shipped', NULL, NULL, 0);
INSERT INTO order_items VALUES (1, 1, 2, 1.5, NULL), (1, 2, 1, 0, 0.1), (3, 1, 1, 2, NULL);

CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE DOMAIN price AS numeric(12,2) NOT NULL CHECK (VALUE >= 0);
CREATE DOMAIN tag_list AS text[];
CREATE TYPE address AS (street text, city text, zip varchar(10));
CREATE SEQUENCE invoice_no;
CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email email NOT NULL,
  name varchar(100) NOT NULL,
  nick char(8),
  home address,
  tags text[] NOT NULL DEFAULT '{}',
  prefs jsonb,
  score real,
  balance numeric(12,2) NOT NULL DEFAULT 0,
  born date,
  active boolean NOT NULL DEFAULT true,
  full_label text GENERATED ALWAYS AS (name || ' <' || email || '>') STORED
);
CREATE UNIQUE INDEX customers_email_active ON customers (email) WHERE active;
CREATE TABLE products (
  id serial PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  title text NOT NULL,
  cost price,
  weight_g smallint,
  dims int[],
  attrs jsonb NOT NULL DEFAULT '{}',
  labels tag_list,
  available tstzrange,
  rating double precision
);
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers(id),
  status order_status NOT NULL DEFAULT 'new',
  placed_at timestamptz NOT NULL DEFAULT now(),
  shipped_at timestamp,
  ship_to address,
  note text,
  total numeric
);
CREATE TABLE order_items (
  order_id bigint NOT NULL REFERENCES orders(id),
  product_id int NOT NULL REFERENCES products(id),
  qty int NOT NULL CHECK (qty > 0),
  unit_price numeric(10,2) NOT NULL,
  discount float4,
  PRIMARY KEY (order_id, product_id)
);
CREATE VIEW order_totals AS SELECT o.id, o.customer_id, o.status, sum(i.qty * i.unit_price) AS amount, count(i.*) AS lines FROM orders o LEFT JOIN order_items i ON i.order_id = o.id GROUP BY o.id;
CREATE VIEW active_customers AS SELECT id, email, name FROM customers WHERE active;

-- Regenerates system_relations.txt (the columns of pg_catalog's and information_schema's
-- tables and views) from a PostgreSQL 15 server:
--   psql -q -At -F'|' -f system_relations.sql > system_relations.txt
-- Fields: schema|relation|column|typname (arrays as _elem)|not null (t/f).
SELECT n.nspname, c.relname, a.attname, t.typname, CASE WHEN a.attnotnull THEN 't' ELSE 'f' END
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
WHERE n.nspname IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 'v', 'm')
ORDER BY 1, 2, a.attnum;

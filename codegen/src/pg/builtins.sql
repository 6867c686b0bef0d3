-- Regenerates builtins.txt from a PostgreSQL 15 server with the corpus's extensions:
--   createdb pgbake_builtins && psql -q -d pgbake_builtins -At -F'|' -f builtins.sql > builtins.txt
-- (the last F field is the input arguments' names, empty for unnamed ones)
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
\o /dev/null
SELECT 1;
\o
SELECT 'T', t.typname, t.typcategory, CASE WHEN t.typispreferred THEN 't' ELSE 'f' END, t.typtype,
       COALESCE(e.typname, ''), COALESCE(a.typname, '')
FROM pg_type t
LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_type a ON a.oid = t.typarray
WHERE t.typnamespace IN ('pg_catalog'::regnamespace, 'public'::regnamespace)
  AND t.typtype <> 'c' AND NOT (t.typcategory = 'A' AND e.typtype = 'c')
ORDER BY 2;
SELECT 'F', p.proname, p.prokind, CASE WHEN p.proretset THEN 't' ELSE 'f' END,
       CASE WHEN p.proisstrict THEN 't' ELSE 'f' END,
       COALESCE((SELECT typname FROM pg_type WHERE oid = NULLIF(p.provariadic, 0)), ''),
       p.pronargdefaults, r.typname,
       COALESCE((SELECT string_agg(t.typname, ',' ORDER BY i)
                 FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS u(o, i)
                 JOIN pg_type t ON t.oid = u.o), ''),
       COALESCE((SELECT string_agg(n, ',' ORDER BY i)
                 FROM unnest(p.proargnames, p.proargmodes) WITH ORDINALITY AS u(n, m, i)
                 WHERE m IS NULL OR m IN ('i', 'b', 'v')), '')
FROM pg_proc p JOIN pg_type r ON r.oid = p.prorettype
WHERE p.pronamespace IN ('pg_catalog'::regnamespace, 'public'::regnamespace)
  AND p.prokind IN ('f', 'a', 'w')
  AND r.typname NOT IN ('internal', 'cstring', 'trigger', 'event_trigger', 'fdw_handler',
                        'index_am_handler', 'table_am_handler', 'language_handler', 'tsm_handler')
  AND NOT EXISTS (SELECT 1 FROM unnest(p.proargtypes::oid[]) o JOIN pg_type t ON t.oid = o
                  WHERE t.typname IN ('internal', 'cstring'))
ORDER BY 2, 9, 8;
SELECT 'O', o.oprname, COALESCE(l.typname, ''), COALESCE(r.typname, ''), res.typname
FROM pg_operator o
LEFT JOIN pg_type l ON l.oid = o.oprleft
LEFT JOIN pg_type r ON r.oid = o.oprright
JOIN pg_type res ON res.oid = o.oprresult
ORDER BY 2, 3, 4;
SELECT 'C', s.typname, t.typname, c.castcontext
FROM pg_cast c JOIN pg_type s ON s.oid = c.castsource JOIN pg_type t ON t.oid = c.casttarget
ORDER BY 2, 3;

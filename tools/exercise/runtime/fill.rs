//! Fills every table of the database with rows derived from the live catalog: values by
//! type, NULL in every nullable column of the odd rows, NULL elements in arrays when asked.

use std::collections::HashMap;

use pgbake::__private::tokio_postgres::Client;

/// One state of the data the functions are called on.
#[derive(Clone, Copy, Debug)]
pub struct State {
    pub name: &'static str,
    /// Rows per table.
    pub rows: i32,
    /// Arrays hold NULL elements.
    pub null_elements: bool,
}

pub const STATES: [State; 4] = [
    State { name: "empty", rows: 0, null_elements: false },
    State { name: "one row of NULLs", rows: 1, null_elements: false },
    State { name: "four rows, NULLs in odd rows", rows: 4, null_elements: false },
    State { name: "four rows, NULL array elements", rows: 4, null_elements: true },
];

struct TypeInfo {
    name: String,
    kind: char,
    category: char,
    element: u32,
    base: u32,
    range_subtype: u32,
    multirange_of: u32,
    fields: Vec<u32>,
}

struct Catalog {
    types: HashMap<u32, TypeInfo>,
}

impl Catalog {
    async fn load(client: &Client) -> Result<Catalog, String> {
        let rows = client
            .query(
                "SELECT t.oid, format_type(t.oid, NULL), t.typtype::text, t.typcategory::text, t.typelem, t.typbasetype,
                        coalesce(r.rngsubtype, 0::oid), coalesce(m.rngtypid, 0::oid),
                        coalesce((SELECT array_agg(a.atttypid ORDER BY a.attnum) FROM pg_attribute a
                                  WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '{}')
                 FROM pg_type t
                 LEFT JOIN pg_range r ON r.rngtypid = t.oid
                 LEFT JOIN pg_range m ON m.rngmultitypid = t.oid",
                &[],
            )
            .await
            .map_err(|e| format!("reading pg_type: {e}"))?;
        let mut types = HashMap::new();
        for r in rows {
            let kind: String = r.get(2);
            let category: String = r.get(3);
            types.insert(
                r.get::<_, u32>(0),
                TypeInfo {
                    name: r.get(1),
                    kind: kind.chars().next().unwrap_or('b'),
                    category: category.chars().next().unwrap_or('U'),
                    element: r.get(4),
                    base: r.get(5),
                    range_subtype: r.get(6),
                    multirange_of: r.get(7),
                    fields: r.get(8),
                },
            );
        }
        Ok(Catalog { types })
    }

    /// A SQL expression of type `oid` for row `n` (1-based), or `NULL` when the catalog
    /// offers nothing better.
    fn value(&self, oid: u32, n: i32, null_elements: bool, depth: usize) -> String {
        let Some(t) = self.types.get(&oid) else {
            return "NULL".into();
        };
        let name = &t.name;
        if depth > 6 {
            return format!("NULL::{name}");
        }
        let inner = |oid: u32, n: i32| self.value(oid, n, null_elements, depth + 1);
        match t.kind {
            'd' => return format!("({})::{name}", inner(t.base, n)),
            'e' => {
                return format!(
                    "(enum_range(NULL::{name}))[1 + ({n} - 1) % array_length(enum_range(NULL::{name}), 1)]"
                );
            }
            'c' => {
                let fields: Vec<String> = t.fields.iter().map(|f| inner(*f, n)).collect();
                return format!("ROW({})::{name}", fields.join(", "));
            }
            'r' => {
                return format!("{name}({}, {})", inner(t.range_subtype, n), inner(t.range_subtype, n + 1));
            }
            'm' => return format!("{name}({})", inner(t.multirange_of, n)),
            _ => {}
        }
        if t.category == 'A' && t.element != 0 {
            let null = if null_elements { "NULL, " } else { "" };
            return format!("ARRAY[{}, {null}{}]::{name}", inner(t.element, n), inner(t.element, n + 1));
        }
        let base = match name.as_str() {
            "smallint" | "integer" | "bigint" | "numeric" | "real" | "double precision" | "oid" => format!("{n}"),
            "money" => format!("{n}::numeric"),
            "boolean" => format!("({n} % 2 = 0)"),
            "bytea" => format!("convert_to('v{n}', 'UTF8')"),
            "uuid" => format!("md5('{n}')::uuid"),
            "date" => format!("date '2024-01-01' + {n}"),
            "timestamp without time zone" | "timestamp with time zone" => {
                format!("timestamp '2024-01-01' + {n} * interval '1 day'")
            }
            "time without time zone" | "time with time zone" => format!("time '00:00' + {n} * interval '1 minute'"),
            "interval" => format!("{n} * interval '1 hour'"),
            "json" | "jsonb" => format!("json_build_object('n', {n})"),
            "xml" => format!("xmlparse(content '<v>{n}</v>')"),
            "inet" => format!("'10.0.0.{n}'"),
            "cidr" => format!("'10.{n}.0.0/16'"),
            "macaddr" => format!("'08:00:2b:01:02:{n:02x}'"),
            "macaddr8" => format!("'08:00:2b:01:02:03:04:{n:02x}'"),
            "bit" | "bit varying" => format!("{n}::bit(8)"),
            "tsvector" => format!("to_tsvector('simple', 'word{n}')"),
            "tsquery" => format!("to_tsquery('simple', 'word{n}')"),
            "point" => format!("point({n}, {n})"),
            "box" => format!("box(point(0, 0), point({n}, {n}))"),
            "lseg" => format!("lseg(point(0, 0), point({n}, {n}))"),
            "line" => format!("line(point(0, 0), point({n}, {n} + 1))"),
            "circle" => format!("circle(point({n}, {n}), {n})"),
            "path" => format!("'[(0,0),({n},{n})]'"),
            "polygon" => format!("'((0,0),({n},0),({n},{n}))'"),
            "hstore" => format!("hstore('k', '{n}')"),
            "tid" => format!("'(0,{n})'"),
            "pg_lsn" => format!("'0/{n}'"),
            "xid" | "xid8" | "cid" | "regproc" | "regprocedure" | "regoper" | "regoperator"
            | "regclass" | "regtype" | "regrole" | "regnamespace" | "regconfig"
            | "regdictionary" | "regcollation" => format!("'{n}'"),
            _ => format!("'v{n}'"),
        };
        format!("({base})::{name}")
    }
}

struct Column {
    name: String,
    ty: u32,
    typed: String,
    nullable: bool,
    /// The names of the column's own CHECK constraints.
    checks: Vec<String>,
    /// The string literals of those constraints that look like values, not patterns.
    allowed: Vec<String>,
    text: bool,
}

impl Column {
    /// The values to try for row `n`, in order: the one derived from the type, then (for
    /// text that a CHECK refused) the CHECK's own literals and an e-mail-like value.
    fn candidates(&self, catalog: &Catalog, n: i32, null_elements: bool) -> Vec<String> {
        let mut values = vec![format!("({})::{}", catalog.value(self.ty, n, null_elements, 0), self.typed)];
        if self.text && !self.checks.is_empty() {
            for pick in self.allowed.iter().cycle().skip((n as usize - 1) % self.allowed.len().max(1)).take(self.allowed.len()) {
                values.push(format!("'{}'::{}", pick.replace('\'', "''"), self.typed));
            }
            values.push(format!("'v{n}@example.com'::{}", self.typed));
            values.push(format!("'v{n}-x'::{}", self.typed));
        }
        values
    }
}

/// The string literals of a constraint definition (`'a'::text` …).
fn literals(definition: &str) -> Vec<String> {
    definition
        .split('\'')
        .skip(1)
        .step_by(2)
        .filter(|l| !l.contains(['^', '$', '*', '[', '\\', '%', '+']))
        .map(str::to_string)
        .collect()
}

/// Inserts row `n` of `table`: the first candidate of every column, and while a column's
/// own CHECK refuses the row, that column's next candidate. The error when none passes.
async fn insert_row(client: &Client, table: &str, columns: &[Column], catalog: &Catalog, n: i32, state: State) -> Result<(), String> {
    // Odd rows: NULL in every nullable column.
    let nulls = n % 2 == 1;
    let list: Vec<String> = columns.iter().map(|c| format!("\"{}\"", c.name.replace('"', "\"\""))).collect();
    let candidates: Vec<Vec<String>> = columns
        .iter()
        .map(|c| if nulls && c.nullable { vec!["NULL".to_string()] } else { c.candidates(catalog, n, state.null_elements) })
        .collect();
    let mut chosen = vec![0; columns.len()];
    loop {
        let values: Vec<&str> = candidates.iter().zip(&chosen).map(|(c, &i)| c[i].as_str()).collect();
        let sql = format!("INSERT INTO {table} ({}) OVERRIDING SYSTEM VALUE VALUES ({})", list.join(", "), values.join(", "));
        let error = match client.batch_execute(&sql).await {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        let refused = error.as_db_error().and_then(|db| db.constraint()).and_then(|constraint| {
            columns.iter().position(|c| c.checks.iter().any(|name| name == constraint))
        });
        match refused {
            Some(k) if chosen[k] + 1 < candidates[k].len() => chosen[k] += 1,
            _ => return Err(db_message(&error)),
        }
    }
}

/// Empties every table (migration history aside) and fills it for `state`; returns the
/// rows inserted and the problems met (a row a constraint refused is left out).
pub async fn fill(client: &Client, state: State) -> Result<(u64, Vec<String>), String> {
    let tables = client
        .query(
            "SELECT c.oid, format('%I.%I', n.nspname, c.relname) FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
               AND c.relname <> 'refinery_schema_history'
             ORDER BY 2",
            &[],
        )
        .await
        .map_err(|e| format!("listing tables: {e}"))?;
    let names: Vec<String> = tables.iter().map(|r| r.get(1)).collect();
    if !names.is_empty() {
        client
            .batch_execute(&format!("TRUNCATE {} RESTART IDENTITY CASCADE", names.join(", ")))
            .await
            .map_err(|e| format!("emptying tables: {e}"))?;
    }
    // Foreign keys and triggers off while filling: rows of table k reference rows that the
    // same numbering gives the referenced table, so joins still find partners.
    client
        .batch_execute("SET session_replication_role = replica")
        .await
        .map_err(|e| format!("{e}"))?;
    let catalog = Catalog::load(client).await?;
    let mut inserted = 0;
    let mut problems = Vec::new();
    for table in &tables {
        let (oid, name): (u32, String) = (table.get(0), table.get(1));
        let columns: Vec<Column> = client
            .query(
                "SELECT a.attname::text, a.atttypid, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
                        coalesce((SELECT string_agg(pg_get_constraintdef(c.oid), ' ') FROM pg_constraint c
                                  WHERE c.conrelid = a.attrelid AND c.contype = 'c' AND c.conkey = ARRAY[a.attnum]), ''),
                        coalesce((SELECT array_agg(c.conname::text) FROM pg_constraint c
                                  WHERE c.conrelid = a.attrelid AND c.contype = 'c' AND c.conkey = ARRAY[a.attnum]), '{}'),
                        (SELECT typcategory = 'S' FROM pg_type WHERE oid = a.atttypid)
                 FROM pg_attribute a WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                 ORDER BY a.attnum",
                &[&oid],
            )
            .await
            .map_err(|e| format!("columns of {name}: {e}"))?
            .iter()
            .map(|r| Column {
                name: r.get(0),
                ty: r.get(1),
                typed: r.get(2),
                nullable: r.get(3),
                allowed: literals(r.get(4)),
                checks: r.get(5),
                text: r.get::<_, Option<bool>>(6).unwrap_or(false),
            })
            .collect();
        for n in 1..=state.rows {
            match insert_row(client, &name, &columns, &catalog, n, state).await {
                Ok(()) => inserted += 1,
                Err(e) => problems.push(format!("{name} row {n}: {e}")),
            }
        }
    }
    client
        .batch_execute(
            "SET session_replication_role = DEFAULT;
             SELECT setval(c.oid, 1000, false) FROM pg_class c WHERE c.relkind = 'S'",
        )
        .await
        .map_err(|e| format!("{e}"))?;
    Ok((inserted, problems))
}

pub fn db_message(e: &pgbake::__private::tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} (SQLSTATE {})", db.message(), db.code().code()),
        None => format!("{e:?}"),
    }
}

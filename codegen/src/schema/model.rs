//! The schema model the diff compares: every object a schema file declares, each with a
//! canonical text (sqlparser's rendering, identifiers and keywords lower-cased outside
//! quotes), so that two spellings of one definition compare equal.

use std::collections::BTreeMap;

/// A whole schema: what `sql/schema/` declares, or what `sql/migrations/` leave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// Tables by name (`public.` left out).
    pub tables: BTreeMap<String, Table>,
    /// Indexes that are not constraints, by name.
    pub indexes: BTreeMap<String, Index>,
    /// User types (enums, domains, composite types) by name.
    pub types: BTreeMap<String, UserType>,
    /// Views by name.
    pub views: BTreeMap<String, View>,
    /// Functions and procedures by signature (`name(type, …)`).
    pub functions: BTreeMap<String, Function>,
    /// Triggers by `(table, name)`.
    pub triggers: BTreeMap<(String, String), String>,
    /// Comments by target (`TABLE users`, `COLUMN users.email`, …).
    pub comments: BTreeMap<String, String>,
}

/// A table: columns in order and its constraints by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Columns in order.
    pub columns: Vec<Column>,
    /// Constraints by name.
    pub constraints: BTreeMap<String, Constraint>,
}

/// A column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Name.
    pub name: String,
    /// Canonical type (`integer`, `character varying(20)`, `text[]`).
    pub ty: String,
    /// Default expression.
    pub default: Option<String>,
    /// NOT NULL (explicit, or from a primary key).
    pub not_null: bool,
    /// `ALWAYS` or `BY DEFAULT` for an identity column.
    pub identity: Option<String>,
    /// The expression of a `GENERATED ALWAYS AS (…) STORED` column.
    pub generated: Option<String>,
}

/// What a table constraint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConstraintKind {
    /// `PRIMARY KEY`.
    PrimaryKey,
    /// `UNIQUE`.
    Unique,
    /// `FOREIGN KEY`.
    ForeignKey,
    /// `CHECK`.
    Check,
}

/// A table constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    /// Kind.
    pub kind: ConstraintKind,
    /// Canonical definition without the name (`FOREIGN KEY (a) REFERENCES b(id)`).
    pub definition: String,
    /// Columns it covers (key columns; for checks, the columns it mentions).
    pub columns: Vec<String>,
    /// The referenced table of a foreign key.
    pub references: Option<String>,
}

/// An index that no constraint owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// Table it indexes.
    pub table: String,
    /// `CREATE [UNIQUE] INDEX name ON table …` in canonical text, without CONCURRENTLY.
    pub create: String,
    /// Columns it mentions.
    pub columns: Vec<String>,
    /// Its key columns or expressions, in order.
    pub key: Vec<String>,
}

/// A user-defined type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserType {
    /// An enum and its labels in order.
    Enum(Vec<String>),
    /// A domain.
    Domain(Domain),
    /// A composite type: attributes `(name, canonical type)`.
    Composite(Vec<(String, String)>),
}

/// A domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    /// Canonical base type.
    pub base: String,
    /// `COLLATE` collation, as written (`"C"`).
    pub collation: Option<String>,
    /// Default expression.
    pub default: Option<String>,
    /// NOT NULL.
    pub not_null: bool,
    /// Check constraints by name: canonical `CHECK (…)`.
    pub checks: BTreeMap<String, String>,
}

/// A view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// `CREATE VIEW name AS …` in canonical text (without OR REPLACE).
    pub create: String,
    /// The output column names, when they can be read from the select list.
    pub columns: Vec<String>,
    /// A materialized view.
    pub materialized: bool,
}

impl View {
    /// `VIEW` or `MATERIALIZED VIEW`, as DROP and CREATE name it.
    pub fn keyword(&self) -> &'static str {
        if self.materialized {
            "MATERIALIZED VIEW"
        } else {
            "VIEW"
        }
    }
}

/// A function or procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Name (without arguments).
    pub name: String,
    /// `CREATE FUNCTION …` in canonical text (without OR REPLACE).
    pub create: String,
    /// Canonical return type (empty for procedures).
    pub returns: String,
    /// Argument names in order.
    pub arg_names: Vec<String>,
    /// A procedure.
    pub procedure: bool,
}

impl Function {
    /// `FUNCTION` or `PROCEDURE`, as DROP names it.
    pub fn keyword(&self) -> &'static str {
        if self.procedure {
            "PROCEDURE"
        } else {
            "FUNCTION"
        }
    }
}

impl Schema {
    /// The type of a column, when the table and column exist.
    pub fn column(&self, table: &str, column: &str) -> Option<&Column> {
        self.tables
            .get(table)?
            .columns
            .iter()
            .find(|c| c.name == column)
    }
}

impl Table {
    /// The column called `name`.
    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }
}

/// Lower-cases SQL text outside quotes and dollar quotes, and folds white space runs, so
/// that `NOW()` and `now()` compare equal while `'Ada'` and `"Users"` keep their case.
pub fn canonical_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == c {
                        break;
                    }
                }
            }
            c if c.is_whitespace() => space = true,
            c => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

/// `name1_name2_label` clipped to 63 bytes the way PostgreSQL's `makeObjectName` does
/// (the longer of the two names loses characters first).
pub fn object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let mut first = name1.to_string();
    let mut second = name2.unwrap_or_default().to_string();
    let overhead = label.len() + 1 + if name2.is_some() { 1 } else { 0 };
    while first.len() + second.len() + overhead > 63 {
        if first.len() > second.len() {
            first.pop();
        } else {
            second.pop();
        }
    }
    match name2 {
        Some(_) => format!("{first}_{second}_{label}"),
        None => format!("{first}_{label}"),
    }
}

/// The canonical spelling of a type name, as `format_type` prints it.
pub fn canonical_type(text: &str) -> String {
    let text = canonical_text(text);
    let (base, array) = match text.find('[') {
        Some(at) => (text[..at].trim().to_string(), "[]"),
        None => (text.clone(), ""),
    };
    let (name, modifier) = match base.find('(') {
        Some(at) => (base[..at].trim(), base[at..].replace(' ', "")),
        None => (base.as_str(), String::new()),
    };
    let name = match name {
        "int" | "int4" | "integer" => "integer",
        "int8" | "bigint" => "bigint",
        "int2" | "smallint" => "smallint",
        "bool" | "boolean" => "boolean",
        "varchar" | "character varying" => "character varying",
        "char" | "character" | "bpchar" => "character",
        "float8" | "double precision" | "float" => "double precision",
        "float4" | "real" => "real",
        "decimal" | "numeric" => "numeric",
        "timestamptz" | "timestamp with time zone" => "timestamp with time zone",
        "timestamp" | "timestamp without time zone" => "timestamp without time zone",
        "timetz" | "time with time zone" => "time with time zone",
        "time" | "time without time zone" => "time without time zone",
        other => other.strip_prefix("public.").unwrap_or(other),
    };
    let name = match (name, modifier.as_str()) {
        ("timestamp with time zone", m) if !m.is_empty() => format!("timestamp{m} with time zone"),
        ("timestamp without time zone", m) if !m.is_empty() => {
            format!("timestamp{m} without time zone")
        }
        (name, m) => format!("{name}{m}"),
    };
    format!("{name}{array}")
}

/// A relation or type name without `public.` and with its case folded.
pub fn canonical_name(text: &str) -> String {
    let text = canonical_text(text);
    let text = text.strip_prefix("public.").unwrap_or(&text).to_string();
    text.replace('"', "")
}

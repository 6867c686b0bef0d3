//! Plain data handed from lowering to emit and to `describe`: one `Query` per annotated query.

use std::fmt;

/// One annotated query, fully typed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Query {
    /// Module name: the query file's stem (`users` for `sql/queries/users.sql`).
    pub module: String,
    /// Query name from the `--!` header (a valid Rust identifier, maybe a keyword).
    pub name: String,
    /// Path of the query file as shown to the user.
    pub file: String,
    /// 1-based line of the `--!` header in `file`.
    pub line: usize,
    /// What the generated function returns.
    pub cardinality: Cardinality,
    /// The statement sent to the server, with `:named` parameters replaced by `$n`.
    pub sql: String,
    /// The `---` doc lines, without the `---` marker (one leading space removed).
    pub docs: Vec<String>,
    /// Parameters in `$n` order (`params[0]` is `$1`).
    pub params: Vec<Param>,
    /// Output columns in order; empty for statements that return no rows.
    pub columns: Vec<Column>,
    /// For `:copy`: the binary COPY that loads rows instead of the INSERT.
    pub copy: Option<CopyTarget>,
    /// Parameters of optional filters (`--? name`), as indices into `params`: bit `j` of
    /// a variant's index is whether `params[optional[j]]` is given. They are `Option`.
    pub optional: Vec<usize>,
    /// With optional filters, one statement per combination, indexed by the bit mask of
    /// the given filters (the last one is `sql`); empty otherwise.
    pub variants: Vec<Variant>,
}

/// The statement run for one combination of given and absent optional filters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Variant {
    /// The statement, absent filters left out, parameters renumbered.
    pub sql: String,
    /// For each of its `$n` in order, the index into the query's `params`.
    pub params: Vec<usize>,
}

/// How a `:copy` query's single-row `INSERT INTO t (cols) VALUES (:a, :b, …)` becomes a
/// binary `COPY t (cols) FROM STDIN`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CopyTarget {
    /// `COPY <table> (<columns>) FROM STDIN (FORMAT binary)`.
    pub statement: String,
    /// For each COPY column in order, the index of the parameter that fills it.
    pub param_for_column: Vec<usize>,
}

/// The cardinality written after the query name in the header.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Cardinality {
    /// `:one` — exactly one row; no row is an error.
    One,
    /// `:opt` — zero or one row.
    Opt,
    /// `:many` — any number of rows (a Vec and a stream).
    Many,
    /// `:exec` — rows affected.
    Exec,
    /// `:copy` — bulk load of many rows through a single-row `INSERT … VALUES`.
    Copy,
}

impl Cardinality {
    /// The spelling used in headers and in describe's JSON (`one`, `opt`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Cardinality::One => "one",
            Cardinality::Opt => "opt",
            Cardinality::Many => "many",
            Cardinality::Exec => "exec",
            Cardinality::Copy => "copy",
        }
    }

    /// Parses the word after `:` in a header.
    pub fn parse(word: &str) -> Option<Cardinality> {
        Some(match word {
            "one" => Cardinality::One,
            "opt" => Cardinality::Opt,
            "many" => Cardinality::Many,
            "exec" => Cardinality::Exec,
            "copy" => Cardinality::Copy,
            _ => return None,
        })
    }
}

/// One `$n` parameter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Param {
    /// The `:name` written in the SQL (without the colon).
    pub name: String,
    /// The Rust argument or field name.
    pub field: String,
    /// The type the server will infer for it.
    pub pg_type: PgType,
    /// Whether the generated function takes an `Option` (from a `?` override, or a
    /// parameter that sets a nullable column in INSERT/UPDATE).
    pub nullable: bool,
    /// The Rust argument type (`&str`, `Option<i64>`, `&[uuid::Uuid]`); `None` when the
    /// type has no Rust mapping (then the query cannot be generated).
    pub rust_type: Option<String>,
}

/// One output column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Column {
    /// The name PostgreSQL reports (may repeat, may be `?column?`, may need quoting).
    pub name: String,
    /// The Rust field name (`?column?` -> `column`).
    pub field: String,
    /// The type PostgreSQL reports.
    pub pg_type: PgType,
    /// Whether the value can be NULL (then the Rust field is an `Option`).
    pub nullable: bool,
    /// For an array: whether an element can be NULL (then the field is `Vec<Option<T>>`).
    /// When inference cannot say (an array column of a table), the field is `Vec<T>` and a
    /// NULL element is a decode error that names the `-> (column[?])` override.
    pub element_nullable: bool,
    /// The owned Rust field type (`String`, `Option<chrono::NaiveDate>`); `None` when the
    /// type has no Rust mapping (then the query cannot be generated).
    pub rust_type: Option<String>,
}

/// A PostgreSQL type as the server describes it.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct PgType {
    /// `pg_type.typname` of the type, or of the element type when `array` is set
    /// (`int4`, `text`, `mood`); never schema-qualified.
    pub name: String,
    /// Whether this is an array of `name` (PostgreSQL does not track dimensions).
    pub array: bool,
    /// What kind of type `name` is.
    pub kind: TypeKind,
}

/// The kind of a (non-array) type, with what emit needs to map it.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum TypeKind {
    /// A built-in or extension base type (`int4`, `citext`, `tsvector`, …).
    Base,
    /// A user-defined enum.
    Enum {
        /// Schema the enum lives in (`public` unless qualified).
        schema: String,
        /// Labels in declaration order (after every ADD/RENAME VALUE).
        variants: Vec<String>,
    },
    /// A user-defined domain over `base`.
    Domain {
        /// Schema the domain lives in.
        schema: String,
        /// The underlying type (itself never a domain).
        base: Box<PgType>,
    },
    /// A composite type (table row type or `CREATE TYPE … AS (…)`).
    Composite {
        /// Schema the type lives in.
        schema: String,
        /// Attributes in order (a table's columns for its row type); always nullable,
        /// since PostgreSQL keeps no NOT NULL on the fields of a composite value.
        fields: Vec<CompositeField>,
    },
    /// A pseudo-type such as `void` or `record`.
    Pseudo,
}

/// One attribute of a composite type.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct CompositeField {
    /// The attribute name.
    pub name: String,
    /// Its type.
    pub ty: PgType,
}

impl PgType {
    /// A built-in base type by typname (`PgType::base("int4")`).
    pub fn base(name: &str) -> PgType {
        PgType {
            name: name.to_string(),
            array: false,
            kind: TypeKind::Base,
        }
    }

    /// The array type whose elements are `self`.
    pub fn to_array(&self) -> PgType {
        PgType {
            array: true,
            ..self.clone()
        }
    }

    /// The element type of an array (`self` unchanged when not an array).
    pub fn element(&self) -> PgType {
        PgType {
            array: false,
            ..self.clone()
        }
    }
}

impl fmt::Display for PgType {
    /// `typname`, or `typname[]` for arrays — the spelling of describe's `pg_type`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.array {
            write!(f, "{}[]", self.name)
        } else {
            f.write_str(&self.name)
        }
    }
}

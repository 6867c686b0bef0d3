//! The schema catalog: tables, views, user types and functions, built by replaying migrations.

mod names;
mod replay;
mod typename;

use std::collections::BTreeMap;

pub(crate) use names::{ident, object_name, resolve_type};
pub use replay::replay;
pub use typename::parse_type_name;

use crate::ir::{PgType, TypeKind};
pub use crate::pg::Ty;

/// Types the query of a view or `CREATE TABLE … AS`. The catalog takes it as a parameter so
/// that it never imports inference (inference implements it: `infer::Typer`).
pub trait QueryTyper {
    /// The output columns of `query` over `catalog`, or why it cannot be typed.
    fn output_columns(
        &self,
        catalog: &Catalog,
        query: &sqlparser::ast::Query,
    ) -> Result<Vec<ColumnDef>, String>;
}

/// What a relation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RelationKind {
    /// `CREATE TABLE`.
    Table,
    /// `CREATE VIEW`.
    View,
    /// `CREATE MATERIALIZED VIEW`.
    MaterializedView,
}

/// A table, view or materialized view.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Relation {
    /// Schema (`public` unless qualified).
    pub schema: String,
    /// Name.
    pub name: String,
    /// Table, view or materialized view.
    pub kind: RelationKind,
    /// Columns in order.
    pub columns: Vec<ColumnDef>,
}

/// A column of a relation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ColumnDef {
    /// Column name.
    pub name: String,
    /// Column type (domains are kept as the domain).
    pub ty: Ty,
    /// NOT NULL (explicit, primary key, or a NOT NULL domain for tables; inferred for views).
    pub not_null: bool,
    /// Has a default, serial or identity (may be left out of an INSERT).
    pub has_default: bool,
}

/// A user-defined type.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum UserTypeDef {
    /// `CREATE TYPE … AS ENUM`.
    Enum(Vec<String>),
    /// `CREATE DOMAIN … AS base`.
    Domain {
        /// Base type (itself not a domain).
        base: Ty,
        /// The domain has a NOT NULL constraint.
        not_null: bool,
    },
    /// `CREATE TYPE … AS (…)`.
    Composite(Vec<ColumnDef>),
}

/// A user-defined type with its schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserType {
    /// Schema the type lives in.
    pub schema: String,
    /// The definition.
    pub def: UserTypeDef,
}

/// A user-defined function (or procedure) signature.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserFunction {
    /// Schema.
    pub schema: String,
    /// Function name.
    pub name: String,
    /// Input argument types (IN and INOUT and VARIADIC).
    pub args: Vec<Ty>,
    /// Input argument names, `""` where unnamed (for named notation `f(a => 1)`).
    pub arg_names: Vec<String>,
    /// Number of trailing arguments with defaults.
    pub defaults: usize,
    /// The last argument is VARIADIC (its type is the array type).
    pub variadic: bool,
    /// Return type (`record` for OUT params / TABLE with several columns, `void` for procedures).
    pub returns: Ty,
    /// RETURNS SETOF / TABLE.
    pub returns_set: bool,
    /// Output columns for RETURNS TABLE or OUT parameters.
    pub out_columns: Vec<ColumnDef>,
    /// A procedure (`CREATE PROCEDURE`), called with CALL.
    pub procedure: bool,
    /// `STRICT` / `RETURNS NULL ON NULL INPUT` (NULL in, NULL out, the body not run).
    pub strict: bool,
}

/// The schema as the migrations leave it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Catalog {
    /// Relations by (schema, name).
    #[serde(with = "pairs")]
    pub relations: BTreeMap<(String, String), Relation>,
    /// User types by (schema, name).
    #[serde(with = "pairs")]
    pub types: BTreeMap<(String, String), UserType>,
    /// User functions and procedures.
    pub functions: Vec<UserFunction>,
    /// Sequences by (schema, name).
    pub sequences: Vec<(String, String)>,
    /// Sequences created for serial and identity columns, with their table (dropped
    /// with it).
    pub owned_sequences: Vec<((String, String), (String, String))>,
}

impl Catalog {
    /// Finds a relation by an optionally qualified name (`search_path` is `public`, then
    /// `pg_catalog`; an unqualified name also matches any schema when it is unique).
    pub fn relation(&self, schema: Option<&str>, name: &str) -> Option<&Relation> {
        match schema {
            Some(schema) => self.relations.get(&(schema.to_string(), name.to_string())),
            None => self
                .relations
                .get(&("public".to_string(), name.to_string()))
                .or_else(|| {
                    self.relations
                        .get(&("pg_temp".to_string(), name.to_string()))
                }),
        }
    }

    /// The name PostgreSQL gives the sequence of a serial or identity column:
    /// `makeObjectName(table, column, "seq")` (the longer of the two names clipped so the
    /// result fits in 63 bytes), with a number after `seq` while the name is taken
    /// (`ChooseRelationName`).
    pub fn implicit_sequence_name(&self, schema: &str, table: &str, column: &str) -> String {
        fn clip(s: &str, n: usize) -> &str {
            let mut n = n.min(s.len());
            while !s.is_char_boundary(n) {
                n -= 1;
            }
            &s[..n]
        }
        let mut pass = 0;
        loop {
            let label = if pass == 0 {
                "seq".to_string()
            } else {
                format!("seq{pass}")
            };
            let available = 63 - (1 + label.len() + 1);
            let (mut n1, mut n2) = (table.len(), column.len());
            while n1 + n2 > available {
                if n1 > n2 {
                    n1 -= 1;
                } else {
                    n2 -= 1;
                }
            }
            let name = format!("{}_{}_{label}", clip(table, n1), clip(column, n2));
            let key = (schema.to_string(), name.clone());
            if !self.relations.contains_key(&key) && !self.sequences.contains(&key) {
                return name;
            }
            pass += 1;
        }
    }

    /// Whether a relation or sequence of that name exists (what a regclass literal
    /// names), `search_path` being `public` then `pg_catalog`.
    pub fn regclass_exists(&self, schema: Option<&str>, name: &str) -> bool {
        let has_sequence = |s: &str| self.sequences.iter().any(|(x, n)| x == s && n == name);
        match schema {
            Some(schema) => {
                self.relations
                    .contains_key(&(schema.to_string(), name.to_string()))
                    || has_sequence(schema)
                    || crate::pg::system_relation(Some(schema), name).is_some()
            }
            None => {
                self.relation(None, name).is_some()
                    || has_sequence("public")
                    || has_sequence("pg_temp")
                    || crate::pg::system_relation(None, name).is_some()
            }
        }
    }

    /// Finds a user type by bare name (schema optional).
    pub fn user_type(&self, schema: Option<&str>, name: &str) -> Option<&UserType> {
        match schema {
            Some(schema) => self.types.get(&(schema.to_string(), name.to_string())),
            None => self
                .types
                .get(&("public".to_string(), name.to_string()))
                .or_else(|| {
                    // `pg_catalog` comes first on the search path: a built-in name is the
                    // built-in type (and every lookup of `int4` would otherwise walk all
                    // user types).
                    if crate::pg::builtins::type_exists(name) {
                        return None;
                    }
                    self.types
                        .iter()
                        .find(|((_, n), _)| n == name)
                        .map(|(_, t)| t)
                }),
        }
    }

    /// The table, view or materialized view whose row type is called `name`, in any schema
    /// (`public` first); `None` for a built-in type name, which `pg_catalog` resolves first.
    fn row_type(&self, name: &str) -> Option<&Relation> {
        if crate::pg::builtins::type_exists(name) {
            return None;
        }
        self.relation(None, name)
            .or_else(|| self.relations.values().find(|r| r.name == name))
    }

    /// The base type of a domain (the type itself otherwise), keeping the array flag.
    pub fn base_type(&self, ty: &Ty) -> Ty {
        if let Some(UserType {
            def: UserTypeDef::Domain { base, .. },
            ..
        }) = self.user_type(None, &ty.name)
        {
            return Ty {
                name: base.name.clone(),
                array: ty.array || base.array,
            };
        }
        ty.clone()
    }

    /// Converts an inference type to the IR type, with enum labels and domain bases.
    pub fn to_pg_type(&self, ty: &Ty) -> PgType {
        self.to_pg_type_within(ty, 0)
    }

    /// `to_pg_type`, `depth` composite types deep (PostgreSQL refuses a composite type that
    /// contains itself; the bound only guards against a catalog the replay got wrong).
    fn to_pg_type_within(&self, ty: &Ty, depth: usize) -> PgType {
        let fields = |columns: &[ColumnDef]| {
            if depth >= 16 {
                return Vec::new();
            }
            columns
                .iter()
                .map(|c| crate::ir::CompositeField {
                    name: c.name.clone(),
                    ty: self.to_pg_type_within(&c.ty, depth + 1),
                })
                .collect()
        };
        let kind = match self.user_type(None, &ty.name) {
            Some(UserType {
                schema,
                def: UserTypeDef::Enum(labels),
            }) => TypeKind::Enum {
                schema: schema.clone(),
                variants: labels.clone(),
            },
            Some(UserType {
                schema,
                def: UserTypeDef::Domain { base, .. },
            }) => TypeKind::Domain {
                schema: schema.clone(),
                base: Box::new(self.to_pg_type_within(base, depth)),
            },
            Some(UserType {
                schema,
                def: UserTypeDef::Composite(columns),
            }) => TypeKind::Composite {
                schema: schema.clone(),
                fields: fields(columns),
            },
            None => match self.row_type(&ty.name) {
                Some(relation) => TypeKind::Composite {
                    schema: relation.schema.clone(),
                    fields: fields(&relation.columns),
                },
                None if crate::pg::builtins::is_pseudo(&ty.name) => TypeKind::Pseudo,
                None => TypeKind::Base,
            },
        };
        PgType {
            name: ty.name.clone(),
            array: ty.array,
            kind,
        }
    }
}

/// A map keyed by `(schema, name)` stored as a list of pairs (JSON keys are strings).
mod pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<V: Serialize, S: Serializer>(
        map: &BTreeMap<(String, String), V>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(map.iter())
    }

    pub fn deserialize<'de, V: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<(String, String), V>, D::Error> {
        Vec::<((String, String), V)>::deserialize(deserializer)
            .map(|pairs| pairs.into_iter().collect())
    }
}

//! Type and nullability inference for parameters and output columns, following
//! PostgreSQL's resolution rules over the replayed catalog and the built-in tables.
//!
//! `statement` dispatches a statement; `query` (WITH, set operations, VALUES, ORDER BY),
//! `select` (WHERE, GROUP BY, select list) and `dml` (INSERT/UPDATE/DELETE, RETURNING)
//! infer its clauses over the scopes `from` builds (`scope`: entries, columns, `*`);
//! `expr` and `functions` type expressions; `nullability` holds the rules that look at a
//! whole clause; `resolve` is PostgreSQL's chapter 10; `context` and `value` hold the
//! state and the inferred values.

mod context;
mod dml;
mod expr;
mod from;
mod functions;
mod nullability;
mod query;
pub(crate) mod resolve;
mod scope;
mod select;
mod statement;
mod utility;
mod value;

pub use utility::utility_statement;

use sqlparser::ast::{Query, Statement};
use sqlparser::tokenizer::Span;

use crate::catalog::{Catalog, ColumnDef, Ty};
use crate::diagnostic::Code;

/// Why a query could not be typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferError {
    /// What is wrong, lowercase.
    pub message: String,
    /// Where, in the parsed statement's text (1-based line/column); empty when unknown.
    pub span: Span,
    /// What to do about it.
    pub help: Option<String>,
    /// The kind of problem (`type-inference` unless more is known).
    pub code: Code,
}

impl InferError {
    /// Sets the span when the error has none yet: callers pass `Span::empty()` down and
    /// add the expression's span only on error, since computing the span of a composite
    /// expression walks all of it (quadratic on long `a + b + …` chains).
    pub(crate) fn or_span(mut self, span: Span) -> Self {
        if self.span == Span::empty() {
            self.span = span;
        }
        self
    }

    pub(crate) fn new(message: impl Into<String>, span: Span) -> Self {
        InferError {
            message: message.into(),
            span,
            help: None,
            code: Code::TypeInference,
        }
    }

    /// Marks the kind of problem.
    pub(crate) fn code(mut self, code: Code) -> Self {
        self.code = code;
        self
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The inferred signature of one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inferred {
    /// Parameter types in `$n` order.
    pub params: Vec<Ty>,
    /// Whether a parameter may be NULL: the statement gives its NULL a meaning (a
    /// nullable target column, `IS [NOT] NULL`, `IS DISTINCT FROM`, a non-strict function,
    /// an array element) and NULL does not always reach a NOT NULL column.
    pub param_nullable: Vec<bool>,
    /// Output columns (`not_null` is the inferred non-nullability).
    pub columns: Vec<ColumnDef>,
    /// For each output column, whether it is an array whose elements can be NULL.
    pub column_element_nulls: Vec<bool>,
    /// The statement can return rows (SELECT, VALUES, or DML with RETURNING).
    pub returns_rows: bool,
}

/// Infers a statement with `param_count` parameters `$1..$n`.
pub fn infer_statement(
    catalog: &Catalog,
    statement: &Statement,
    param_count: usize,
) -> Result<Inferred, InferError> {
    let mut cx = context::Inference::new(catalog, param_count);
    let (columns, returns_rows) = cx.statement(statement)?;
    if let Some((i, first, second)) = &cx.param_conflict {
        return Err(InferError::new(
            format!(
                "inconsistent types deduced for parameter ${}: {first} versus {second}",
                i + 1
            ),
            cx.param_span(*i),
        )
        .help("use one parameter per type, or cast it where it is used, e.g. `:name::text`"));
    }
    let mut params = Vec::new();
    for (i, p) in cx.params.iter().enumerate() {
        match p {
            Some(t) => params.push(t.clone()),
            None => {
                return Err(InferError::new(
                    format!("could not determine the data type of parameter ${}", i + 1),
                    cx.param_span(i),
                )
                .help("add a cast like `:name::text` or compare it with a column"));
            }
        }
    }
    let column_element_nulls = columns.iter().map(|c| c.element_nulls).collect();
    Ok(Inferred {
        params,
        column_element_nulls,
        param_nullable: (0..param_count).map(|i| cx.param_nullable(i)).collect(),
        columns: column_defs(columns),
        returns_rows,
    })
}

/// Types views and `CREATE TABLE … AS` for the catalog's replay.
#[derive(Debug, Clone, Copy, Default)]
pub struct Typer;

impl crate::catalog::QueryTyper for Typer {
    fn output_columns(&self, catalog: &Catalog, query: &Query) -> Result<Vec<ColumnDef>, String> {
        relation_columns(catalog, query).map_err(|e| e.message)
    }
}

/// Output columns of a view's or CREATE TABLE AS's query.
pub fn relation_columns(catalog: &Catalog, query: &Query) -> Result<Vec<ColumnDef>, InferError> {
    let mut cx = context::Inference::new(catalog, 0);
    let columns = cx.query(query)?;
    Ok(column_defs(columns))
}

/// Inferred output columns as the catalog's column definitions.
fn column_defs(columns: Vec<scope::Col>) -> Vec<ColumnDef> {
    columns
        .into_iter()
        .map(|c| ColumnDef {
            name: c.name,
            ty: c.ty,
            not_null: !c.nullable,
            has_default: false,
        })
        .collect()
}

//! Typing of the utility statements `syntax::utility` recognises: they return no rows and
//! take no parameters.

use sqlparser::tokenizer::Span;

use super::{InferError, Inferred};
use crate::catalog::{Catalog, RelationKind};
use crate::diagnostic::Code;
use crate::syntax::Utility;

/// Types `DO …`, `REFRESH MATERIALIZED VIEW …` and `ALTER SEQUENCE …`. `None` when `sql`
/// is none of them.
pub fn utility_statement(
    catalog: &Catalog,
    sql: &str,
    param_count: usize,
) -> Option<Result<Inferred, InferError>> {
    let utility = crate::syntax::utility_statement(sql)?;
    let none = Inferred {
        params: Vec::new(),
        param_nullable: Vec::new(),
        column_element_nulls: Vec::new(),
        columns: Vec::new(),
        returns_rows: false,
    };
    let what = match utility {
        Utility::Do => "a DO block",
        Utility::RefreshMaterializedView { .. } => "REFRESH MATERIALIZED VIEW",
        Utility::AlterSequence { .. } => "ALTER SEQUENCE",
    };
    if param_count > 0 {
        return Some(Err(InferError::new(
            format!("{what} cannot take parameters"),
            Span::empty(),
        )));
    }
    let (schema, name) = match utility {
        Utility::Do => return Some(Ok(none)),
        Utility::AlterSequence {
            if_exists,
            schema,
            name,
        } => return Some(alter_sequence(catalog, if_exists, schema, name).map(|()| none)),
        Utility::RefreshMaterializedView { schema, name } => (schema, name),
    };
    let Some(name) = name else {
        return Some(Err(InferError::new(
            "expected the materialized view's name",
            Span::empty(),
        )));
    };
    Some(match catalog.relation(schema.as_deref(), &name) {
        Some(r) if r.kind == RelationKind::MaterializedView => Ok(none),
        Some(_) => Err(InferError::new(
            format!("`{name}` is not a materialized view"),
            Span::empty(),
        )),
        None => Err(
            InferError::new(format!("relation `{name}` does not exist"), Span::empty())
                .code(Code::UnknownRelation)
                .help("check the name against the migrations"),
        ),
    })
}

/// `ALTER SEQUENCE`: the sequence must exist unless `IF EXISTS` is written.
fn alter_sequence(
    catalog: &Catalog,
    if_exists: bool,
    schema: Option<String>,
    name: Option<String>,
) -> Result<(), InferError> {
    let Some(name) = name else {
        return Err(InferError::new(
            "expected the sequence's name",
            Span::empty(),
        ));
    };
    let schema = schema.unwrap_or_else(|| "public".into());
    if if_exists || catalog.sequences.contains(&(schema.clone(), name.clone())) {
        return Ok(());
    }
    Err(
        InferError::new(format!("sequence `{schema}.{name}` does not exist"), Span::empty())
            .code(Code::UnknownRelation)
            .help("check the name against the migrations (a serial or identity column's sequence is `<table>_<column>_seq`)"),
    )
}

//! Typing of the utility statements `syntax::utility` recognises: they return no rows and
//! take no parameters.

use sqlparser::tokenizer::Span;

use super::{InferError, Inferred};
use crate::catalog::{Catalog, RelationKind};
use crate::diagnostic::Code;
use crate::syntax::Utility;

/// Types `DO …` and `REFRESH MATERIALIZED VIEW …`. `None` when `sql` is neither.
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
    };
    if param_count > 0 {
        return Some(Err(InferError::new(
            format!("{what} cannot take parameters"),
            Span::empty(),
        )));
    }
    let Utility::RefreshMaterializedView { schema, name } = utility else {
        return Some(Ok(none));
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

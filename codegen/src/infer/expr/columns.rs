//! Column references: a name looked up in the scopes from the innermost out, a whole-row
//! reference, or a keyword-like function written without parentheses.

use sqlparser::tokenizer::Span;

use crate::catalog::Ty;
use crate::diagnostic::Code;
use crate::infer::InferError;
use crate::infer::context::Inference;
use crate::infer::scope::Lookup;
use crate::infer::value::Val;

impl Inference<'_> {
    /// `name`, `table.name` or `schema.table.name`.
    pub(super) fn column(&mut self, parts: &[String], span: Span) -> Result<Val, InferError> {
        let (qualifier, name) = match parts {
            [name] => (None, name.as_str()),
            [q, name] => (Some(q.as_str()), name.as_str()),
            [_, q, name] => (Some(q.as_str()), name.as_str()),
            _ => return Err(InferError::new("unsupported column reference", span)),
        };
        for scope in self.scopes.iter().rev() {
            match scope.lookup(qualifier, name, span)? {
                Lookup::Column(c) => {
                    // In GROUPING SETS, a column outside an aggregate is NULL in the sets
                    // without it.
                    let grouped_away =
                        self.select.grouping_sets && self.select.aggregate_depth == 0;
                    let element_nulls = c.element_nulls;
                    return Ok(Val::known(c.ty, c.nullable || grouped_away, Some(c.name))
                        .with_element_nulls(element_nulls));
                }
                Lookup::WholeRow(row_type) => {
                    let ty = match row_type {
                        Some(ty) => ty,
                        None if self.catalog.relation(None, name).is_some() => Ty::new(name),
                        None => Ty::new("record"),
                    };
                    return Ok(Val::known(ty, false, Some(name.to_string())));
                }
                Lookup::NotFound => {}
            }
        }
        // Keyword-like functions without parentheses.
        if qualifier.is_none()
            && let Some(ty) = crate::pg::sql_value_function_type(name)
        {
            return Ok(Val::known(Ty::new(ty), false, Some(name.to_string())));
        }
        match qualifier {
            Some(q) => Err(InferError::new(
                format!("missing FROM-clause entry for table `{q}`"),
                span,
            )),
            None => Err(
                InferError::new(format!("column `{name}` does not exist"), span)
                    .code(Code::UnknownColumn)
                    .help("check the column name against the migrations"),
            ),
        }
    }
}

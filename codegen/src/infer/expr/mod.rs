//! Expressions: one dispatch over sqlparser's `Expr` to the family that types it.

mod columns;
mod composite;
mod conditional;
mod literals;
mod operators;
mod predicates;
mod sql_functions;
mod subquery;

pub(crate) use composite::row_items;
pub(crate) use operators::operator_name;

use sqlparser::ast::{Expr, Spanned};

use super::InferError;
use super::context::Inference;
use super::value::Val;
use crate::catalog::ident;

impl Inference<'_> {
    /// Infers an expression's type, nullability and output name.
    pub fn expr(&mut self, e: &Expr) -> Result<Val, InferError> {
        match e {
            Expr::Identifier(i) => self.column(&[ident(i)], e.span()),
            Expr::CompoundIdentifier(parts) => {
                let parts: Vec<String> = parts.iter().map(ident).collect();
                self.column(&parts, e.span())
            }
            Expr::Value(v) => self.value(&v.value, e.span()),
            Expr::TypedString(_) | Expr::Cast { .. } | Expr::Interval(_) => self.typed(e),
            Expr::Nested(inner) => self.expr(inner),
            Expr::Collate { expr, .. } => self.expr(expr),
            Expr::IsNull(_)
            | Expr::IsNotNull(_)
            | Expr::IsTrue(_)
            | Expr::IsNotTrue(_)
            | Expr::IsFalse(_)
            | Expr::IsNotFalse(_)
            | Expr::IsUnknown(_)
            | Expr::IsNotUnknown(_)
            | Expr::IsDistinctFrom(..)
            | Expr::IsNotDistinctFrom(..) => self.is_predicate(e),
            Expr::BinaryOp { left, op, right } => self.binary_expr(e, left, op, right),
            Expr::UnaryOp { op, expr } => self.unary_expr(e, op, expr),
            Expr::InList { .. }
            | Expr::InUnnest { .. }
            | Expr::Between { .. }
            | Expr::Like { .. }
            | Expr::ILike { .. }
            | Expr::SimilarTo { .. }
            | Expr::AnyOp { .. }
            | Expr::AllOp { .. } => self.comparison_predicate(e),
            Expr::InSubquery { .. } | Expr::Exists { .. } | Expr::Subquery(_) => {
                self.subquery_expr(e)
            }
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => self.case(e, operand.as_deref(), conditions, else_result.as_deref()),
            Expr::Extract { .. }
            | Expr::Ceil { .. }
            | Expr::Floor { .. }
            | Expr::Position { .. }
            | Expr::Substring { .. }
            | Expr::Trim { .. }
            | Expr::Overlay { .. }
            | Expr::AtTimeZone { .. } => self.sql_function(e),
            Expr::Function(f) => Ok(self.function_call(f, false)?.0),
            Expr::Array(_)
            | Expr::CompoundFieldAccess { .. }
            | Expr::Tuple(_)
            | Expr::GroupingSets(_)
            | Expr::Cube(_)
            | Expr::Rollup(_) => self.composite(e),
            other => Err(unsupported(other)),
        }
    }
}

/// The error for an expression no family types.
fn unsupported(e: &Expr) -> InferError {
    InferError::new(format!("unsupported expression `{e}`"), e.span())
        .help("add a cast like `:name::text` or an override, or report the construct")
}

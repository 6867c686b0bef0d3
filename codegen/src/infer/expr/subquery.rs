//! Subqueries in expressions: scalar subqueries, EXISTS, and `IN`/`op ANY`/`op ALL`
//! over a subquery's rows.

use sqlparser::ast::{Expr, Query, Spanned};
use sqlparser::tokenizer::Span;

use super::{row_items, unsupported};
use crate::infer::InferError;
use crate::infer::context::Inference;
use crate::infer::nullability::always_one_row;
use crate::infer::value::Val;

impl Inference<'_> {
    /// `x IN (SELECT …)`, `(a, b) IN (SELECT …)`, `EXISTS (…)` and `(SELECT …)`.
    pub(super) fn subquery_expr(&mut self, e: &Expr) -> Result<Val, InferError> {
        match e {
            Expr::InSubquery { expr, subquery, .. } => match row_items(expr) {
                Some(items) => self.row_in_subquery(e, &items, subquery),
                None => {
                    let l = self.expr(expr)?;
                    self.compare_with_subquery("=", &l, subquery, e)?;
                    Ok(Val::bool(true))
                }
            },
            Expr::Exists { subquery, .. } => {
                self.query(subquery)?;
                Ok(Val::bool(false).named("exists", 2))
            }
            Expr::Subquery(q) => self.scalar_subquery(e, q),
            other => Err(unsupported(other)),
        }
    }

    /// `l op` each row of a one-column subquery: `l` meets the column's type.
    pub(super) fn compare_with_subquery(
        &mut self,
        op: &str,
        l: &Val,
        subquery: &Query,
        e: &Expr,
    ) -> Result<(), InferError> {
        let cols = self.query(subquery)?;
        if let Some(c) = cols.first() {
            let r = Val::known(c.ty.clone(), c.nullable, None);
            self.binary(op, l, &r, Span::empty())
                .map_err(|err| err.or_span(e.span()))?;
        }
        Ok(())
    }

    fn row_in_subquery(
        &mut self,
        e: &Expr,
        items: &[Expr],
        subquery: &Query,
    ) -> Result<Val, InferError> {
        let mut ls = Vec::new();
        for item in items {
            ls.push(self.expr(item)?);
        }
        let cols = self.query(subquery)?;
        if cols.len() != ls.len() {
            return Err(InferError::new(
                "subquery has the wrong number of columns",
                e.span(),
            ));
        }
        for (l, c) in ls.iter().zip(&cols) {
            let r = Val::known(c.ty.clone(), c.nullable, None);
            self.binary("=", l, &r, Span::empty())
                .map_err(|err| err.or_span(e.span()))?;
        }
        Ok(Val::bool(true))
    }

    fn scalar_subquery(&mut self, e: &Expr, q: &Query) -> Result<Val, InferError> {
        let cols = self.query(q)?;
        let Some(c) = cols.first() else {
            return Err(InferError::new("subquery must return a column", e.span()));
        };
        if cols.len() > 1 {
            return Err(InferError::new(
                "subquery must return only one column",
                e.span(),
            ));
        }
        // A scalar subquery is NULL when it finds no row, unless it always returns
        // exactly one: then its column decides.
        let nullable = c.nullable || !always_one_row(q);
        Ok(Val::known(c.ty.clone(), nullable, Some(c.name.clone())))
    }
}

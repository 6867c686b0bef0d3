//! Predicates: `IS [NOT] NULL/TRUE/FALSE/UNKNOWN/DISTINCT FROM`, `IN (list)`, BETWEEN,
//! LIKE/ILIKE (also `LIKE ANY`), SIMILAR TO and `op ANY/ALL`.

use sqlparser::ast::{Expr, Spanned};
use sqlparser::tokenizer::Span;

use super::{operator_name, unsupported};
use crate::catalog::Ty;
use crate::infer::InferError;
use crate::infer::context::Inference;
use crate::infer::value::Val;

impl Inference<'_> {
    /// The `IS …` tests: never NULL themselves, and each one gives NULL in its operands a
    /// meaning (a parameter tested there may be NULL).
    pub(super) fn is_predicate(&mut self, e: &Expr) -> Result<Val, InferError> {
        match e {
            Expr::IsNull(x) | Expr::IsNotNull(x) => {
                let v = self.expr(x)?;
                self.null_has_meaning(&v);
            }
            Expr::IsTrue(x)
            | Expr::IsNotTrue(x)
            | Expr::IsFalse(x)
            | Expr::IsNotFalse(x)
            | Expr::IsUnknown(x)
            | Expr::IsNotUnknown(x) => {
                let v = self.expr(x)?;
                self.settle(&v, &Ty::new("bool"));
                self.null_has_meaning(&v);
            }
            Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => {
                let l = self.expr(a)?;
                let r = self.expr(b)?;
                self.binary("=", &l, &r, Span::empty())
                    .map_err(|err| err.or_span(e.span()))?;
                self.null_has_meaning(&l);
                self.null_has_meaning(&r);
            }
            other => return Err(unsupported(other)),
        }
        Ok(Val::bool(false))
    }

    /// IN lists, BETWEEN, pattern matching and `op ANY/ALL`.
    pub(super) fn comparison_predicate(&mut self, e: &Expr) -> Result<Val, InferError> {
        match e {
            Expr::InList { expr, list, .. } => self.in_list(e, expr, list),
            Expr::InUnnest {
                expr, array_expr, ..
            } => {
                let l = self.expr(expr)?;
                let r = self.expr(array_expr)?;
                self.any_op("=", &l, &r, Span::empty())
                    .map_err(|err| err.or_span(e.span()))?;
                Ok(Val::bool(true))
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                let v = self.expr(expr)?;
                let lo = self.expr(low)?;
                let hi = self.expr(high)?;
                self.binary(">=", &v, &lo, Span::empty())
                    .map_err(|err| err.or_span(e.span()))?;
                self.binary("<=", &v, &hi, Span::empty())
                    .map_err(|err| err.or_span(e.span()))?;
                Ok(Val::bool(v.nullable || lo.nullable || hi.nullable))
            }
            Expr::Like { .. } | Expr::ILike { .. } => self.like(e),
            Expr::SimilarTo { expr, pattern, .. } => {
                let l = self.expr(expr)?;
                let r = self.expr(pattern)?;
                self.settle(&r, &Ty::new("text"));
                self.settle(&l, &Ty::new("text"));
                Ok(Val::bool(l.nullable || r.nullable))
            }
            Expr::AnyOp {
                left,
                compare_op,
                right,
                ..
            }
            | Expr::AllOp {
                left,
                compare_op,
                right,
            } => {
                let l = self.expr(left)?;
                let op = operator_name(compare_op);
                if let Expr::Subquery(q) = &**right {
                    self.compare_with_subquery(&op, &l, q, e)?;
                } else {
                    let r = self.expr(right)?;
                    self.any_op(&op, &l, &r, Span::empty())
                        .map_err(|err| err.or_span(e.span()))?;
                }
                Ok(Val::bool(true))
            }
            other => Err(unsupported(other)),
        }
    }

    fn in_list(&mut self, e: &Expr, expr: &Expr, list: &[Expr]) -> Result<Val, InferError> {
        let l = self.expr(expr)?;
        let mut nullable = l.nullable;
        // PostgreSQL first tries the common type of all the values.
        let mut vals = Vec::new();
        for item in list {
            let r = self.expr(item)?;
            nullable |= r.nullable;
            vals.push(r);
        }
        for r in &vals {
            self.binary("=", &l, r, Span::empty())
                .map_err(|err| err.or_span(e.span()))?;
        }
        Ok(Val::bool(nullable))
    }

    /// `x [NOT] [I]LIKE pattern`, and `x LIKE ANY (array)` / `(subquery)`: the operator
    /// applied to each element, as `x ~~ ANY (…)` (PostgreSQL's grammar: sub_type).
    fn like(&mut self, e: &Expr) -> Result<Val, InferError> {
        let (Expr::Like {
            expr,
            pattern,
            negated,
            any,
            ..
        }
        | Expr::ILike {
            expr,
            pattern,
            negated,
            any,
            ..
        }) = e
        else {
            return Err(unsupported(e));
        };
        let op = match (matches!(e, Expr::ILike { .. }), negated) {
            (false, false) => "~~",
            (false, true) => "!~~",
            (true, false) => "~~*",
            (true, true) => "!~~*",
        };
        let l = self.expr(expr)?;
        if !*any {
            let r = self.expr(pattern)?;
            return self
                .binary(op, &l, &r, Span::empty())
                .map_err(|err| err.or_span(e.span()));
        }
        match &**pattern {
            Expr::Subquery(q) => self.compare_with_subquery(op, &l, q, e)?,
            Expr::Nested(inner) => {
                let r = self.expr(inner)?;
                self.any_op(op, &l, &r, Span::empty())
                    .map_err(|err| err.or_span(e.span()))?;
            }
            other => {
                return Err(InferError::new(
                    "ANY needs a parenthesized array or subquery",
                    other.span(),
                ));
            }
        }
        Ok(Val::bool(true))
    }
}

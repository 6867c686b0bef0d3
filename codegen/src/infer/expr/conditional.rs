//! Conditional expressions: CASE, and COALESCE, NULLIF, GREATEST and LEAST (written as
//! calls, typed by their branches' common type like CASE).

use sqlparser::ast::{CaseWhen, Expr, Spanned};
use sqlparser::tokenizer::Span;

use crate::catalog::Ty;
use crate::infer::InferError;
use crate::infer::context::Inference;
use crate::infer::value::{NullFlow, T, Val};

impl Inference<'_> {
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    pub(super) fn case(
        &mut self,
        e: &Expr,
        operand: Option<&Expr>,
        conditions: &[CaseWhen],
        else_result: Option<&Expr>,
    ) -> Result<Val, InferError> {
        // A simple CASE's operand of unknown type (literal or parameter) is coerced to
        // text before the WHEN comparisons (transformCaseExpr).
        let operand = match operand {
            Some(o) => {
                let v = self.expr(o)?;
                if self.known(&v).is_none() {
                    self.settle(&v, &Ty::new("text"));
                    Some(Val {
                        t: T::Known(Ty::new("text")),
                        ..v
                    })
                } else {
                    Some(v)
                }
            }
            None => None,
        };
        let mut results = Vec::new();
        for when in conditions {
            let c = self.expr(&when.condition)?;
            match &operand {
                Some(o) => {
                    self.binary("=", o, &c, when.condition.span())?;
                }
                None => self.settle(&c, &Ty::new("bool")),
            }
            results.push(self.expr(&when.result)?);
        }
        let mut nullable = true;
        if let Some(else_result) = else_result {
            let v = self.expr(else_result)?;
            nullable = false;
            results.push(v);
        }
        nullable |= results.iter().any(|v| v.nullable);
        let ty = self
            .common(&results, Span::empty())
            .map_err(|err| err.or_span(e.span()))?;
        Ok(Val::known(ty, nullable, None)
            .named("case", 1)
            .flowing(NullFlow::branches(&results))
            .with_element_nulls(results.iter().any(|v| v.element_nulls)))
    }

    /// COALESCE, GREATEST, LEAST and NULLIF of inferred arguments; `None` for any other
    /// name (or NULLIF with other than two arguments). Each handles NULL arguments, so
    /// each gives a parameter's NULL a meaning there.
    pub(crate) fn conditional_function(
        &mut self,
        name: &str,
        args: &[Val],
        span: Span,
    ) -> Result<Option<Val>, InferError> {
        Ok(Some(match name {
            "coalesce" | "greatest" | "least" => {
                let ty = self.common(args, span)?;
                let nullable = args.iter().all(|a| a.nullable);
                args.iter().for_each(|a| self.null_has_meaning(a));
                Val::known(ty, nullable, Some(name.to_string()))
                    .flowing(NullFlow::branches(args))
                    .with_element_nulls(args.iter().any(|a| a.element_nulls))
            }
            "nullif" if args.len() == 2 => {
                self.binary("=", &args[0], &args[1], span)?;
                let ty = self.finalize(&args[0], span)?;
                args.iter().for_each(|a| self.null_has_meaning(a));
                Val::known(ty, true, Some(name.to_string()))
                    .flowing(NullFlow::branches(&args[..1]))
                    .with_element_nulls(args[0].element_nulls)
            }
            _ => return Ok(None),
        }))
    }
}

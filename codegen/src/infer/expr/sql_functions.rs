//! Functions with SQL-standard syntax: EXTRACT, CEIL/FLOOR, POSITION, SUBSTRING, TRIM,
//! OVERLAY and AT TIME ZONE, typed as the built-in each one calls.

use sqlparser::ast::{Expr, Spanned, TrimWhereField};
use sqlparser::tokenizer::Span;

use super::unsupported;
use crate::catalog::Ty;
use crate::infer::InferError;
use crate::infer::context::Inference;
use crate::infer::value::Val;

impl Inference<'_> {
    /// A function written with SQL-standard syntax.
    pub(super) fn sql_function(&mut self, e: &Expr) -> Result<Val, InferError> {
        match e {
            Expr::Extract { field, expr, .. } => self.extract(&field.to_string(), expr),
            Expr::Ceil { expr, .. } => {
                let args = self.exprs([&**expr])?;
                self.builtin_for(e, "ceil", &args)
            }
            Expr::Floor { expr, .. } => {
                let args = self.exprs([&**expr])?;
                self.builtin_for(e, "floor", &args)
            }
            Expr::Position { expr, r#in } => {
                let [a, b] = self.exprs_array([expr, r#in])?;
                Ok(self
                    .builtin_for(e, "position", &[b, a])?
                    .named("position", 2))
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let args = self.exprs(
                    [&**expr]
                        .into_iter()
                        .chain(substring_from.as_deref())
                        .chain(substring_for.as_deref()),
                )?;
                self.builtin_for(e, "substring", &args)
            }
            Expr::Trim {
                expr,
                trim_where,
                trim_what,
                ..
            } => {
                let args = self.exprs([&**expr].into_iter().chain(trim_what.as_deref()))?;
                let name = match trim_where {
                    Some(TrimWhereField::Leading) => "ltrim",
                    Some(TrimWhereField::Trailing) => "rtrim",
                    _ => "btrim",
                };
                self.builtin_for(e, name, &args)
            }
            Expr::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => {
                let args = self.exprs(
                    [&**expr, overlay_what, overlay_from]
                        .into_iter()
                        .chain(overlay_for.as_deref()),
                )?;
                self.builtin_for(e, "overlay", &args)
            }
            Expr::AtTimeZone {
                timestamp,
                time_zone,
            } => {
                let [ts, tz] = self.exprs_array([timestamp, time_zone])?;
                Ok(self
                    .builtin_for(e, "timezone", &[tz, ts])?
                    .named("timezone", 2))
            }
            other => Err(unsupported(other)),
        }
    }

    /// `EXTRACT(field FROM x)`: numeric. Of an infinite date/timestamp, only monotonic
    /// fields are defined (±Infinity); the others are NULL.
    fn extract(&mut self, field: &str, expr: &Expr) -> Result<Val, InferError> {
        let v = self.expr(expr)?;
        let field = field.to_lowercase();
        let monotonic = matches!(
            field.as_str(),
            "epoch" | "julian" | "year" | "isoyear" | "decade" | "century" | "millennium"
        );
        let infinite_possible = self.known(&v).is_some_and(|t| {
            matches!(
                self.catalog.base_type(&t).name.as_str(),
                "date" | "timestamp" | "timestamptz"
            )
        });
        let nullable = v.nullable || (infinite_possible && !monotonic);
        Ok(Val::known(Ty::new("numeric"), nullable, None).named("extract", 2))
    }

    /// Infers expressions in order.
    fn exprs<'e>(
        &mut self,
        exprs: impl IntoIterator<Item = &'e Expr>,
    ) -> Result<Vec<Val>, InferError> {
        exprs.into_iter().map(|e| self.expr(e)).collect()
    }

    fn exprs_array<const N: usize>(&mut self, exprs: [&Expr; N]) -> Result<[Val; N], InferError> {
        let vals = self.exprs(exprs)?;
        Ok(vals.try_into().expect("one value per expression"))
    }

    /// The built-in `name` called with `args`; errors point at `e`.
    fn builtin_for(&mut self, e: &Expr, name: &str, args: &[Val]) -> Result<Val, InferError> {
        self.call_builtin(name, args, Span::empty())
            .map_err(|err| err.or_span(e.span()))
    }
}

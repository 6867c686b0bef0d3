//! Literals, parameters and the expressions that name a type: `type 'text'`, casts and
//! `INTERVAL '…'`.

use sqlparser::ast::{CastKind, Expr, Spanned, Value};
use sqlparser::tokenizer::Span;

use super::unsupported;
use crate::catalog::Ty;
use crate::infer::InferError;
use crate::infer::context::Inference;
use crate::infer::value::{NullFlow, Val};

impl Inference<'_> {
    /// A literal or a `$n` parameter.
    pub(super) fn value(&mut self, v: &Value, span: Span) -> Result<Val, InferError> {
        Ok(match v {
            Value::Number(n, _) => {
                let ty = if n.parse::<i32>().is_ok() {
                    "int4"
                } else if n.parse::<i64>().is_ok() {
                    "int8"
                } else {
                    "numeric"
                };
                Val::known(Ty::new(ty), false, None)
            }
            Value::Boolean(_) => Val::known(Ty::new("bool"), false, None),
            Value::Null => Val::unknown(true),
            Value::Placeholder(p) => self.placeholder(p, span)?,
            Value::HexStringLiteral(_) => Val::known(Ty::new("bytea"), false, None),
            _ => Val::unknown(false),
        })
    }

    fn placeholder(&mut self, p: &str, span: Span) -> Result<Val, InferError> {
        let n: usize = p
            .trim_start_matches('$')
            .parse()
            .map_err(|_| InferError::new(format!("unsupported placeholder `{p}`"), span))?;
        if n == 0 || n > self.params.len() {
            return Err(InferError::new(format!("there is no parameter ${n}"), span));
        }
        if self.param_spans[n - 1].is_none() {
            self.param_spans[n - 1] = Some(span);
        }
        Ok(match &self.params[n - 1] {
            Some(t) => Val::known(t.clone(), true, None).flowing(NullFlow::param(n - 1)),
            None => Val::param(n - 1),
        })
    }

    /// `type 'literal'`, `x::type`, `CAST(x AS type)` and `INTERVAL '…'`.
    pub(super) fn typed(&mut self, e: &Expr) -> Result<Val, InferError> {
        match e {
            Expr::TypedString(ts) => {
                let (ty, _) = crate::catalog::resolve_type(self.catalog, &ts.data_type)
                    .map_err(|m| InferError::new(m, e.span()))?;
                let name = ty.name.clone();
                Ok(Val::known(ty, false, None).named(&name, 1))
            }
            Expr::Cast {
                expr,
                data_type,
                kind,
                ..
            } => {
                let (ty, _) = crate::catalog::resolve_type(self.catalog, data_type)
                    .map_err(|m| InferError::new(m, e.span()))?;
                // `ARRAY[]::text[]`: PostgreSQL gives an empty ARRAY constructor the cast's
                // array type (transformArrayExpr), named `array` like any constructor.
                if let Expr::Array(array) = expr.as_ref()
                    && array.elem.is_empty()
                    && ty.array
                {
                    return Ok(Val::known(ty, false, None).named("array", 2));
                }
                let inner = self.expr(expr)?;
                self.settle(&inner, &ty);
                let nullable =
                    inner.nullable || matches!(kind, CastKind::TryCast | CastKind::SafeCast);
                // Casts are strict: NULL casts to NULL.
                let mut out = Val::known(ty.clone(), nullable, inner.name.clone())
                    .flowing(inner.flow.clone());
                out.strength = inner.strength;
                if inner.strength <= 1 {
                    out = out.named(&ty.name, 1);
                }
                Ok(out)
            }
            Expr::Interval(interval) => {
                let v = self.expr(&interval.value)?;
                self.settle(&v, &Ty::new("interval"));
                Ok(Val::known(Ty::new("interval"), v.nullable, None)
                    .named("interval", 1)
                    .flowing(v.flow))
            }
            other => Err(unsupported(other)),
        }
    }
}

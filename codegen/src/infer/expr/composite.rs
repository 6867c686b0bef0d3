//! Arrays, rows and their parts: `ARRAY[…]`, row constructors, subscripts and slices,
//! field access, and the grouping-set lists of GROUP BY.

use sqlparser::ast::{AccessExpr, Expr, Spanned, Subscript};
use sqlparser::tokenizer::Span;

use super::unsupported;
use crate::catalog::{Ty, ident};
use crate::infer::InferError;
use crate::infer::context::Inference;
use crate::infer::value::{T, Val};

/// The fields of a row constructor, `(a, b)` or `ROW(a, …)`.
pub(crate) fn row_items(e: &Expr) -> Option<Vec<Expr>> {
    match e {
        Expr::Tuple(items) => Some(items.clone()),
        Expr::Function(f)
            if f.name.0.len() == 1
                && f.name.to_string().eq_ignore_ascii_case("row")
                && f.over.is_none() =>
        {
            Some(crate::infer::functions::plain_args(f))
        }
        _ => None,
    }
}

impl Inference<'_> {
    /// Arrays, rows, subscripts and field access.
    pub(super) fn composite(&mut self, e: &Expr) -> Result<Val, InferError> {
        match e {
            Expr::Array(array) => {
                let mut vals = Vec::new();
                for el in &array.elem {
                    vals.push(self.expr(el)?);
                }
                if vals.is_empty() {
                    return Err(InferError::new(
                        "cannot determine the type of an empty array",
                        e.span(),
                    )
                    .help("add a cast like `ARRAY[]::text[]`"));
                }
                let ty = self
                    .common(&vals, Span::empty())
                    .map_err(|err| err.or_span(e.span()))?;
                // An array holds NULL elements: a parameter may be NULL there. Nested
                // `ARRAY[ARRAY[…]]` items are sub-arrays: their elements are the elements.
                vals.iter().for_each(|v| self.null_has_meaning(v));
                let element_nulls = vals.iter().any(|v| {
                    if ty.array {
                        v.element_nulls
                    } else {
                        v.nullable
                    }
                });
                Ok(Val::known(ty.to_array(), false, None)
                    .named("array", 1)
                    .with_element_nulls(element_nulls))
            }
            Expr::CompoundFieldAccess { root, access_chain } => {
                let mut v = self.expr(root)?;
                for access in access_chain {
                    v = self.access(e, v, access)?;
                }
                Ok(v)
            }
            Expr::Tuple(items) => {
                for item in items {
                    self.expr(item)?;
                }
                Ok(Val::known(Ty::new("record"), false, None).named("row", 1))
            }
            Expr::GroupingSets(sets) | Expr::Cube(sets) | Expr::Rollup(sets) => {
                for x in sets.iter().flatten() {
                    self.expr(x)?;
                }
                Ok(Val::known(Ty::new("record"), true, None))
            }
            other => Err(unsupported(other)),
        }
    }

    /// One step of `v[i]`, `v[lo:hi]` or `(v).field`.
    fn access(&mut self, e: &Expr, v: Val, access: &AccessExpr) -> Result<Val, InferError> {
        match access {
            AccessExpr::Subscript(Subscript::Index { index }) => self.subscript(e, v, index),
            AccessExpr::Subscript(Subscript::Slice {
                lower_bound,
                upper_bound,
                ..
            }) => {
                for b in [lower_bound, upper_bound].into_iter().flatten() {
                    let i = self.expr(b)?;
                    self.settle(&i, &Ty::new("int4"));
                }
                // A slice of a domain over an array has the base array type.
                let mut v = v;
                if let Some(t) = self.known(&v) {
                    v.t = T::Known(self.catalog.base_type(&t));
                }
                v.nullable = true;
                Ok(v)
            }
            AccessExpr::Dot(Expr::Identifier(field)) => {
                let t = self
                    .known(&v)
                    .ok_or_else(|| InferError::new("unknown field access", e.span()))?;
                let field = ident(field);
                let cols = self.composite_columns(&t).ok_or_else(|| {
                    InferError::new(format!("type {t} is not composite"), e.span())
                })?;
                let c = cols.iter().find(|c| c.name == field).ok_or_else(|| {
                    InferError::new(format!("column `{field}` not found in type {t}"), e.span())
                })?;
                Ok(Val::known(c.ty.clone(), true, Some(field)))
            }
            _ => Err(InferError::new("unsupported field access", e.span())),
        }
    }

    /// `v[index]` of an array (a domain over one subscripts as its base type), jsonb or
    /// hstore.
    fn subscript(&mut self, e: &Expr, v: Val, index: &Expr) -> Result<Val, InferError> {
        let i = self.expr(index)?;
        self.settle(&i, &Ty::new("int4"));
        let t = self.known(&v).map(|t| self.catalog.base_type(&t));
        match t {
            Some(t) if t.array => Ok(Val {
                t: T::Known(t.element()),
                nullable: true,
                element_nulls: false,
                ..v
            }),
            Some(t) if matches!(t.name.as_str(), "jsonb" | "hstore") => {
                self.settle(&i, &Ty::new("text"));
                Ok(Val::known(t, true, v.name))
            }
            _ => Err(InferError::new("cannot subscript this type", e.span())),
        }
    }
}

//! Expressions: columns, literals, parameters, operators, casts, CASE, subqueries, arrays.

use sqlparser::ast::{
    AccessExpr, BinaryOperator, CastKind, Expr, Spanned, Subscript, UnaryOperator, Value,
};
use sqlparser::tokenizer::Span;

use super::InferError;
use super::query::Cx;
use super::resolve::{Candidate, select};
use crate::catalog::{Ty, ident};
use crate::diagnostic::Code;
use crate::pg::builtins::builtins;

/// The type of an expression before its context settles it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum T {
    /// A known type.
    Known(Ty),
    /// An untyped literal (`'abc'`, `NULL`).
    Unknown,
    /// A parameter whose type is not decided yet.
    Param(usize),
}

/// An inferred expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Val {
    pub t: T,
    pub nullable: bool,
    /// The output column name PostgreSQL would give it (None: `?column?`).
    pub name: Option<String>,
    /// How strong the name is (FigureColname: 2 column/function, 1 keyword-ish, 0 none).
    pub strength: u8,
}

impl Val {
    pub fn known(ty: Ty, nullable: bool, name: Option<String>) -> Val {
        Val {
            t: T::Known(ty),
            nullable,
            strength: if name.is_some() { 2 } else { 0 },
            name,
        }
    }

    fn named(mut self, name: &str, strength: u8) -> Val {
        self.name = Some(name.to_string());
        self.strength = strength;
        self
    }

    fn unnamed(mut self) -> Val {
        self.name = None;
        self.strength = 0;
        self
    }
}

/// The fields of a row constructor, `(a, b)` or `ROW(a, …)`.
pub(super) fn row_items(e: &Expr) -> Option<Vec<Expr>> {
    match e {
        Expr::Tuple(items) => Some(items.clone()),
        Expr::Function(f)
            if f.name.0.len() == 1
                && f.name.to_string().eq_ignore_ascii_case("row")
                && f.over.is_none() =>
        {
            Some(super::functions::plain_args(f))
        }
        _ => None,
    }
}

fn bool_val(nullable: bool) -> Val {
    Val::known(Ty::new("bool"), nullable, None)
}

impl Cx<'_> {
    /// The known type of a value (a decided parameter counts as known).
    pub fn known(&self, v: &Val) -> Option<Ty> {
        match &v.t {
            T::Known(t) => Some(t.clone()),
            T::Param(i) => self.params[*i].clone(),
            T::Unknown => None,
        }
    }

    /// Gives an undecided parameter its type from context.
    /// A parameter already given another type is a conflict (PostgreSQL: "inconsistent
    /// types deduced for parameter").
    pub fn settle(&mut self, v: &Val, ty: &Ty) {
        if let T::Param(i) = v.t {
            match &self.params[i] {
                None => self.params[i] = Some(ty.clone()),
                Some(previous) if previous != ty && self.param_conflict.is_none() => {
                    self.param_conflict = Some((i, previous.clone(), ty.clone()));
                }
                Some(_) => {}
            }
        }
    }

    /// The final type of an output value: unknown literals are text; parameters must be known.
    pub fn finalize(&mut self, v: &Val, span: Span) -> Result<Ty, InferError> {
        match &v.t {
            T::Known(t) => Ok(t.clone()),
            T::Unknown => Ok(Ty::new("text")),
            T::Param(i) => match &self.params[*i] {
                Some(t) => Ok(t.clone()),
                None => Err(InferError::new(
                    format!("could not determine the data type of parameter ${}", i + 1),
                    self.param_spans[*i].unwrap_or(span),
                )
                .help("add a cast like `:name::text` or an override")),
            },
        }
    }

    pub fn expr(&mut self, e: &Expr) -> Result<Val, InferError> {
        match e {
            Expr::Identifier(i) => self.column(&[ident(i)], e.span()),
            Expr::CompoundIdentifier(parts) => {
                let parts: Vec<String> = parts.iter().map(ident).collect();
                self.column(&parts, e.span())
            }
            Expr::Value(v) => self.value(&v.value, e.span()),
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
                let inner = self.expr(expr)?;
                let (ty, _) = crate::catalog::resolve_type(self.catalog, data_type)
                    .map_err(|m| InferError::new(m, e.span()))?;
                self.settle(&inner, &ty);
                let nullable =
                    inner.nullable || matches!(kind, CastKind::TryCast | CastKind::SafeCast);
                let mut out = Val::known(ty.clone(), nullable, inner.name.clone());
                out.strength = inner.strength;
                if inner.strength <= 1 {
                    out = out.named(&ty.name, 1);
                }
                Ok(out)
            }
            Expr::Nested(inner) => self.expr(inner),
            Expr::Collate { expr, .. } => self.expr(expr),
            Expr::IsNull(x) | Expr::IsNotNull(x) => {
                self.expr(x)?;
                Ok(bool_val(false))
            }
            Expr::IsTrue(x)
            | Expr::IsNotTrue(x)
            | Expr::IsFalse(x)
            | Expr::IsNotFalse(x)
            | Expr::IsUnknown(x)
            | Expr::IsNotUnknown(x) => {
                let v = self.expr(x)?;
                self.settle(&v, &Ty::new("bool"));
                Ok(bool_val(false))
            }
            Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => {
                let l = self.expr(a)?;
                let r = self.expr(b)?;
                self.binary("=", &l, &r, Span::empty())
                    .map_err(|err| err.or_span(e.span()))?;
                Ok(bool_val(false))
            }
            Expr::BinaryOp { left, op, right }
                if row_items(left).is_some()
                    && row_items(right).is_some()
                    && matches!(
                        op,
                        BinaryOperator::Eq
                            | BinaryOperator::NotEq
                            | BinaryOperator::Lt
                            | BinaryOperator::LtEq
                            | BinaryOperator::Gt
                            | BinaryOperator::GtEq
                    ) =>
            {
                // Row comparison: the operator applies pairwise.
                let (li, ri) = (row_items(left).unwrap(), row_items(right).unwrap());
                if li.len() != ri.len() {
                    return Err(InferError::new(
                        "unequal number of entries in row expressions",
                        e.span(),
                    ));
                }
                let name = operator_name(op);
                let mut nullable = false;
                for (a, b) in li.iter().zip(ri) {
                    let l = self.expr(a)?;
                    let r = self.expr(&b)?;
                    nullable |= self
                        .binary(&name, &l, &r, Span::empty())
                        .map_err(|err| err.or_span(e.span()))?
                        .nullable;
                }
                Ok(bool_val(nullable))
            }
            Expr::InSubquery { expr, subquery, .. } if row_items(expr).is_some() => {
                let items = row_items(expr).unwrap();
                let mut ls = Vec::new();
                for item in items {
                    ls.push(self.expr(&item)?);
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
                Ok(bool_val(true))
            }
            Expr::BinaryOp { left, op, right } => {
                let l = self.expr(left)?;
                let r = self.expr(right)?;
                match op {
                    BinaryOperator::And | BinaryOperator::Or | BinaryOperator::Xor => {
                        for v in [&l, &r] {
                            let t = self.known(v);
                            if t.as_ref()
                                .is_some_and(|t| self.catalog.base_type(t) != Ty::new("bool"))
                            {
                                return Err(InferError::new(
                                    format!(
                                        "argument of {op} must be type boolean, not type {}",
                                        t.unwrap_or(Ty::new("unknown"))
                                    ),
                                    e.span(),
                                ));
                            }
                            self.settle(v, &Ty::new("bool"));
                        }
                        Ok(bool_val(l.nullable || r.nullable))
                    }
                    _ => {
                        let name = operator_name(op);
                        self.binary(&name, &l, &r, Span::empty())
                            .map_err(|err| err.or_span(e.span()))
                    }
                }
            }
            Expr::UnaryOp { op, expr } => {
                let v = self.expr(expr)?;
                match op {
                    UnaryOperator::Not => {
                        self.settle(&v, &Ty::new("bool"));
                        Ok(bool_val(v.nullable))
                    }
                    UnaryOperator::Minus if matches!(**expr, Expr::Value(_)) => {
                        // A negative literal stays the literal's type.
                        Ok(v.unnamed())
                    }
                    _ => {
                        let name = op.to_string();
                        self.prefix(name.trim(), &v, Span::empty())
                            .map_err(|err| err.or_span(e.span()))
                    }
                }
            }
            Expr::InList { expr, list, .. } => {
                let l = self.expr(expr)?;
                let mut nullable = l.nullable;
                // PostgreSQL first tries the common type of all the values.
                let mut vals = vec![l.clone()];
                for item in list {
                    let r = self.expr(item)?;
                    nullable |= r.nullable;
                    vals.push(r);
                }
                for r in &vals[1..] {
                    self.binary("=", &l, r, Span::empty())
                        .map_err(|err| err.or_span(e.span()))?;
                }
                Ok(bool_val(nullable))
            }
            Expr::InSubquery { expr, subquery, .. } => {
                let l = self.expr(expr)?;
                let cols = self.query(subquery)?;
                if let Some(c) = cols.first() {
                    let r = Val::known(c.ty.clone(), c.nullable, None);
                    self.binary("=", &l, &r, Span::empty())
                        .map_err(|err| err.or_span(e.span()))?;
                }
                Ok(bool_val(true))
            }
            Expr::InUnnest {
                expr, array_expr, ..
            } => {
                let l = self.expr(expr)?;
                let r = self.expr(array_expr)?;
                self.any_op("=", &l, &r, Span::empty())
                    .map_err(|err| err.or_span(e.span()))?;
                Ok(bool_val(true))
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
                Ok(bool_val(v.nullable || lo.nullable || hi.nullable))
            }
            Expr::Like {
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
            } => {
                let ilike = matches!(e, Expr::ILike { .. });
                let op = match (ilike, negated) {
                    (false, false) => "~~",
                    (false, true) => "!~~",
                    (true, false) => "~~*",
                    (true, true) => "!~~*",
                };
                let l = self.expr(expr)?;
                if *any {
                    // `x LIKE ANY (array)` / `(subquery)`: the operator applied to each
                    // element, as `x ~~ ANY (…)` (PostgreSQL's grammar: sub_type).
                    match &**pattern {
                        Expr::Subquery(q) => {
                            let cols = self.query(q)?;
                            if let Some(c) = cols.first() {
                                let r = Val::known(c.ty.clone(), c.nullable, None);
                                self.binary(op, &l, &r, Span::empty())
                                    .map_err(|err| err.or_span(e.span()))?;
                            }
                        }
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
                    return Ok(bool_val(true));
                }
                let r = self.expr(pattern)?;
                self.binary(op, &l, &r, Span::empty())
                    .map_err(|err| err.or_span(e.span()))
            }
            Expr::SimilarTo { expr, pattern, .. } => {
                let l = self.expr(expr)?;
                let r = self.expr(pattern)?;
                self.settle(&r, &Ty::new("text"));
                self.settle(&l, &Ty::new("text"));
                Ok(bool_val(l.nullable || r.nullable))
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
                if let Expr::Subquery(q) = &**right {
                    let cols = self.query(q)?;
                    if let Some(c) = cols.first() {
                        let r = Val::known(c.ty.clone(), c.nullable, None);
                        self.binary(&operator_name(compare_op), &l, &r, Span::empty())
                            .map_err(|err| err.or_span(e.span()))?;
                    }
                    return Ok(bool_val(true));
                }
                let r = self.expr(right)?;
                self.any_op(&operator_name(compare_op), &l, &r, Span::empty())
                    .map_err(|err| err.or_span(e.span()))?;
                Ok(bool_val(true))
            }
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                // A simple CASE's operand of unknown type (literal or parameter) is
                // coerced to text before the WHEN comparisons (transformCaseExpr).
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
                Ok(Val::known(ty, nullable, None).named("case", 1))
            }
            Expr::Exists { subquery, .. } => {
                self.query(subquery)?;
                Ok(bool_val(false).named("exists", 2))
            }
            Expr::Subquery(q) => {
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
                // A scalar subquery is NULL when it finds no row, unless it always
                // returns exactly one: then its column decides.
                let nullable = c.nullable || !always_one_row(q);
                Ok(Val::known(c.ty.clone(), nullable, Some(c.name.clone())))
            }
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
                Ok(Val::known(ty.to_array(), false, None).named("array", 1))
            }
            Expr::Interval(interval) => {
                let v = self.expr(&interval.value)?;
                self.settle(&v, &Ty::new("interval"));
                Ok(Val::known(Ty::new("interval"), v.nullable, None).named("interval", 1))
            }
            Expr::Extract { field, expr, .. } => {
                let v = self.expr(expr)?;
                // Of an infinite date/timestamp, only monotonic fields are defined (±Infinity);
                // the others are NULL.
                let field = field.to_string().to_lowercase();
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
            Expr::Ceil { expr, .. } | Expr::Floor { expr, .. } => {
                let name = if matches!(e, Expr::Ceil { .. }) {
                    "ceil"
                } else {
                    "floor"
                };
                let v = self.expr(expr)?;
                self.call_builtin(name, &[v], Span::empty())
                    .map_err(|err| err.or_span(e.span()))
            }
            Expr::Position { expr, r#in } => {
                let a = self.expr(expr)?;
                let b = self.expr(r#in)?;
                let v = self
                    .call_builtin("position", &[b, a], Span::empty())
                    .map_err(|err| err.or_span(e.span()))?;
                Ok(v.named("position", 2))
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let mut args = vec![self.expr(expr)?];
                if let Some(f) = substring_from {
                    args.push(self.expr(f)?);
                }
                if let Some(f) = substring_for {
                    args.push(self.expr(f)?);
                }
                self.call_builtin("substring", &args, Span::empty())
                    .map_err(|err| err.or_span(e.span()))
            }
            Expr::Trim {
                expr,
                trim_where,
                trim_what,
                ..
            } => {
                let mut args = vec![self.expr(expr)?];
                if let Some(w) = trim_what {
                    args.push(self.expr(w)?);
                }
                let name = match trim_where {
                    Some(sqlparser::ast::TrimWhereField::Leading) => "ltrim",
                    Some(sqlparser::ast::TrimWhereField::Trailing) => "rtrim",
                    _ => "btrim",
                };
                self.call_builtin(name, &args, Span::empty())
                    .map_err(|err| err.or_span(e.span()))
            }
            Expr::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => {
                let mut args = vec![
                    self.expr(expr)?,
                    self.expr(overlay_what)?,
                    self.expr(overlay_from)?,
                ];
                if let Some(f) = overlay_for {
                    args.push(self.expr(f)?);
                }
                self.call_builtin("overlay", &args, Span::empty())
                    .map_err(|err| err.or_span(e.span()))
            }
            Expr::AtTimeZone {
                timestamp,
                time_zone,
            } => {
                let ts = self.expr(timestamp)?;
                let tz = self.expr(time_zone)?;
                let v = self
                    .call_builtin("timezone", &[tz, ts], Span::empty())
                    .map_err(|err| err.or_span(e.span()))?;
                Ok(v.named("timezone", 2))
            }
            Expr::Function(f) => Ok(self.function_call(f, false)?.0),
            Expr::CompoundFieldAccess { root, access_chain } => {
                let mut v = self.expr(root)?;
                for access in access_chain {
                    match access {
                        AccessExpr::Subscript(Subscript::Index { index }) => {
                            let i = self.expr(index)?;
                            self.settle(&i, &Ty::new("int4"));
                            // A domain over an array subscripts as its base type.
                            let t = self.known(&v).map(|t| self.catalog.base_type(&t));
                            v = match t {
                                Some(t) if t.array => Val {
                                    t: T::Known(t.element()),
                                    nullable: true,
                                    name: v.name.clone(),
                                    strength: v.strength,
                                },
                                Some(t) if matches!(t.name.as_str(), "jsonb" | "hstore") => {
                                    self.settle(&i, &Ty::new("text"));
                                    Val::known(t, true, v.name.clone())
                                }
                                _ => {
                                    return Err(InferError::new(
                                        "cannot subscript this type",
                                        e.span(),
                                    ));
                                }
                            };
                        }
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
                            if let Some(t) = self.known(&v) {
                                v.t = T::Known(self.catalog.base_type(&t));
                            }
                            v.nullable = true;
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
                                InferError::new(
                                    format!("column `{field}` not found in type {t}"),
                                    e.span(),
                                )
                            })?;
                            v = Val::known(c.ty.clone(), true, Some(field));
                        }
                        _ => return Err(InferError::new("unsupported field access", e.span())),
                    }
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
                for set in sets {
                    for x in set {
                        self.expr(x)?;
                    }
                }
                Ok(Val::known(Ty::new("record"), true, None))
            }
            other => Err(InferError::new(
                format!("unsupported expression `{other}`"),
                other.span(),
            )
            .help("add a cast like `:name::text` or an override, or report the construct")),
        }
    }

    fn value(&mut self, v: &Value, span: Span) -> Result<Val, InferError> {
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
            Value::Null => Val {
                t: T::Unknown,
                nullable: true,
                name: None,
                strength: 0,
            },
            Value::Placeholder(p) => {
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
                Val {
                    t: match &self.params[n - 1] {
                        Some(t) => T::Known(t.clone()),
                        None => T::Param(n - 1),
                    },
                    nullable: true,
                    name: None,
                    strength: 0,
                }
            }
            Value::HexStringLiteral(_) => Val::known(Ty::new("bytea"), false, None),
            _ => Val {
                t: T::Unknown,
                nullable: false,
                name: None,
                strength: 0,
            },
        })
    }

    fn column(&mut self, parts: &[String], span: Span) -> Result<Val, InferError> {
        let (qualifier, name) = match parts {
            [name] => (None, name.as_str()),
            [q, name] => (Some(q.as_str()), name.as_str()),
            [_, q, name] => (Some(q.as_str()), name.as_str()),
            _ => return Err(InferError::new("unsupported column reference", span)),
        };
        for scope in self.scopes.iter().rev() {
            let mut found: Vec<&super::query::Col> = Vec::new();
            for entry in &scope.entries {
                match qualifier {
                    Some(q) if entry.qualifier.as_deref() == Some(q) => {
                        if let Some(c) = entry.cols.iter().find(|c| c.name == name) {
                            found.push(c);
                        }
                    }
                    Some(_) => {}
                    None => {
                        for (i, c) in entry.cols.iter().enumerate() {
                            if c.name == name && !entry.hidden[i] {
                                found.push(c);
                            }
                        }
                    }
                }
            }
            // System columns of tables, when no column has the name.
            let system = crate::pg::SYSTEM_COLUMNS
                .iter()
                .find(|(column, _)| *column == name);
            let mut system_col = None;
            if found.is_empty()
                && let Some((column, ty)) = system
            {
                let owners = scope
                    .entries
                    .iter()
                    .filter(|e| e.system_columns)
                    .filter(|e| qualifier.is_none_or(|q| e.qualifier.as_deref() == Some(q)))
                    .count();
                if owners > 1 && qualifier.is_none() {
                    return Err(InferError::new(
                        format!("column reference `{name}` is ambiguous"),
                        span,
                    )
                    .help("qualify it with the table name or alias"));
                }
                if owners > 0 {
                    system_col = Some(super::query::Col {
                        name: column.to_string(),
                        ty: Ty::new(ty),
                        nullable: false,
                    });
                }
            }
            if let Some(c) = &system_col {
                found.push(c);
            }
            if found.len() > 1 && qualifier.is_none() {
                return Err(InferError::new(
                    format!("column reference `{name}` is ambiguous"),
                    span,
                )
                .help("qualify it with the table name or alias"));
            }
            if let Some(c) = found.first() {
                let grouped_away = self.grouping_sets && self.aggregate_depth == 0;
                return Ok(Val::known(
                    c.ty.clone(),
                    c.nullable || grouped_away,
                    Some(c.name.clone()),
                ));
            }
            // A whole-row reference: `SELECT t FROM t`.
            if qualifier.is_none()
                && let Some(entry) = scope
                    .entries
                    .iter()
                    .find(|e| e.qualifier.as_deref() == Some(name))
            {
                let ty = if self.catalog.relation(None, name).is_some() {
                    Ty::new(name)
                } else {
                    Ty::new("record")
                };
                let _ = entry;
                return Ok(Val::known(ty, false, Some(name.to_string())));
            }
            if let Some(q) = qualifier
                && scope
                    .entries
                    .iter()
                    .any(|e| e.qualifier.as_deref() == Some(q))
            {
                return Err(
                    InferError::new(format!("column `{q}.{name}` does not exist"), span)
                        .code(Code::UnknownColumn)
                        .help("check the column name against the migrations"),
                );
            }
        }
        // Keyword-like functions without parentheses.
        if qualifier.is_none() {
            let ty = crate::pg::sql_value_function_type(name);
            if let Some(ty) = ty {
                return Ok(Val::known(Ty::new(ty), false, Some(name.to_string())));
            }
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

    /// Resolves a binary operator and settles parameters to its argument types.
    pub fn binary(&mut self, op: &str, l: &Val, r: &Val, span: Span) -> Result<Val, InferError> {
        self.binary_operator(op, l, r, span).map(|(v, _)| v)
    }

    /// A binary operator and the declared type of its right operand.
    fn binary_operator(
        &mut self,
        op: &str,
        l: &Val,
        r: &Val,
        span: Span,
    ) -> Result<(Val, Ty), InferError> {
        let lt = self.known(l);
        let rt = self.known(r);
        let operators = builtins()
            .operators
            .get(op)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let candidates: Vec<Candidate> = operators
            .iter()
            .enumerate()
            .filter_map(|(i, o)| {
                o.left.as_ref().map(|left| Candidate {
                    args: vec![left.clone(), o.right.clone()],
                    ret: o.result.clone(),
                    index: i,
                })
            })
            .collect();
        // One side unknown: try the other side's type for both first.
        let mut inputs = vec![lt.clone(), rt.clone()];
        let chosen = match (&lt, &rt) {
            (Some(a), None) | (None, Some(a)) => {
                let a = self.catalog.base_type(a);
                candidates
                    .iter()
                    .find(|c| c.args[0] == a && c.args[1] == a)
                    .map(|c| {
                        super::resolve::bind_polymorphic(
                            self.catalog,
                            c,
                            &[Some(a.clone()), Some(a.clone())],
                        )
                    })
                    .unwrap_or_else(|| select(self.catalog, &candidates, &inputs))
            }
            _ => select(self.catalog, &candidates, &inputs),
        };
        let chosen = chosen.map_err(|_| {
            InferError::new(
                format!(
                    "operator does not exist: {} {op} {}",
                    lt.as_ref().map_or("unknown".to_string(), Ty::to_string),
                    rt.as_ref().map_or("unknown".to_string(), Ty::to_string)
                ),
                span,
            )
            .help("add explicit casts, e.g. `:name::text`")
        })?;
        inputs.clear();
        self.settle(l, &chosen.args[0]);
        self.settle(r, &chosen.args[1]);
        let may_be_null = matches!(op, "->" | "->>" | "#>" | "#>>" | "-" if chosen.ret.name == "jsonb" && op != "-")
            || matches!(op, "->" | "->>" | "#>" | "#>>");
        Ok((
            Val::known(chosen.ret, l.nullable || r.nullable || may_be_null, None),
            chosen.args[1].clone(),
        ))
    }

    fn prefix(&mut self, op: &str, v: &Val, span: Span) -> Result<Val, InferError> {
        let t = self.known(v);
        let operators = builtins()
            .operators
            .get(op)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let candidates: Vec<Candidate> = operators
            .iter()
            .enumerate()
            .filter(|(_, o)| o.left.is_none())
            .map(|(i, o)| Candidate {
                args: vec![o.right.clone()],
                ret: o.result.clone(),
                index: i,
            })
            .collect();
        let chosen = select(self.catalog, &candidates, std::slice::from_ref(&t)).map_err(|_| {
            InferError::new(
                format!(
                    "operator does not exist: {op} {}",
                    t.map_or("unknown".into(), |t| t.to_string())
                ),
                span,
            )
        })?;
        self.settle(v, &chosen.args[0]);
        Ok(Val::known(chosen.ret, v.nullable, None))
    }

    /// `l op ANY (r)` where `r` is an array: parameters become arrays of the operand type.
    fn any_op(&mut self, op: &str, l: &Val, r: &Val, span: Span) -> Result<(), InferError> {
        match self.known(r) {
            Some(t) if self.catalog.base_type(&t).array => {
                let t = self.catalog.base_type(&t);
                let element = Val::known(t.element(), true, None);
                self.binary(op, l, &element, span)?;
            }
            Some(t) => {
                return Err(InferError::new(
                    format!("op ANY/ALL (array) requires an array on the right, not {t}"),
                    span,
                ));
            }
            None => {
                let unknown = Val {
                    t: T::Unknown,
                    nullable: true,
                    name: None,
                    strength: 0,
                };
                // make_scalar_array_op: the operator is resolved against an unknown
                // right operand; the array then takes the operator's right type.
                let (_, right) = self.binary_operator(op, l, &unknown, span)?;
                if crate::pg::builtins::is_pseudo(&right.name) {
                    return Err(
                        InferError::new("could not determine the type of the array", span)
                            .help("add a cast like `:ids::int4[]`"),
                    );
                }
                let element = self.catalog.base_type(&right);
                if element.array {
                    // There are no arrays of arrays.
                    return Err(InferError::new(
                        format!("could not find array type for data type {element}"),
                        span,
                    ));
                }
                self.settle(r, &element.to_array());
            }
        }
        Ok(())
    }
}

/// The pg_operator name of a sqlparser binary operator.
pub fn operator_name(op: &BinaryOperator) -> String {
    match op {
        BinaryOperator::PGCustomBinaryOperator(parts) => parts.last().cloned().unwrap_or_default(),
        BinaryOperator::StringConcat => "||".into(),
        BinaryOperator::NotEq => "<>".into(),
        BinaryOperator::Spaceship => "<=>".into(),
        BinaryOperator::PGRegexMatch => "~".into(),
        BinaryOperator::PGRegexIMatch => "~*".into(),
        BinaryOperator::PGRegexNotMatch => "!~".into(),
        BinaryOperator::PGRegexNotIMatch => "!~*".into(),
        BinaryOperator::PGLikeMatch => "~~".into(),
        BinaryOperator::PGILikeMatch => "~~*".into(),
        BinaryOperator::PGNotLikeMatch => "!~~".into(),
        BinaryOperator::PGNotILikeMatch => "!~~*".into(),
        BinaryOperator::BitwiseXor | BinaryOperator::PGBitwiseXor => "#".into(),
        BinaryOperator::PGExp => "^".into(),
        other => other.to_string(),
    }
}

/// Whether a query always returns exactly one row: a plain SELECT whose select list
/// aggregates, with no GROUP BY, HAVING, LIMIT, OFFSET or FETCH (PostgreSQL returns one row
/// for an aggregate over any input, also an empty one).
pub(super) fn always_one_row(query: &sqlparser::ast::Query) -> bool {
    use sqlparser::ast::{GroupByExpr, SelectItem, SetExpr};
    if query.limit_clause.is_some() || query.fetch.is_some() {
        return false;
    }
    let SetExpr::Select(select) = query.body.as_ref() else {
        return false;
    };
    let grouped = match &select.group_by {
        GroupByExpr::All(_) => true,
        GroupByExpr::Expressions(exprs, modifiers) => !exprs.is_empty() || !modifiers.is_empty(),
    };
    if grouped || select.having.is_some() {
        return false;
    }
    // An aggregate whose arguments name only outer tables belongs to the outer query; the
    // subquery then returns a row per inner row. Qualified names must be the subquery's own.
    let inner: Vec<String> = select
        .from
        .iter()
        .flat_map(|t| std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation)))
        .filter_map(|factor| match factor {
            sqlparser::ast::TableFactor::Table { name, alias, .. } => Some(match alias {
                Some(alias) => alias.name.value.to_lowercase(),
                None => name
                    .0
                    .last()
                    .map(|p| p.to_string().to_lowercase())
                    .unwrap_or_default(),
            }),
            sqlparser::ast::TableFactor::Derived {
                alias: Some(alias), ..
            } => Some(alias.name.value.to_lowercase()),
            _ => None,
        })
        .collect();
    select.projection.iter().any(|item| match item {
        SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
            contains_aggregate(e) && qualifiers_within(e, &inner)
        }
        _ => false,
    })
}

/// Whether every `qualifier.column` in `e` uses one of `inner`'s names.
fn qualifiers_within(e: &Expr, inner: &[String]) -> bool {
    let mut ok = true;
    let _ = sqlparser::ast::visit_expressions(e, |expr| {
        if let Expr::CompoundIdentifier(parts) = expr
            && parts.len() >= 2
            && !inner.contains(&parts[parts.len() - 2].value.to_lowercase())
        {
            ok = false;
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    ok
}

/// Whether `e` calls an aggregate (not a window function) outside any subquery.
fn contains_aggregate(e: &Expr) -> bool {
    match e {
        Expr::Function(f) => {
            let name = f
                .name
                .0
                .last()
                .map(|p| p.to_string().to_lowercase())
                .unwrap_or_default();
            let aggregate = f.over.is_none()
                && builtins()
                    .procs
                    .get(&name)
                    .is_some_and(|procs| procs.iter().any(|p| p.kind == 'a'));
            aggregate
                || match &f.args {
                    sqlparser::ast::FunctionArguments::List(list) => {
                        list.args.iter().any(|a| match a {
                            sqlparser::ast::FunctionArg::Unnamed(
                                sqlparser::ast::FunctionArgExpr::Expr(e),
                            )
                            | sqlparser::ast::FunctionArg::Named {
                                arg: sqlparser::ast::FunctionArgExpr::Expr(e),
                                ..
                            } => contains_aggregate(e),
                            _ => false,
                        })
                    }
                    _ => false,
                }
        }
        Expr::Cast { expr, .. } | Expr::Nested(expr) | Expr::UnaryOp { expr, .. } => {
            contains_aggregate(expr)
        }
        Expr::BinaryOp { left, right, .. } => contains_aggregate(left) || contains_aggregate(right),
        _ => false,
    }
}

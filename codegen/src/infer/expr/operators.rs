//! Operators: AND/OR, row comparisons, other binary and prefix operators resolved over
//! `pg_operator`, and `op ANY (array)`.

use sqlparser::ast::{BinaryOperator, Expr, Spanned, UnaryOperator};
use sqlparser::tokenizer::Span;

use super::row_items;
use crate::catalog::Ty;
use crate::infer::InferError;
use crate::infer::context::Inference;
use crate::infer::resolve::{Candidate, bind_polymorphic, select};
use crate::infer::value::{NullFlow, Val};
use crate::pg::builtins::{builtins, is_pseudo};

/// The pg_operator name of a sqlparser binary operator.
pub(crate) fn operator_name(op: &BinaryOperator) -> String {
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

/// The built-in operators named `op`, prefix or binary, as candidates.
fn operator_candidates(op: &str, prefix: bool) -> Vec<Candidate> {
    let operators = builtins().operators.get(op).map(Vec::as_slice);
    operators
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .filter(|(_, o)| o.left.is_none() == prefix)
        .map(|(index, o)| Candidate {
            args: o.left.iter().chain([&o.right]).cloned().collect(),
            ret: o.result.clone(),
            index,
        })
        .collect()
}

/// Whether an operator compares (`=`, `<>`, `<`, `<=`, `>`, `>=`).
fn is_comparison(op: &BinaryOperator) -> bool {
    matches!(
        op,
        BinaryOperator::Eq
            | BinaryOperator::NotEq
            | BinaryOperator::Lt
            | BinaryOperator::LtEq
            | BinaryOperator::Gt
            | BinaryOperator::GtEq
    )
}

impl Inference<'_> {
    /// `left op right` (`e` is the whole expression, for error spans).
    pub(super) fn binary_expr(
        &mut self,
        e: &Expr,
        left: &Expr,
        op: &BinaryOperator,
        right: &Expr,
    ) -> Result<Val, InferError> {
        if is_comparison(op)
            && let (Some(li), Some(ri)) = (row_items(left), row_items(right))
        {
            return self.row_comparison(e, &li, op, &ri);
        }
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
                // Three-valued logic: `NULL OR true` is true.
                Ok(Val::bool(l.nullable || r.nullable).flowing(NullFlow::branches([&l, &r])))
            }
            _ => self
                .binary(&operator_name(op), &l, &r, Span::empty())
                .map_err(|err| err.or_span(e.span())),
        }
    }

    /// `(a, b) op (c, d)`: the operator applies pairwise.
    fn row_comparison(
        &mut self,
        e: &Expr,
        left: &[Expr],
        op: &BinaryOperator,
        right: &[Expr],
    ) -> Result<Val, InferError> {
        if left.len() != right.len() {
            return Err(InferError::new(
                "unequal number of entries in row expressions",
                e.span(),
            ));
        }
        let name = operator_name(op);
        let mut nullable = false;
        let mut pairs = Vec::new();
        for (a, b) in left.iter().zip(right) {
            let l = self.expr(a)?;
            let r = self.expr(b)?;
            let pair = self
                .binary(&name, &l, &r, Span::empty())
                .map_err(|err| err.or_span(e.span()))?;
            nullable |= pair.nullable;
            pairs.push(pair);
        }
        Ok(Val::bool(nullable).flowing(NullFlow::branches(&pairs)))
    }

    /// `NOT x`, `-x` and other prefix operators.
    pub(super) fn unary_expr(
        &mut self,
        e: &Expr,
        op: &UnaryOperator,
        expr: &Expr,
    ) -> Result<Val, InferError> {
        let v = self.expr(expr)?;
        match op {
            UnaryOperator::Not => {
                self.settle(&v, &Ty::new("bool"));
                Ok(Val::bool(v.nullable).flowing(NullFlow::strict([&v])))
            }
            // A negative literal stays the literal's type.
            UnaryOperator::Minus if matches!(expr, Expr::Value(_)) => Ok(v.unnamed()),
            _ => {
                let name = op.to_string();
                self.prefix(name.trim(), &v, Span::empty())
                    .map_err(|err| err.or_span(e.span()))
            }
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
        let candidates = operator_candidates(op, false);
        // One side unknown: try the other side's type for both first.
        let inputs = vec![lt.clone(), rt.clone()];
        let chosen = match (&lt, &rt) {
            (Some(a), None) | (None, Some(a)) => {
                let a = self.catalog.base_type(a);
                candidates
                    .iter()
                    .find(|c| c.args[0] == a && c.args[1] == a)
                    .map(|c| bind_polymorphic(self.catalog, c, &[Some(a.clone()), Some(a.clone())]))
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
        self.settle(l, &chosen.args[0]);
        self.settle(r, &chosen.args[1]);
        // JSON access finds no key or element, or a JSON null.
        let may_be_null = matches!(op, "->" | "->>" | "#>" | "#>>");
        // Operators' functions are strict: NULL in, NULL out.
        Ok((
            Val::known(chosen.ret, l.nullable || r.nullable || may_be_null, None)
                .flowing(NullFlow::strict([l, r])),
            chosen.args[1].clone(),
        ))
    }

    /// Resolves a prefix operator and settles a parameter to its operand type.
    fn prefix(&mut self, op: &str, v: &Val, span: Span) -> Result<Val, InferError> {
        let t = self.known(v);
        let candidates = operator_candidates(op, true);
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
        Ok(Val::known(chosen.ret, v.nullable, None).flowing(NullFlow::strict([v])))
    }

    /// `l op ANY (r)` where `r` is an array: parameters become arrays of the operand type.
    pub(crate) fn any_op(
        &mut self,
        op: &str,
        l: &Val,
        r: &Val,
        span: Span,
    ) -> Result<(), InferError> {
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
                // make_scalar_array_op: the operator is resolved against an unknown
                // right operand; the array then takes the operator's right type.
                let (_, right) = self.binary_operator(op, l, &Val::unknown(true), span)?;
                if is_pseudo(&right.name) {
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

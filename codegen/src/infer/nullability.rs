//! Nullability rules that look at a whole clause: what WHERE rules out, queries that
//! always return one row, grouping sets, and the NULL padding of set-returning functions
//! in a select list.

use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr,
    JoinConstraint, Query, SelectItem, SetExpr, TableFactor, Value,
};

use super::context::Inference;
use super::scope::Scope;
use super::value::Val;
use crate::catalog::ident;

/// Column references that a row passing `condition` cannot have NULL in: operands of
/// `IS NOT NULL`, of comparisons, LIKE, IN lists, BETWEEN and `= ANY`, in AND-ed conditions.
pub(crate) fn not_null_after_where(condition: &Expr, out: &mut Vec<Vec<String>>) {
    use BinaryOperator as Op;
    let mut column = |e: &Expr| match e {
        Expr::Identifier(i) => out.push(vec![ident(i)]),
        Expr::CompoundIdentifier(parts) => out.push(parts.iter().map(ident).collect()),
        _ => {}
    };
    match condition {
        Expr::Nested(inner) => not_null_after_where(inner, out),
        Expr::BinaryOp {
            left,
            op: Op::And,
            right,
        } => {
            not_null_after_where(left, out);
            not_null_after_where(right, out);
        }
        Expr::BinaryOp {
            left,
            op: Op::Eq | Op::NotEq | Op::Lt | Op::LtEq | Op::Gt | Op::GtEq,
            right,
        } => {
            column(left);
            column(right);
        }
        Expr::IsNotNull(e) => column(e),
        Expr::Like {
            expr,
            negated: false,
            ..
        }
        | Expr::ILike {
            expr,
            negated: false,
            ..
        }
        | Expr::InList {
            expr,
            negated: false,
            ..
        }
        | Expr::Between {
            expr,
            negated: false,
            ..
        } => column(expr),
        Expr::AnyOp { left, .. } => column(left),
        _ => {}
    }
}

impl Scope {
    /// Marks the columns `condition` rules out NULL for as non-NULL: a row passes WHERE
    /// only when every AND-ed condition is true, and a strict comparison with NULL is
    /// not. Only unambiguous references count (PostgreSQL rejects the others anyway).
    pub(crate) fn narrow_after_where(&mut self, condition: &Expr) {
        let mut refs = Vec::new();
        not_null_after_where(condition, &mut refs);
        for parts in &refs {
            let (qualifier, name) = match parts.as_slice() {
                [name] => (None, name),
                [.., q, name] => (Some(q.as_str()), name),
                [] => continue,
            };
            let [r] = self.matching_columns(qualifier, name)[..] else {
                continue;
            };
            self.entries[r.entry].cols[r.column].nullable = false;
            // A column USING/NATURAL merged away: the merged column is its value, the
            // other side's (which then matched it), or their COALESCE, so it is non-NULL too.
            if self.entries[r.entry].hidden[r.column]
                && let [merged] = self.matching_columns(None, name)[..]
            {
                self.entries[merged.entry].cols[merged.column].nullable = false;
            }
        }
    }
}

/// Whether a join condition is the literal `ON true`.
pub(crate) fn on_true(constraint: Option<&JoinConstraint>) -> bool {
    matches!(
        constraint,
        Some(JoinConstraint::On(Expr::Value(v))) if matches!(v.value, Value::Boolean(true))
    )
}

/// Whether a FROM item is a subquery that always returns exactly one row.
pub(crate) fn always_one_row_factor(factor: &TableFactor) -> bool {
    matches!(factor, TableFactor::Derived { subquery, .. } if always_one_row(subquery))
}

/// Whether a query always returns exactly one row: a plain SELECT whose select list
/// aggregates, with no GROUP BY, HAVING, LIMIT, OFFSET or FETCH (PostgreSQL returns one row
/// for an aggregate over any input, also an empty one).
pub(crate) fn always_one_row(query: &Query) -> bool {
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
            TableFactor::Table { name, alias, .. } => Some(match alias {
                Some(alias) => alias.name.value.to_lowercase(),
                None => name
                    .0
                    .last()
                    .map(|p| p.to_string().to_lowercase())
                    .unwrap_or_default(),
            }),
            TableFactor::Derived {
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
        ControlFlow::<()>::Continue(())
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
            let aggregate = f.over.is_none() && super::functions::is_aggregate(&name);
            aggregate
                || match &f.args {
                    FunctionArguments::List(list) => list.args.iter().any(|a| match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
                        | FunctionArg::Named {
                            arg: FunctionArgExpr::Expr(e),
                            ..
                        } => contains_aggregate(e),
                        _ => false,
                    }),
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

/// The grouping of a SELECT: whether it has grouping sets (GROUPING SETS, ROLLUP, CUBE
/// or a modifier like `WITH ROLLUP`), whether it has a plain GROUP BY, and the
/// expressions inside the grouping sets other than plain column references.
pub(crate) fn grouping_of(group_by: Option<&GroupByExpr>) -> (bool, bool, Vec<Expr>) {
    let mut grouping_sets = false;
    let mut grouping_exprs = Vec::new();
    if let Some(GroupByExpr::Expressions(exprs, modifiers)) = group_by {
        grouping_sets = !modifiers.is_empty();
        for e in exprs {
            if let Expr::GroupingSets(sets) | Expr::Rollup(sets) | Expr::Cube(sets) = e {
                grouping_sets = true;
                grouping_exprs.extend(
                    sets.iter()
                        .flatten()
                        .filter(|x| !matches!(x, Expr::Identifier(_) | Expr::CompoundIdentifier(_)))
                        .map(fold_identifiers),
                );
            }
        }
    }
    let grouped = !grouping_sets
        && match group_by {
            Some(GroupByExpr::All(_)) => true,
            Some(GroupByExpr::Expressions(exprs, _)) => !exprs.is_empty(),
            None => false,
        };
    (grouping_sets, grouped, grouping_exprs)
}

/// Whether a select-list item is, or contains as a sub-expression, one of the grouping
/// sets' expressions: it is NULL in the sets without that expression.
pub(crate) fn contains_grouping_expression(item: &Expr, grouping_exprs: &[Expr]) -> bool {
    if grouping_exprs.is_empty() {
        return false;
    }
    let item = fold_identifiers(item);
    sqlparser::ast::visit_expressions(&item, |e| {
        if grouping_exprs.contains(e) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .is_break()
}

/// `expr` with every unquoted identifier and function name folded to lower case, as
/// PostgreSQL folds them, so that `COALESCE(x, 0)` and `coalesce(x, 0)` compare equal.
fn fold_identifiers(expr: &Expr) -> Expr {
    fn fold(ident: &mut sqlparser::ast::Ident) {
        if ident.quote_style.is_none() {
            ident.value = ident.value.to_lowercase();
        }
    }
    let mut expr = expr.clone();
    let _ = sqlparser::ast::visit_expressions_mut(&mut expr, |e| {
        match e {
            Expr::Identifier(ident) => fold(ident),
            Expr::CompoundIdentifier(parts) => parts.iter_mut().for_each(fold),
            Expr::Function(function) => {
                for part in &mut function.name.0 {
                    if let sqlparser::ast::ObjectNamePart::Identifier(ident) = part {
                        fold(ident);
                    }
                }
            }
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
    expr
}

impl Inference<'_> {
    /// NULLs the select-list items that grouping sets or set-returning functions can make
    /// NULL. `items` pairs each expression item's value index with the item and its
    /// count of set-returning calls.
    pub(crate) fn select_list_nullability(
        &self,
        out: &mut [(Val, String)],
        items: &[(usize, &Expr, usize)],
    ) {
        for &(i, item, _) in items {
            if contains_grouping_expression(item, &self.select.grouping_exprs) {
                out[i].0.nullable = true;
            }
        }
        // With two or more set-returning calls, the shorter sets are padded with NULLs.
        if items.iter().map(|(_, _, n)| n).sum::<usize>() > 1 {
            for &(i, _, n) in items {
                if n > 0 {
                    out[i].0.nullable = true;
                }
            }
        }
    }
}

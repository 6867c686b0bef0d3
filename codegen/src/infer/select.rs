//! SELECT: the FROM scope, WHERE (and what it rules out NULL for), GROUP BY and its
//! grouping sets, HAVING and the select list; RETURNING uses the select list too.

use sqlparser::ast::{
    Expr, GroupByExpr, Select, SelectItem, SelectItemQualifiedWildcardKind, Spanned,
};
use sqlparser::tokenizer::Span;

use super::InferError;
use super::context::{Inference, SelectContext};
use super::nullability::grouping_of;
use super::scope::Col;
use super::value::Val;
use crate::catalog::ident;

/// The clauses of a SELECT that are inferred in its FROM scope.
#[derive(Clone, Copy)]
pub(crate) struct SelectClauses<'q> {
    pub projection: &'q [SelectItem],
    pub selection: Option<&'q Expr>,
    pub group_by: Option<&'q GroupByExpr>,
    pub having: Option<&'q Expr>,
}

impl<'q> SelectClauses<'q> {
    pub fn of(select: &'q Select) -> Self {
        SelectClauses {
            projection: &select.projection,
            selection: select.selection.as_ref(),
            group_by: Some(&select.group_by),
            having: select.having.as_ref(),
        }
    }

    /// A bare list of items, like RETURNING's.
    pub fn items(projection: &'q [SelectItem]) -> Self {
        SelectClauses {
            projection,
            selection: None,
            group_by: None,
            having: None,
        }
    }
}

impl Inference<'_> {
    /// Output columns of a list of values: their final types (`span` for errors).
    pub fn output_columns(
        &mut self,
        vals: Vec<(Val, String)>,
        span: Span,
    ) -> Result<Vec<Col>, InferError> {
        let mut out = Vec::new();
        for (v, name) in vals {
            let ty = self.finalize(&v, span)?;
            out.push(Col {
                name,
                ty,
                nullable: v.nullable,
                element_nulls: v.element_nulls,
            });
        }
        Ok(out)
    }

    pub(super) fn select(
        &mut self,
        select: &Select,
        keep_scope: bool,
    ) -> Result<Vec<Col>, InferError> {
        let vals = self.select_values(select)?;
        let span = select
            .projection
            .first()
            .map(|p| p.span())
            .unwrap_or(Span::empty());
        let out = self.output_columns(vals, span)?;
        if !keep_scope {
            self.last_scope = None;
        }
        Ok(out)
    }

    /// The select list's values, before unknown types are settled; the FROM scope is
    /// kept in `last_scope` for ORDER BY.
    pub(super) fn select_values(
        &mut self,
        select: &Select,
    ) -> Result<Vec<(Val, String)>, InferError> {
        let scope = self.scope_of_from(&select.from)?;
        self.scopes.push(scope);
        let result = self.select_in_scope(SelectClauses::of(select));
        self.last_scope = self.scopes.pop();
        result
    }

    /// WHERE, GROUP BY, HAVING and the select list, in the innermost scope.
    pub(super) fn select_in_scope(
        &mut self,
        clauses: SelectClauses<'_>,
    ) -> Result<Vec<(Val, String)>, InferError> {
        if let Some(selection) = clauses.selection {
            self.condition(selection)?;
            if let Some(scope) = self.scopes.last_mut() {
                scope.narrow_after_where(selection);
            }
        }
        let (grouping_sets, grouped, grouping_exprs) = grouping_of(clauses.group_by);
        if let Some(GroupByExpr::Expressions(exprs, _)) = clauses.group_by {
            for e in exprs.iter().filter(|e| !matches!(e, Expr::Value(_))) {
                // Only the parameters' types matter here.
                let _ = self.expr(e);
            }
        }
        let context = SelectContext {
            grouping_sets,
            grouped,
            grouping_exprs,
            ..SelectContext::default()
        };
        self.in_select_context(context, |cx| {
            if let Some(having) = clauses.having {
                cx.condition(having)?;
            }
            cx.select_list(clauses.projection)
        })
    }

    fn select_list(&mut self, projection: &[SelectItem]) -> Result<Vec<(Val, String)>, InferError> {
        let mut out = Vec::new();
        // The expression items: (index in `out`, expression, set-returning calls in it).
        let mut items = Vec::new();
        for item in projection {
            let before = self.select.srf_calls;
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let v = self.expr(e)?;
                    let name = v.name.clone().unwrap_or_else(|| "?column?".into());
                    out.push((v, name));
                    items.push((out.len() - 1, e, self.select.srf_calls - before));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let v = self.expr(expr)?;
                    out.push((v, ident(alias)));
                    items.push((out.len() - 1, expr, self.select.srf_calls - before));
                }
                SelectItem::Wildcard(_) => out.extend(self.star(item)?),
                SelectItem::QualifiedWildcard(kind, _) => {
                    out.extend(self.qualified_star(kind)?);
                }
                other => return Err(InferError::new("unsupported select item", other.span())),
            }
        }
        self.select_list_nullability(&mut out, &items);
        Ok(out)
    }

    /// `*`: the innermost scope's columns.
    fn star(&self, item: &SelectItem) -> Result<Vec<(Val, String)>, InferError> {
        let scope = self.scopes.last();
        let Some(scope) = scope.filter(|s| !s.entries.is_empty()) else {
            return Err(InferError::new(
                "SELECT * with no tables specified is not valid",
                item.span(),
            ));
        };
        Ok(scope.star_columns().map(column_value).collect())
    }

    /// `table.*`: all the columns of a FROM item.
    fn qualified_star(
        &self,
        kind: &SelectItemQualifiedWildcardKind,
    ) -> Result<Vec<(Val, String)>, InferError> {
        let name = match kind {
            SelectItemQualifiedWildcardKind::ObjectName(n) => n,
            SelectItemQualifiedWildcardKind::Expr(e) => {
                return Err(InferError::new("unsupported qualified wildcard", e.span()));
            }
        };
        let entry = self.find_entry(name).ok_or_else(|| {
            InferError::new(
                format!("missing FROM-clause entry for table `{name}`"),
                name.span(),
            )
        })?;
        Ok(entry.cols.iter().map(column_value).collect())
    }
}

fn column_value(c: &Col) -> (Val, String) {
    (
        Val::known(c.ty.clone(), c.nullable, Some(c.name.clone()))
            .with_element_nulls(c.element_nulls),
        c.name.clone(),
    )
}

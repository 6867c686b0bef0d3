//! Queries: WITH (also recursive), set operations, VALUES, `TABLE name`, and what follows
//! the body (ORDER BY, LIMIT, OFFSET, FETCH).

use sqlparser::ast::{
    Expr, LimitClause, OrderByKind, Query, SetExpr, SetOperator, Spanned, TableAlias,
};
use sqlparser::tokenizer::Span;

use super::InferError;
use super::context::Inference;
use super::scope::{Col, Entry, Scope, rename_columns};
use super::value::Val;
use crate::catalog::{Ty, ident};

impl Inference<'_> {
    /// A query's output columns.
    pub fn query(&mut self, q: &Query) -> Result<Vec<Col>, InferError> {
        let saved = self.ctes.len();
        let result = self.with_clause(q).and_then(|()| self.query_body(q));
        self.ctes.truncate(saved);
        result
    }

    /// A set operation's, a SELECT's or VALUES' output columns; `keep_scope` keeps a
    /// SELECT's FROM scope for the ORDER BY after it.
    pub fn set_expr(&mut self, body: &SetExpr, keep_scope: bool) -> Result<Vec<Col>, InferError> {
        match body {
            SetExpr::Select(select) => self.select(select, keep_scope),
            SetExpr::Query(q) => self.query(q),
            SetExpr::SetOperation {
                op, left, right, ..
            } => self.set_operation(op, left, right),
            SetExpr::Values(values) => {
                let mut columns: Vec<Vec<Val>> = Vec::new();
                for row in &values.rows {
                    for (i, e) in row.iter().enumerate() {
                        let v = self.expr(e)?;
                        if columns.len() <= i {
                            columns.push(Vec::new());
                        }
                        columns[i].push(v);
                    }
                }
                let mut out = Vec::new();
                for (i, vals) in columns.into_iter().enumerate() {
                    let ty = self.common(&vals, body.span())?;
                    out.push(Col {
                        name: format!("column{}", i + 1),
                        nullable: vals.iter().any(|v| v.nullable),
                        ty,
                        element_nulls: vals.iter().any(|v| v.element_nulls),
                    });
                }
                Ok(out)
            }
            SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) => Ok(self.dml(s)?.0),
            SetExpr::Table(table) => {
                let name = table.table_name.clone().unwrap_or_default();
                let entry =
                    self.relation_entry(&name, table.schema_name.as_deref(), None, Span::empty())?;
                Ok(entry.cols)
            }
            other => Err(InferError::new(
                "this kind of query is not supported",
                other.span(),
            )),
        }
    }

    /// Brings a query's CTEs into view, in order.
    fn with_clause(&mut self, q: &Query) -> Result<(), InferError> {
        let Some(with) = &q.with else {
            return Ok(());
        };
        for cte in &with.cte_tables {
            let name = ident(&cte.alias.name);
            let mut cols = if with.recursive {
                self.recursive_cte(&name, &cte.query, &cte.alias)?
            } else {
                self.query(&cte.query)?
            };
            rename_columns(&mut cols, &cte.alias);
            self.ctes.push((name, cols));
        }
        Ok(())
    }

    fn query_body(&mut self, q: &Query) -> Result<Vec<Col>, InferError> {
        let cols = self.set_expr(&q.body, q.order_by.is_some())?;
        if let Some(order_by) = &q.order_by
            && let OrderByKind::Expressions(exprs) = &order_by.kind
        {
            // A bare name or a number names an output column; any other expression is
            // over the FROM items (output columns only after a set operation).
            let scope = self
                .last_scope
                .take()
                .unwrap_or_else(|| Scope::of_entry(Entry::new(None, None, cols.clone())));
            self.in_scope(scope, |cx| {
                for e in exprs {
                    let output_name = match &e.expr {
                        Expr::Identifier(i) => cols.iter().any(|c| c.name == ident(i)),
                        Expr::Value(_) => true,
                        _ => false,
                    };
                    if !output_name {
                        cx.expr(&e.expr)?;
                    }
                }
                Ok(())
            })?;
        }
        match &q.limit_clause {
            Some(LimitClause::LimitOffset { limit, offset, .. }) => {
                if let Some(limit) = limit {
                    self.int8_context(limit)?;
                }
                if let Some(offset) = offset {
                    self.int8_context(&offset.value)?;
                }
            }
            Some(LimitClause::OffsetCommaLimit { offset, limit }) => {
                self.int8_context(offset)?;
                self.int8_context(limit)?;
            }
            None => {}
        }
        if let Some(fetch) = &q.fetch
            && let Some(quantity) = &fetch.quantity
        {
            self.int8_context(quantity)?;
        }
        Ok(cols)
    }

    /// LIMIT, OFFSET and FETCH take a bigint.
    fn int8_context(&mut self, e: &Expr) -> Result<(), InferError> {
        let v = self.expr(e)?;
        self.settle(&v, &Ty::new("int8"));
        Ok(())
    }

    /// A recursive CTE: its columns take the non-recursive term's types and the alias's
    /// names; a column is nullable when either term can make it NULL, found by
    /// re-inferring the recursive term until the nullability stops changing.
    fn recursive_cte(
        &mut self,
        name: &str,
        q: &Query,
        alias: &TableAlias,
    ) -> Result<Vec<Col>, InferError> {
        let SetExpr::SetOperation { left, .. } = &*q.body else {
            let mut cols = self.query(q)?;
            rename_columns(&mut cols, alias);
            return Ok(cols);
        };
        let mut cols = self.set_expr(left, false)?;
        rename_columns(&mut cols, alias);
        for _ in 0..8 {
            self.ctes.push((name.to_string(), cols.clone()));
            let result = self.query(q);
            self.ctes.pop();
            let whole = result?;
            let mut changed = false;
            for (c, w) in cols.iter_mut().zip(&whole) {
                if w.nullable && !c.nullable {
                    c.nullable = true;
                    changed = true;
                }
            }
            if !changed {
                return Ok(cols);
            }
        }
        for c in &mut cols {
            c.nullable = true;
        }
        Ok(cols)
    }

    /// `left UNION/INTERSECT/EXCEPT right`: the branches' common types.
    fn set_operation(
        &mut self,
        op: &SetOperator,
        left: &SetExpr,
        right: &SetExpr,
    ) -> Result<Vec<Col>, InferError> {
        let l = self.set_expr_values(left)?;
        let r = self.set_expr_values(right)?;
        if l.len() != r.len() {
            return Err(InferError::new(
                format!("each {op} query must have the same number of columns"),
                right.span(),
            ));
        }
        let mut out = Vec::new();
        for ((a, name), (b, _)) in l.into_iter().zip(r) {
            let ty = self.common(&[a.clone(), b.clone()], right.span())?;
            let nullable = match op {
                SetOperator::Intersect => a.nullable && b.nullable,
                SetOperator::Except => a.nullable,
                _ => a.nullable || b.nullable,
            };
            out.push(Col {
                name,
                ty,
                nullable,
                element_nulls: a.element_nulls || b.element_nulls,
            });
        }
        Ok(out)
    }

    /// Values of a set operation's branch: (column as Val, name).
    fn set_expr_values(&mut self, body: &SetExpr) -> Result<Vec<(Val, String)>, InferError> {
        // A bare SELECT whose columns are still unknown (literals, parameters) must stay
        // unknown until the common type is chosen.
        if let SetExpr::Select(select) = body {
            return self.select_values(select);
        }
        Ok(self
            .set_expr(body, false)?
            .into_iter()
            .map(|c| {
                let v = Val::known(c.ty, c.nullable, Some(c.name.clone()));
                (v.with_element_nulls(c.element_nulls), c.name)
            })
            .collect())
    }
}

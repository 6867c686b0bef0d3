//! Queries: CTEs, SELECT, set operations, VALUES, FROM/JOIN scopes and DML with RETURNING.

use sqlparser::ast::{
    AssignmentTarget, Expr, FromTable, GroupByExpr, Join, JoinConstraint, JoinOperator,
    LimitClause, ObjectName, OnConflictAction, OnInsert, Query, Select, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, SetOperator, Spanned, Statement, TableAlias,
    TableFactor, TableObject, TableWithJoins, UpdateTableFromKind, Value,
};
use sqlparser::tokenizer::Span;

use super::InferError;
use super::resolve::common_type;
use crate::catalog::{Catalog, Ty};
use crate::catalog::{ident, object_name};
use crate::diagnostic::Code;

/// An output or scope column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Col {
    pub name: String,
    pub ty: Ty,
    pub nullable: bool,
}

/// One FROM item visible by name.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Name it is referenced by (alias or table name) and its schema if a table.
    pub qualifier: Option<String>,
    pub schema: Option<String>,
    pub cols: Vec<Col>,
    /// Columns merged away by USING/NATURAL (not found unqualified, not in `*`).
    pub hidden: Vec<bool>,
    /// A table or materialized view: it has the system columns (`ctid`, `xmin`, …),
    /// which are found by name but are not part of `*`.
    pub system_columns: bool,
}

/// A FROM clause's visible names and `*` expansion.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub entries: Vec<Entry>,
    pub star: Vec<Col>,
}

/// Inference state for one statement.
pub struct Cx<'a> {
    pub catalog: &'a Catalog,
    pub params: Vec<Option<Ty>>,
    pub param_nullable: Vec<bool>,
    pub param_spans: Vec<Option<Span>>,
    pub scopes: Vec<Scope>,
    pub ctes: Vec<(String, Vec<Col>)>,
    pub last_scope: Option<Scope>,
    /// Inside the select list or HAVING of a query with GROUPING SETS, ROLLUP or CUBE:
    /// a column outside an aggregate's arguments can be NULL (in the sets without it).
    pub grouping_sets: bool,
    /// How many aggregate calls' arguments are being inferred.
    pub aggregate_depth: usize,
    /// Inside the select list or HAVING of a query with a plain GROUP BY (no grouping
    /// sets): every group has at least one row, so `min(x)` of a non-null `x` is non-null.
    pub grouped: bool,
    /// The first parameter given two different types: (index, first, second).
    pub param_conflict: Option<(usize, Ty, Ty)>,
    /// Set-returning function calls seen outside FROM (select-list SRFs of unequal
    /// lengths pad the shorter ones with NULLs).
    pub srf_calls: usize,
    /// The expressions inside GROUPING SETS / ROLLUP / CUBE of the current SELECT,
    /// as text: a select-list item containing one is NULL in the sets without it.
    pub grouping_exprs: Vec<String>,
}

impl<'a> Cx<'a> {
    pub fn new(catalog: &'a Catalog, param_count: usize) -> Self {
        Cx {
            catalog,
            params: vec![None; param_count],
            param_nullable: vec![false; param_count],
            srf_calls: 0,
            grouping_exprs: Vec::new(),
            param_spans: vec![None; param_count],
            scopes: Vec::new(),
            ctes: Vec::new(),
            last_scope: None,
            grouping_sets: false,
            aggregate_depth: 0,
            grouped: false,
            param_conflict: None,
        }
    }

    /// Output columns and whether the statement returns rows.
    pub fn statement(&mut self, statement: &Statement) -> Result<(Vec<Col>, bool), InferError> {
        match statement {
            Statement::Query(q) => Ok((self.query(q)?, true)),
            Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) => {
                let (cols, returning) = self.dml(statement)?;
                Ok((cols, returning))
            }
            Statement::Call(function) => {
                self.call(function)?;
                Ok((Vec::new(), false))
            }
            _ => {
                // Utility statements (NOTIFY, TRUNCATE, CREATE TABLE, …): no columns.
                Ok((Vec::new(), false))
            }
        }
    }

    fn call(&mut self, function: &sqlparser::ast::Function) -> Result<(), InferError> {
        let (_, name) = object_name(&function.name);
        let args = super::functions::plain_args(function);
        let procedure = self
            .catalog
            .functions
            .iter()
            .find(|f| f.name == name && f.procedure)
            .cloned();
        let Some(procedure) = procedure else {
            return Err(InferError::new(
                format!("procedure `{name}` does not exist"),
                function.name.span(),
            ));
        };
        for (arg, declared) in args.iter().zip(&procedure.args) {
            let v = self.expr(arg)?;
            self.settle(&v, declared);
        }
        Ok(())
    }

    pub fn query(&mut self, q: &Query) -> Result<Vec<Col>, InferError> {
        let saved = self.ctes.len();
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                let name = ident(&cte.alias.name);
                let cols = if with.recursive {
                    self.recursive_cte(&name, &cte.query, &cte.alias)?
                } else {
                    self.query(&cte.query)?
                };
                let cols = rename(cols, &cte.alias);
                self.ctes.push((name, cols));
            }
        }
        let result = self.query_body(q);
        self.ctes.truncate(saved);
        result
    }

    fn query_body(&mut self, q: &Query) -> Result<Vec<Col>, InferError> {
        let cols = self.set_expr(&q.body, q.order_by.is_some())?;
        if let Some(order_by) = &q.order_by
            && let sqlparser::ast::OrderByKind::Expressions(exprs) = &order_by.kind
        {
            // A bare name or a number names an output column; any other expression is
            // over the FROM items (output columns only after a set operation).
            let scope = self.last_scope.take().unwrap_or_else(|| Scope {
                entries: vec![Entry {
                    qualifier: None,
                    schema: None,
                    cols: cols.clone(),
                    hidden: vec![false; cols.len()],
                    system_columns: false,
                }],
                ..Scope::default()
            });
            self.scopes.push(scope);
            let mut result = Ok(());
            for e in exprs {
                let output_name = match &e.expr {
                    Expr::Identifier(i) => cols.iter().any(|c| c.name == ident(i)),
                    Expr::Value(_) => true,
                    _ => false,
                };
                if !output_name && let Err(err) = self.expr(&e.expr) {
                    result = Err(err);
                    break;
                }
            }
            self.scopes.pop();
            result?;
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
            return self.query(q).map(|cols| rename(cols, alias));
        };
        let mut cols = rename(self.set_expr(left, false)?, alias);
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

    pub fn set_expr(&mut self, body: &SetExpr, keep_scope: bool) -> Result<Vec<Col>, InferError> {
        match body {
            SetExpr::Select(select) => self.select(select, keep_scope),
            SetExpr::Query(q) => self.query(q),
            SetExpr::SetOperation {
                op, left, right, ..
            } => {
                let l = self.set_expr_values(left)?;
                let r = self.set_expr_values(right)?;
                if l.len() != r.len() {
                    return Err(InferError::new(
                        format!("each {op} query must have the same number of columns"),
                        right.span(),
                    ));
                }
                let mut out = Vec::new();
                for (a, b) in l.into_iter().zip(r) {
                    let ty = self.common(&[a.0.clone(), b.0.clone()], right.span())?;
                    let nullable = match op {
                        SetOperator::Intersect => a.0.nullable && b.0.nullable,
                        SetOperator::Except => a.0.nullable,
                        _ => a.0.nullable || b.0.nullable,
                    };
                    out.push(Col {
                        name: a.1,
                        ty,
                        nullable,
                    });
                }
                Ok(out)
            }
            SetExpr::Values(values) => {
                let mut columns: Vec<Vec<super::expr::Val>> = Vec::new();
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
                    });
                }
                Ok(out)
            }
            SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) => Ok(self.dml(s)?.0),
            SetExpr::Table(table) => {
                let name = table.table_name.clone().unwrap_or_default();
                let scope =
                    self.relation_entry(&name, table.schema_name.as_deref(), None, Span::empty())?;
                Ok(scope.cols)
            }
            other => Err(InferError::new(
                "this kind of query is not supported",
                other.span(),
            )),
        }
    }

    /// Values of a set operation's branch: (column as Val, name).
    fn set_expr_values(
        &mut self,
        body: &SetExpr,
    ) -> Result<Vec<(super::expr::Val, String)>, InferError> {
        // A bare SELECT whose columns are still unknown (literals, parameters) must stay
        // unknown until the common type is chosen.
        if let SetExpr::Select(select) = body {
            return self.select_values(select);
        }
        Ok(self
            .set_expr(body, false)?
            .into_iter()
            .map(|c| {
                (
                    super::expr::Val::known(c.ty, c.nullable, Some(c.name.clone())),
                    c.name,
                )
            })
            .collect())
    }

    /// Common type of values; unknown-only becomes text; parameters get the type.
    pub fn common(&mut self, vals: &[super::expr::Val], span: Span) -> Result<Ty, InferError> {
        let inputs: Vec<Option<Ty>> = vals.iter().map(|v| self.known(v)).collect();
        let ty = common_type(self.catalog, &inputs)
            .map_err(|m| InferError::new(m, span))?
            .unwrap_or(Ty::new("text"));
        for v in vals {
            self.settle(v, &ty);
        }
        Ok(ty)
    }

    fn select(&mut self, select: &Select, keep_scope: bool) -> Result<Vec<Col>, InferError> {
        let vals = self.select_values(select)?;
        let mut out = Vec::new();
        for (v, name) in vals {
            let ty = self.finalize(
                &v,
                select
                    .projection
                    .first()
                    .map(|p| p.span())
                    .unwrap_or(Span::empty()),
            )?;
            out.push(Col {
                name,
                ty,
                nullable: v.nullable,
            });
        }
        if !keep_scope {
            self.last_scope = None;
        }
        Ok(out)
    }

    fn select_values(
        &mut self,
        select: &Select,
    ) -> Result<Vec<(super::expr::Val, String)>, InferError> {
        let scope = self.scope_of_from(&select.from)?;
        self.scopes.push(scope);
        let result = self.select_in_scope(select);
        let scope = self.scopes.pop();
        self.last_scope = scope;
        result
    }

    fn select_in_scope(
        &mut self,
        select: &Select,
    ) -> Result<Vec<(super::expr::Val, String)>, InferError> {
        if let Some(selection) = &select.selection {
            let v = self.expr(selection)?;
            self.settle(&v, &Ty::new("bool"));
            // A row passes WHERE only when every AND-ed condition is true, and a strict
            // comparison with NULL is not: such columns are non-NULL after the filter.
            let mut refs = Vec::new();
            not_null_after_where(selection, &mut refs);
            self.assume_not_null(&refs);
        }
        let mut grouping_sets = false;
        let mut grouping_exprs = Vec::new();
        if let GroupByExpr::Expressions(exprs, modifiers) = &select.group_by {
            grouping_sets = !modifiers.is_empty();
            for e in exprs {
                if let Expr::GroupingSets(sets) | Expr::Rollup(sets) | Expr::Cube(sets) = e {
                    for x in sets.iter().flatten() {
                        if !matches!(x, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) {
                            grouping_exprs.push(x.to_string());
                        }
                    }
                }
                grouping_sets |=
                    matches!(e, Expr::GroupingSets(_) | Expr::Rollup(_) | Expr::Cube(_));
                if !matches!(e, Expr::Value(_)) {
                    let _ = self.expr(e);
                }
            }
        }
        let grouped = !grouping_sets
            && match &select.group_by {
                GroupByExpr::All(_) => true,
                GroupByExpr::Expressions(exprs, _) => !exprs.is_empty(),
            };
        let outer_grouping_sets = std::mem::replace(&mut self.grouping_sets, grouping_sets);
        let outer_grouped = std::mem::replace(&mut self.grouped, grouped);
        let outer_aggregate_depth = std::mem::take(&mut self.aggregate_depth);
        let outer_grouping_exprs = std::mem::replace(&mut self.grouping_exprs, grouping_exprs);
        let result = self.select_list(select);
        self.grouping_exprs = outer_grouping_exprs;
        self.grouping_sets = outer_grouping_sets;
        self.grouped = outer_grouped;
        self.aggregate_depth = outer_aggregate_depth;
        result
    }

    fn select_list(
        &mut self,
        select: &Select,
    ) -> Result<Vec<(super::expr::Val, String)>, InferError> {
        if let Some(having) = &select.having {
            let v = self.expr(having)?;
            self.settle(&v, &Ty::new("bool"));
        }
        let mut out = Vec::new();
        // Which items call a set-returning function: with two or more, the shorter
        // sets are padded with NULLs, so those items can be NULL.
        let mut with_srf = Vec::new();
        for item in &select.projection {
            let before = self.srf_calls;
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let v = self.expr(e)?;
                    let name = v.name.clone().unwrap_or_else(|| "?column?".into());
                    out.push((v, name));
                    with_srf.push((out.len() - 1, self.srf_calls - before));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let v = self.expr(expr)?;
                    out.push((v, ident(alias)));
                    with_srf.push((out.len() - 1, self.srf_calls - before));
                }
                SelectItem::Wildcard(_) => {
                    let scope = self.scopes.last().cloned().unwrap_or_default();
                    if scope.entries.is_empty() {
                        return Err(InferError::new(
                            "SELECT * with no tables specified is not valid",
                            item.span(),
                        ));
                    }
                    for c in scope.star {
                        out.push((
                            super::expr::Val::known(c.ty, c.nullable, Some(c.name.clone())),
                            c.name,
                        ));
                    }
                }
                SelectItem::QualifiedWildcard(kind, _) => {
                    let name = match kind {
                        SelectItemQualifiedWildcardKind::ObjectName(n) => n.clone(),
                        SelectItemQualifiedWildcardKind::Expr(e) => {
                            return Err(InferError::new(
                                "unsupported qualified wildcard",
                                e.span(),
                            ));
                        }
                    };
                    let entry = self.find_entry(&name).ok_or_else(|| {
                        InferError::new(
                            format!("missing FROM-clause entry for table `{name}`"),
                            name.span(),
                        )
                    })?;
                    for c in entry.cols {
                        out.push((
                            super::expr::Val::known(c.ty, c.nullable, Some(c.name.clone())),
                            c.name,
                        ));
                    }
                }
                other => return Err(InferError::new("unsupported select item", other.span())),
            }
        }
        if !self.grouping_exprs.is_empty() {
            let items = select.projection.iter().filter_map(|item| match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    Some(e.to_string())
                }
                _ => None,
            });
            for ((i, _), text) in with_srf.iter().zip(items) {
                if self
                    .grouping_exprs
                    .iter()
                    .any(|g| text.contains(g.as_str()))
                {
                    out[*i].0.nullable = true;
                }
            }
        }
        if with_srf.iter().map(|(_, n)| n).sum::<usize>() > 1 {
            for (i, n) in with_srf {
                if n > 0 {
                    out[i].0.nullable = true;
                }
            }
        }
        Ok(out)
    }

    pub fn find_entry(&self, name: &ObjectName) -> Option<Entry> {
        let (schema, table) = object_name(name);
        let qualified = name.0.len() > 1;
        for scope in self.scopes.iter().rev() {
            for entry in scope.entries.iter().rev() {
                if entry.qualifier.as_deref() == Some(table.as_str())
                    && (!qualified || entry.schema.as_deref() == Some(schema.as_str()))
                {
                    return Some(entry.clone());
                }
            }
        }
        None
    }

    pub fn scope_of_from(&mut self, from: &[TableWithJoins]) -> Result<Scope, InferError> {
        let mut scope = Scope::default();
        for item in from {
            let s = self.table_with_joins(item, &scope)?;
            scope.entries.extend(s.entries);
            scope.star.extend(s.star);
        }
        Ok(scope)
    }

    fn table_with_joins(
        &mut self,
        twj: &TableWithJoins,
        outer: &Scope,
    ) -> Result<Scope, InferError> {
        let mut left = self.table_factor(&twj.relation, outer)?;
        for join in &twj.joins {
            left = self.join(left, join, outer)?;
        }
        Ok(left)
    }

    fn join(&mut self, left: Scope, join: &Join, outer: &Scope) -> Result<Scope, InferError> {
        // LATERAL items see the left side.
        let mut visible = outer.clone();
        visible.entries.extend(left.entries.clone());
        let right = self.table_factor(&join.relation, &visible)?;
        let (constraint, left_nullable, right_nullable) = match &join.join_operator {
            JoinOperator::Join(c) | JoinOperator::Inner(c) => (Some(c), false, false),
            JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (Some(c), false, true),
            JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (Some(c), true, false),
            JoinOperator::FullOuter(c) => (Some(c), true, true),
            JoinOperator::CrossJoin(c) => (Some(c), false, false),
            _ => (None, false, false),
        };
        // `LEFT JOIN LATERAL (SELECT count(*) …) ON true`: a right side that always has
        // exactly one row, joined on a condition that is always true, is never null-extended.
        let right_nullable =
            right_nullable && !(on_true(constraint) && always_one_row_factor(&join.relation));
        let mut left = left;
        let mut right = right;
        let mark = |s: &mut Scope| {
            for e in &mut s.entries {
                for c in &mut e.cols {
                    c.nullable = true;
                }
            }
            for c in &mut s.star {
                c.nullable = true;
            }
        };
        // Names used by USING / NATURAL.
        let using: Vec<String> = match constraint {
            Some(JoinConstraint::Using(names)) => names.iter().map(|n| object_name(n).1).collect(),
            Some(JoinConstraint::Natural) => left
                .star
                .iter()
                .filter(|c| right.star.iter().any(|r| r.name == c.name))
                .map(|c| c.name.clone())
                .collect(),
            _ => Vec::new(),
        };
        let mut merged = Vec::new();
        for name in &using {
            let l = left.star.iter().find(|c| c.name == *name).cloned();
            let r = right.star.iter().find(|c| c.name == *name).cloned();
            let (Some(l), Some(r)) = (l, r) else {
                return Err(InferError::new(
                    format!(
                        "column `{name}` specified in USING clause does not exist in both tables"
                    ),
                    join.relation.span(),
                ));
            };
            let ty = common_type(self.catalog, &[Some(l.ty.clone()), Some(r.ty.clone())])
                .map_err(|m| InferError::new(m, join.relation.span()))?
                .unwrap_or(l.ty.clone());
            let nullable = if left_nullable && right_nullable {
                l.nullable && r.nullable
            } else if right_nullable {
                l.nullable
            } else if left_nullable {
                r.nullable
            } else {
                l.nullable && r.nullable
            };
            merged.push(Col {
                name: name.clone(),
                ty,
                nullable,
            });
        }
        if left_nullable {
            mark(&mut left);
        }
        if right_nullable {
            mark(&mut right);
        }
        for side in [&mut left, &mut right] {
            for e in &mut side.entries {
                for (i, c) in e.cols.iter().enumerate() {
                    if using.contains(&c.name) {
                        e.hidden[i] = true;
                    }
                }
            }
            side.star.retain(|c| !using.contains(&c.name));
        }
        let mut scope = Scope::default();
        if !merged.is_empty() {
            scope.entries.push(Entry {
                qualifier: None,
                schema: None,
                cols: merged.clone(),
                hidden: vec![false; merged.len()],
                system_columns: false,
            });
        }
        scope.entries.extend(left.entries);
        scope.entries.extend(right.entries);
        scope.star = merged;
        scope.star.extend(left.star);
        scope.star.extend(right.star);
        if let Some(JoinConstraint::On(on)) = constraint {
            let mut full = outer.clone();
            full.entries.extend(scope.entries.clone());
            self.scopes.push(full);
            let result = self.expr(on);
            self.scopes.pop();
            let v = result?;
            self.settle(&v, &Ty::new("bool"));
        }
        Ok(scope)
    }

    fn entry_scope(entry: Entry) -> Scope {
        Scope {
            star: entry.cols.clone(),
            entries: vec![entry],
        }
    }

    /// A sequence read as a relation (`SELECT last_value FROM my_seq`).
    fn sequence_columns(&self, schema: Option<&str>, name: &str) -> Option<Vec<Col>> {
        let schema = schema.unwrap_or("public");
        self.catalog
            .sequences
            .iter()
            .any(|(s, n)| s == schema && n == name)
            .then(|| {
                [
                    ("last_value", "int8"),
                    ("log_cnt", "int8"),
                    ("is_called", "bool"),
                ]
                .into_iter()
                .map(|(name, ty)| Col {
                    name: name.into(),
                    ty: Ty::new(ty),
                    nullable: false,
                })
                .collect()
            })
    }

    pub fn relation_entry(
        &mut self,
        name: &str,
        schema: Option<&str>,
        alias: Option<&TableAlias>,
        span: Span,
    ) -> Result<Entry, InferError> {
        let (cols, schema_name) = if let Some((_, cols)) = self
            .ctes
            .iter()
            .rev()
            .find(|(n, _)| schema.is_none() && n == name)
        {
            (cols.clone(), None)
        } else if let Some(r) = self.catalog.relation(schema, name) {
            (
                r.columns
                    .iter()
                    .map(|c| Col {
                        name: c.name.clone(),
                        ty: c.ty.clone(),
                        nullable: !c.not_null,
                    })
                    .collect(),
                Some(r.schema.clone()),
            )
        } else if let Some((schema, cols)) = super::functions::system_relation(schema, name) {
            (cols, Some(schema))
        } else if let Some(cols) = self.sequence_columns(schema, name) {
            (cols, schema.map(str::to_string))
        } else if let Some(mut cols) = super::functions::sql_value_function(name) {
            // A scalar function's column takes the alias's name (`FROM current_date AS d`).
            if let Some(alias) = alias {
                cols[0].name = ident(&alias.name);
            }
            (cols, None)
        } else {
            return Err(
                InferError::new(format!("relation `{name}` does not exist"), span)
                    .code(Code::UnknownRelation)
                    .help("check the table name against the migrations"),
            );
        };
        let mut entry = Entry {
            qualifier: Some(name.to_string()),
            schema: schema_name.or(schema.map(str::to_string)),
            hidden: vec![false; cols.len()],
            system_columns: false,
            cols,
        };
        // Tables and materialized views have system columns.
        entry.system_columns = !self.ctes.iter().any(|(n, _)| schema.is_none() && n == name)
            && self.catalog.relation(schema, name).is_some_and(|r| {
                matches!(
                    r.kind,
                    crate::catalog::RelationKind::Table
                        | crate::catalog::RelationKind::MaterializedView
                )
            });
        if let Some(alias) = alias {
            entry.qualifier = Some(ident(&alias.name));
            entry.schema = None;
            for (c, a) in entry.cols.iter_mut().zip(&alias.columns) {
                c.name = ident(&a.name);
            }
        }
        Ok(entry)
    }

    fn table_factor(&mut self, factor: &TableFactor, outer: &Scope) -> Result<Scope, InferError> {
        match factor {
            TableFactor::Table {
                name,
                alias,
                args: Some(args),
                with_ordinality,
                ..
            } => {
                let function = sqlparser::ast::Function {
                    name: name.clone(),
                    uses_odbc_syntax: false,
                    parameters: sqlparser::ast::FunctionArguments::None,
                    args: sqlparser::ast::FunctionArguments::List(
                        sqlparser::ast::FunctionArgumentList {
                            duplicate_treatment: None,
                            args: args.args.clone(),
                            clauses: Vec::new(),
                        },
                    ),
                    filter: None,
                    null_treatment: None,
                    over: None,
                    within_group: Vec::new(),
                };
                self.scopes.push(outer.clone());
                let result = self.function_table(&function, alias.as_ref(), *with_ordinality);
                self.scopes.pop();
                Ok(Self::entry_scope(result?))
            }
            TableFactor::Table { name, alias, .. } => {
                let (schema, table) = object_name(name);
                let schema = (name.0.len() > 1).then_some(schema);
                Ok(Self::entry_scope(self.relation_entry(
                    &table,
                    schema.as_deref(),
                    alias.as_ref(),
                    name.span(),
                )?))
            }
            TableFactor::Derived {
                lateral,
                subquery,
                alias,
                ..
            } => {
                let Some(alias) = alias else {
                    return Err(InferError::new(
                        "subquery in FROM must have an alias",
                        factor.span(),
                    )
                    .help("add an alias: `(SELECT …) AS sub`"));
                };
                if *lateral {
                    self.scopes.push(outer.clone());
                }
                let result = self.query(subquery);
                if *lateral {
                    self.scopes.pop();
                }
                let cols = rename(result?, alias);
                Ok(Self::entry_scope(Entry {
                    qualifier: Some(ident(&alias.name)),
                    schema: None,
                    hidden: vec![false; cols.len()],
                    system_columns: false,
                    cols,
                }))
            }
            TableFactor::Function {
                name,
                args,
                alias,
                with_ordinality,
                ..
            } => {
                let function = sqlparser::ast::Function {
                    name: name.clone(),
                    uses_odbc_syntax: false,
                    parameters: sqlparser::ast::FunctionArguments::None,
                    args: sqlparser::ast::FunctionArguments::List(
                        sqlparser::ast::FunctionArgumentList {
                            duplicate_treatment: None,
                            args: args.clone(),
                            clauses: Vec::new(),
                        },
                    ),
                    filter: None,
                    null_treatment: None,
                    over: None,
                    within_group: Vec::new(),
                };
                self.scopes.push(outer.clone());
                let result = self.function_table(&function, alias.as_ref(), *with_ordinality);
                self.scopes.pop();
                Ok(Self::entry_scope(result?))
            }
            TableFactor::TableFunction { expr, alias } => {
                self.scopes.push(outer.clone());
                let result = match expr {
                    Expr::Function(f) => self.function_table(f, alias.as_ref(), false),
                    other => Err(InferError::new("unsupported table function", other.span())),
                };
                self.scopes.pop();
                Ok(Self::entry_scope(result?))
            }
            TableFactor::UNNEST {
                alias,
                array_exprs,
                with_ordinality,
                ..
            } => {
                self.scopes.push(outer.clone());
                let mut cols = Vec::new();
                let mut failure = None;
                for e in array_exprs {
                    match self.expr(e) {
                        Ok(v) => match self.known(&v) {
                            Some(t) if t.array => cols.push(Col {
                                name: "unnest".into(),
                                ty: t.element(),
                                nullable: true,
                            }),
                            _ => {
                                failure = Some(
                                    InferError::new(
                                        "could not determine the array type given to unnest",
                                        e.span(),
                                    )
                                    .help("add a cast like `:ids::int4[]`"),
                                );
                            }
                        },
                        Err(err) => failure = Some(err),
                    }
                }
                self.scopes.pop();
                if let Some(f) = failure {
                    return Err(f);
                }
                if *with_ordinality {
                    cols.push(Col {
                        name: "ordinality".into(),
                        ty: Ty::new("int8"),
                        nullable: false,
                    });
                }
                let mut qualifier = Some("unnest".to_string());
                if let Some(alias) = alias {
                    qualifier = Some(ident(&alias.name));
                    if cols.len() == 1 + usize::from(*with_ordinality) && alias.columns.is_empty() {
                        cols[0].name = ident(&alias.name);
                    }
                    for (c, a) in cols.iter_mut().zip(&alias.columns) {
                        c.name = ident(&a.name);
                    }
                }
                Ok(Self::entry_scope(Entry {
                    qualifier,
                    schema: None,
                    hidden: vec![false; cols.len()],
                    system_columns: false,
                    cols,
                }))
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let mut scope = self.table_with_joins(table_with_joins, outer)?;
                if let Some(alias) = alias {
                    let mut cols = scope.star.clone();
                    for (c, a) in cols.iter_mut().zip(&alias.columns) {
                        c.name = ident(&a.name);
                    }
                    scope = Self::entry_scope(Entry {
                        qualifier: Some(ident(&alias.name)),
                        schema: None,
                        hidden: vec![false; cols.len()],
                        system_columns: false,
                        cols,
                    });
                }
                Ok(scope)
            }
            other => Err(InferError::new("unsupported FROM item", other.span())),
        }
    }

    fn function_table(
        &mut self,
        function: &sqlparser::ast::Function,
        alias: Option<&TableAlias>,
        with_ordinality: bool,
    ) -> Result<Entry, InferError> {
        let (_, fname) = object_name(&function.name);
        let (v, record_cols) = self.function_call(function, true)?;
        // A function returning `record` takes its columns from the column definition
        // list (`AS x(a int, b text)`); PostgreSQL requires one.
        let definition_list = alias
            .filter(|a| !a.columns.is_empty() && a.columns.iter().all(|c| c.data_type.is_some()));
        let returns_record = record_cols.is_none()
            && self
                .known(&v)
                .is_some_and(|t| !t.array && t.name == "record");
        // A scalar result column is named after the function's single OUT parameter,
        // else after the alias, else after the function (chooseScalarFunctionAlias).
        let scalar_name = super::functions::single_out_name(&fname)
            .map(str::to_string)
            .or_else(|| {
                alias
                    .filter(|a| a.columns.is_empty())
                    .map(|a| ident(&a.name))
            })
            .unwrap_or_else(|| fname.clone());
        let mut cols = match (record_cols, definition_list) {
            (None, Some(list)) if returns_record => {
                let mut cols = Vec::new();
                for c in &list.columns {
                    let dt = c.data_type.as_ref().expect("filtered above");
                    let (ty, _) = crate::catalog::resolve_type(self.catalog, dt)
                        .map_err(|e| InferError::new(e, function.name.span()))?;
                    cols.push(Col {
                        name: ident(&c.name),
                        ty,
                        nullable: true,
                    });
                }
                cols
            }
            (None, None) if returns_record => {
                return Err(InferError::new(
                    "a column definition list is required for functions returning \"record\"",
                    function.name.span(),
                )
                .help("add one, like `AS x(a int, b text)`"));
            }
            (Some(cols), _) => cols,
            (None, _) => {
                let ty = self.finalize(&v, function.name.span())?;
                if let Some(composite) = self.composite_columns(&ty) {
                    composite
                } else {
                    vec![Col {
                        name: scalar_name,
                        ty,
                        nullable: v.nullable,
                    }]
                }
            }
        };
        if with_ordinality {
            cols.push(Col {
                name: "ordinality".into(),
                ty: Ty::new("int8"),
                nullable: false,
            });
        }
        let mut qualifier = Some(fname);
        if let Some(alias) = alias {
            qualifier = Some(ident(&alias.name));
            for (c, a) in cols.iter_mut().zip(&alias.columns) {
                c.name = ident(&a.name);
            }
        }
        Ok(Entry {
            qualifier,
            schema: None,
            hidden: vec![false; cols.len()],
            system_columns: false,
            cols,
        })
    }

    /// Columns of a composite (table row or CREATE TYPE … AS) type.
    pub fn composite_columns(&self, ty: &Ty) -> Option<Vec<Col>> {
        if ty.array {
            return None;
        }
        if let Some(crate::catalog::UserType {
            def: crate::catalog::UserTypeDef::Composite(cols),
            ..
        }) = self.catalog.user_type(None, &ty.name)
        {
            return Some(
                cols.iter()
                    .map(|c| Col {
                        name: c.name.clone(),
                        ty: c.ty.clone(),
                        nullable: true,
                    })
                    .collect(),
            );
        }
        self.catalog.relation(None, &ty.name).map(|r| {
            r.columns
                .iter()
                .map(|c| Col {
                    name: c.name.clone(),
                    ty: c.ty.clone(),
                    nullable: true,
                })
                .collect()
        })
    }

    /// INSERT/UPDATE/DELETE: RETURNING columns and whether there is a RETURNING.
    pub fn dml(&mut self, statement: &Statement) -> Result<(Vec<Col>, bool), InferError> {
        match statement {
            Statement::Insert(insert) => {
                let TableObject::TableName(name) = &insert.table else {
                    return Err(InferError::new(
                        "unsupported INSERT target",
                        insert.table.span(),
                    ));
                };
                let (schema, table) = object_name(name);
                let schema = (name.0.len() > 1).then_some(schema);
                let alias = insert.table_alias.as_ref().map(|a| TableAlias {
                    explicit: true,
                    name: a.alias.clone(),
                    columns: Vec::new(),
                    at: None,
                });
                let entry =
                    self.relation_entry(&table, schema.as_deref(), alias.as_ref(), name.span())?;
                let not_null: Vec<bool> = self
                    .catalog
                    .relation(schema.as_deref(), &table)
                    .map(|r| r.columns.iter().map(|c| c.not_null).collect())
                    .unwrap_or_default();
                let mut targets = Vec::new();
                if insert.columns.is_empty() {
                    targets = (0..entry.cols.len()).collect();
                } else {
                    for c in &insert.columns {
                        let n = object_name(c).1;
                        let i = entry.cols.iter().position(|x| x.name == n).ok_or_else(|| {
                            InferError::new(
                                format!("column `{n}` of relation `{table}` does not exist"),
                                c.span(),
                            )
                        })?;
                        targets.push(i);
                    }
                }
                if let Some(source) = &insert.source {
                    self.insert_source(source, &entry, &targets, &not_null)?;
                }
                let mut scope = Self::entry_scope(entry.clone());
                if let Some(OnInsert::OnConflict(on_conflict)) = &insert.on
                    && let OnConflictAction::DoUpdate(update) = &on_conflict.action
                {
                    let mut excluded = entry.clone();
                    excluded.qualifier = Some("excluded".into());
                    scope.entries.push(excluded);
                    self.scopes.push(scope.clone());
                    let result = self
                        .assignments(&update.assignments, &entry, &not_null)
                        .and_then(|_| {
                            if let Some(selection) = &update.selection {
                                let v = self.expr(selection)?;
                                self.settle(&v, &Ty::new("bool"));
                            }
                            Ok(())
                        });
                    self.scopes.pop();
                    result?;
                    scope.entries.pop();
                }
                self.returning(insert.returning.as_deref(), scope)
            }
            Statement::Update(update) => {
                let target = self.table_with_joins(&update.table, &Scope::default())?;
                let entry = target.entries[0].clone();
                let (schema, table) = match &update.table.relation {
                    TableFactor::Table { name, .. } => {
                        let (s, t) = object_name(name);
                        ((name.0.len() > 1).then_some(s), t)
                    }
                    _ => (None, String::new()),
                };
                let not_null: Vec<bool> = self
                    .catalog
                    .relation(schema.as_deref(), &table)
                    .map(|r| r.columns.iter().map(|c| c.not_null).collect())
                    .unwrap_or_default();
                let mut scope = target.clone();
                if let Some(
                    UpdateTableFromKind::BeforeSet(from) | UpdateTableFromKind::AfterSet(from),
                ) = &update.from
                {
                    let extra = self.scope_of_from(from)?;
                    scope.entries.extend(extra.entries);
                    scope.star.extend(extra.star);
                }
                self.scopes.push(scope.clone());
                let result = self
                    .assignments(&update.assignments, &entry, &not_null)
                    .and_then(|_| {
                        if let Some(selection) = &update.selection {
                            let v = self.expr(selection)?;
                            self.settle(&v, &Ty::new("bool"));
                        }
                        Ok(())
                    });
                self.scopes.pop();
                result?;
                self.returning(update.returning.as_deref(), scope)
            }
            Statement::Delete(delete) => {
                let tables = match &delete.from {
                    FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
                };
                let mut scope = self.scope_of_from(tables)?;
                if let Some(using) = &delete.using {
                    let extra = self.scope_of_from(using)?;
                    scope.entries.extend(extra.entries);
                    scope.star.extend(extra.star);
                }
                if let Some(selection) = &delete.selection {
                    self.scopes.push(scope.clone());
                    let result = self.expr(selection);
                    self.scopes.pop();
                    let v = result?;
                    self.settle(&v, &Ty::new("bool"));
                    // RETURNING shows the deleted rows, which all passed WHERE.
                    let mut refs = Vec::new();
                    not_null_after_where(selection, &mut refs);
                    narrow_not_null(&mut scope, &refs);
                }
                self.returning(delete.returning.as_deref(), scope)
            }
            other => Err(InferError::new("unsupported statement", other.span())),
        }
    }

    fn insert_source(
        &mut self,
        source: &Query,
        entry: &Entry,
        targets: &[usize],
        not_null: &[bool],
    ) -> Result<(), InferError> {
        if let SetExpr::Values(values) = &*source.body {
            for row in &values.rows {
                if row.len() > targets.len() {
                    return Err(InferError::new(
                        "INSERT has more expressions than target columns",
                        row[targets.len()].span(),
                    ));
                }
                // The whole row is read before any value is coerced to its column, so a
                // parameter used twice meets both columns' types.
                let mut vals = Vec::new();
                for (e, &t) in row.iter().zip(targets) {
                    if matches!(e, Expr::Identifier(i) if i.value.eq_ignore_ascii_case("default") && i.quote_style.is_none())
                    {
                        continue;
                    }
                    // ROW(…) into a composite column: each field is coerced to its type.
                    if let Some(items) = super::expr::row_items(e)
                        && let Some(fields) =
                            self.composite_columns(&self.catalog.base_type(&entry.cols[t].ty))
                        && fields.len() == items.len()
                    {
                        for (item, field) in items.iter().zip(&fields) {
                            let v = self.expr(item)?;
                            self.assign(&v, &field.ty, true);
                        }
                        continue;
                    }
                    vals.push((self.expr(e)?, t));
                }
                for (v, t) in vals {
                    self.assign(
                        &v,
                        &entry.cols[t].ty,
                        !not_null.get(t).copied().unwrap_or(false),
                    );
                }
            }
            return Ok(());
        }
        // INSERT … SELECT: a bare parameter or literal in the select list is coerced to
        // its target column, so a parameter takes that column's type. Parentheses around
        // the SELECT are only grammar (`INSERT INTO t (SELECT …)`).
        let mut body = &*source.body;
        while let SetExpr::Query(inner) = body {
            body = &inner.body;
        }
        if let SetExpr::Select(select) = body {
            for (item, &t) in select.projection.iter().zip(targets) {
                let (SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. }) = item
                else {
                    continue;
                };
                let mut e = e;
                while let Expr::Nested(inner) = e {
                    e = inner;
                }
                if let Expr::Value(v) = e
                    && let Value::Placeholder(p) = &v.value
                    && let Some(n) = p.trim_start_matches('$').parse::<usize>().ok()
                    && (1..=self.params.len()).contains(&n)
                {
                    let param = super::expr::Val {
                        t: super::expr::T::Param(n - 1),
                        nullable: true,
                        name: None,
                        strength: 0,
                    };
                    self.assign(
                        &param,
                        &entry.cols[t].ty,
                        !not_null.get(t).copied().unwrap_or(false),
                    );
                }
            }
        }
        let cols = self.query(source)?;
        if cols.len() > targets.len() {
            return Err(InferError::new(
                "INSERT has more expressions than target columns",
                source.span(),
            ));
        }
        Ok(())
    }

    /// Assigns a value to a column; a parameter may be NULL when the column accepts NULL
    /// (a NOT NULL domain rejects it, although it does not keep NULL out of reads).
    fn assign(&mut self, v: &super::expr::Val, ty: &Ty, nullable_target: bool) {
        let domain_rejects_null = !ty.array
            && matches!(
                self.catalog.user_type(None, &ty.name),
                Some(crate::catalog::UserType {
                    def: crate::catalog::UserTypeDef::Domain { not_null: true, .. },
                    ..
                })
            );
        let nullable_target = nullable_target && !domain_rejects_null;
        if let super::expr::T::Param(i) = v.t
            && self.params[i].is_none()
        {
            self.param_nullable[i] = nullable_target;
        }
        self.settle(v, ty);
    }

    fn assignments(
        &mut self,
        assignments: &[sqlparser::ast::Assignment],
        entry: &Entry,
        not_null: &[bool],
    ) -> Result<(), InferError> {
        for a in assignments {
            let names: Vec<&ObjectName> = match &a.target {
                AssignmentTarget::ColumnName(n) => vec![n],
                AssignmentTarget::Tuple(ns) => ns.iter().collect(),
            };
            if names.len() > 1 {
                // SET (a, b) = (x, y): each value is assigned to its column.
                let mut value = &a.value;
                while let Expr::Nested(inner) = value {
                    value = inner;
                }
                let items: Vec<&Expr> = match value {
                    Expr::Tuple(items) => items.iter().collect(),
                    _ => Vec::new(),
                };
                if items.is_empty() {
                    self.expr(&a.value)?;
                    continue;
                }
                if items.len() != names.len() {
                    return Err(InferError::new(
                        "number of columns does not match number of values",
                        a.value.span(),
                    ));
                }
                for (name, item) in names.iter().zip(items) {
                    let i = self.assignment_column(entry, name)?;
                    let v = self.expr(item)?;
                    self.assign(
                        &v,
                        &entry.cols[i].ty,
                        !not_null.get(i).copied().unwrap_or(false),
                    );
                }
                continue;
            }
            let v = self.expr(&a.value)?;
            if let [name] = names.as_slice() {
                let i = self.assignment_column(entry, name)?;
                self.assign(
                    &v,
                    &entry.cols[i].ty,
                    !not_null.get(i).copied().unwrap_or(false),
                );
            }
        }
        Ok(())
    }

    fn assignment_column(&self, entry: &Entry, name: &ObjectName) -> Result<usize, InferError> {
        let n = name.0.last().map(|p| p.to_string()).unwrap_or_default();
        let n = n.trim_matches('"').to_string();
        let n = if name.to_string().contains('"') {
            n
        } else {
            n.to_lowercase()
        };
        entry
            .cols
            .iter()
            .position(|c| c.name == n)
            .ok_or_else(|| InferError::new(format!("column `{n}` does not exist"), name.span()))
    }

    fn returning(
        &mut self,
        returning: Option<&[SelectItem]>,
        scope: Scope,
    ) -> Result<(Vec<Col>, bool), InferError> {
        let Some(items) = returning else {
            return Ok((Vec::new(), false));
        };
        let select = Select {
            select_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
            optimizer_hints: Vec::new(),
            distinct: None,
            select_modifiers: None,
            top: None,
            top_before_distinct: false,
            projection: items.to_vec(),
            exclude: None,
            into: None,
            from: Vec::new(),
            lateral_views: Vec::new(),
            prewhere: None,
            selection: None,
            connect_by: Vec::new(),
            group_by: GroupByExpr::Expressions(Vec::new(), Vec::new()),
            cluster_by: Vec::new(),
            distribute_by: Vec::new(),
            sort_by: Vec::new(),
            having: None,
            named_window: Vec::new(),
            qualify: None,
            window_before_qualify: false,
            value_table_mode: None,
            flavor: sqlparser::ast::SelectFlavor::Standard,
        };
        self.scopes.push(scope);
        let result = self.select_in_scope(&select);
        self.scopes.pop();
        let mut out = Vec::new();
        for (v, name) in result? {
            let ty = self.finalize(&v, Span::empty())?;
            out.push(Col {
                name,
                ty,
                nullable: v.nullable,
            });
        }
        Ok((out, true))
    }
}

fn rename(mut cols: Vec<Col>, alias: &TableAlias) -> Vec<Col> {
    for (c, a) in cols.iter_mut().zip(&alias.columns) {
        c.name = ident(&a.name);
    }
    cols
}

/// Column references that a row passing `condition` cannot have NULL in: operands of
/// `IS NOT NULL`, of comparisons, LIKE, IN lists, BETWEEN and `= ANY`, in AND-ed conditions.
fn not_null_after_where(condition: &Expr, out: &mut Vec<Vec<String>>) {
    use sqlparser::ast::BinaryOperator as Op;
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

impl Cx<'_> {
    /// Marks the columns `refs` name in the innermost scope as non-NULL (also in `*`
    /// when the name is unambiguous there).
    fn assume_not_null(&mut self, refs: &[Vec<String>]) {
        if let Some(scope) = self.scopes.last_mut() {
            narrow_not_null(scope, refs);
        }
    }
}

/// Marks the columns `refs` name in `scope` as non-NULL (also in `*` when the name is
/// unambiguous there).
fn narrow_not_null(scope: &mut Scope, refs: &[Vec<String>]) {
    for parts in refs {
        let (qualifier, name) = match parts.as_slice() {
            [name] => (None, name),
            [.., q, name] => (Some(q), name),
            [] => continue,
        };
        let mut matches: Vec<(usize, usize)> = Vec::new();
        for (e, entry) in scope.entries.iter().enumerate() {
            if qualifier.is_some_and(|q| entry.qualifier.as_deref() != Some(q.as_str())) {
                continue;
            }
            for (c, col) in entry.cols.iter().enumerate() {
                if &col.name == name && (qualifier.is_some() || !entry.hidden[c]) {
                    matches.push((e, c));
                }
            }
        }
        // Unambiguous references only: otherwise PostgreSQL rejects the query anyway.
        if let [(e, c)] = matches.as_slice() {
            scope.entries[*e].cols[*c].nullable = false;
            let same_name: Vec<usize> = scope
                .star
                .iter()
                .enumerate()
                .filter(|(_, s)| &s.name == name)
                .map(|(i, _)| i)
                .collect();
            if let [i] = same_name.as_slice() {
                scope.star[*i].nullable = false;
            }
        }
    }
}

/// Whether a join condition is the literal `ON true`.
fn on_true(constraint: Option<&JoinConstraint>) -> bool {
    matches!(
        constraint,
        Some(JoinConstraint::On(Expr::Value(v))) if matches!(v.value, sqlparser::ast::Value::Boolean(true))
    )
}

/// Whether a FROM item is a subquery that always returns exactly one row.
fn always_one_row_factor(factor: &TableFactor) -> bool {
    matches!(factor, TableFactor::Derived { subquery, .. } if super::expr::always_one_row(subquery))
}

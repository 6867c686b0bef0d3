//! INSERT, UPDATE and DELETE: the values each target column is given (which type a
//! parameter takes there, and whether it may be NULL), and RETURNING.

use sqlparser::ast::{
    Assignment, AssignmentTarget, Delete, Expr, FromTable, Insert, ObjectName, OnConflictAction,
    OnInsert, Query, SelectItem, SetExpr, Spanned, Statement, TableAlias, TableFactor, TableObject,
    Update, UpdateTableFromKind, Value,
};
use sqlparser::tokenizer::Span;

use super::InferError;
use super::context::Inference;
use super::expr::row_items;
use super::scope::{Col, Entry, Scope};
use super::select::SelectClauses;
use super::value::Val;
use crate::catalog::object_name;
use crate::diagnostic::Code;

/// The table an INSERT or UPDATE writes, and which of its columns are NOT NULL.
struct Target {
    entry: Entry,
    not_null: Vec<bool>,
}

impl Target {
    /// Whether column `i` accepts NULL.
    fn accepts_null(&self, i: usize) -> bool {
        !self.not_null.get(i).copied().unwrap_or(false)
    }
}

impl Inference<'_> {
    /// INSERT/UPDATE/DELETE: RETURNING columns and whether there is a RETURNING.
    pub fn dml(&mut self, statement: &Statement) -> Result<(Vec<Col>, bool), InferError> {
        match statement {
            Statement::Insert(insert) => self.insert(insert),
            Statement::Update(update) => self.update(update),
            Statement::Delete(delete) => self.delete(delete),
            other => Err(InferError::new("unsupported statement", other.span())),
        }
    }

    fn insert(&mut self, insert: &Insert) -> Result<(Vec<Col>, bool), InferError> {
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
        let entry = self.relation_entry(&table, schema.as_deref(), alias.as_ref(), name.span())?;
        let target = Target {
            not_null: self.not_null_columns(schema.as_deref(), &table),
            entry,
        };
        let mut columns = Vec::new();
        if insert.columns.is_empty() {
            columns = (0..target.entry.cols.len()).collect();
        } else {
            for c in &insert.columns {
                let n = object_name(c).1;
                let i = target.entry.cols.iter().position(|x| x.name == n);
                let i = i.ok_or_else(|| {
                    InferError::new(
                        format!("column `{n}` of relation `{table}` does not exist"),
                        c.span(),
                    )
                    .code(Code::UnknownColumn)
                })?;
                columns.push(i);
            }
        }
        if let Some(source) = &insert.source {
            self.insert_source(source, &target, &columns)?;
        }
        let scope = Scope::of_entry(target.entry.clone());
        if let Some(OnInsert::OnConflict(on_conflict)) = &insert.on
            && let OnConflictAction::DoUpdate(update) = &on_conflict.action
        {
            let mut excluded = target.entry.clone();
            excluded.qualifier = Some("excluded".into());
            let mut with_excluded = scope.clone();
            with_excluded.entries.push(excluded);
            self.set_clause(
                with_excluded,
                &update.assignments,
                &target,
                update.selection.as_ref(),
            )?;
        }
        self.returning(insert.returning.as_deref(), scope)
    }

    fn update(&mut self, update: &Update) -> Result<(Vec<Col>, bool), InferError> {
        let mut scope = self.table_with_joins(&update.table, &Scope::default())?;
        let (schema, table) = match &update.table.relation {
            TableFactor::Table { name, .. } => {
                let (s, t) = object_name(name);
                ((name.0.len() > 1).then_some(s), t)
            }
            _ => (None, String::new()),
        };
        let target = Target {
            entry: scope.entries[0].clone(),
            not_null: self.not_null_columns(schema.as_deref(), &table),
        };
        if let Some(UpdateTableFromKind::BeforeSet(from) | UpdateTableFromKind::AfterSet(from)) =
            &update.from
        {
            let extra = self.scope_of_from(from)?;
            scope.append(extra);
        }
        self.set_clause(
            scope.clone(),
            &update.assignments,
            &target,
            update.selection.as_ref(),
        )?;
        self.returning(update.returning.as_deref(), scope)
    }

    fn delete(&mut self, delete: &Delete) -> Result<(Vec<Col>, bool), InferError> {
        let tables = match &delete.from {
            FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
        };
        let mut scope = self.scope_of_from(tables)?;
        if let Some(using) = &delete.using {
            let extra = self.scope_of_from(using)?;
            scope.append(extra);
        }
        if let Some(selection) = &delete.selection {
            self.in_scope(scope.clone(), |cx| cx.condition(selection))?;
            // RETURNING shows the deleted rows, which all passed WHERE.
            scope.narrow_after_where(selection);
        }
        self.returning(delete.returning.as_deref(), scope)
    }

    /// Which columns of a table are NOT NULL, in order.
    fn not_null_columns(&self, schema: Option<&str>, table: &str) -> Vec<bool> {
        self.catalog
            .relation(schema, table)
            .map(|r| r.columns.iter().map(|c| c.not_null).collect())
            .unwrap_or_default()
    }

    /// `SET …` and its `WHERE`, in `scope` (UPDATE, and INSERT's ON CONFLICT DO UPDATE).
    fn set_clause(
        &mut self,
        scope: Scope,
        assignments: &[Assignment],
        target: &Target,
        selection: Option<&Expr>,
    ) -> Result<(), InferError> {
        self.in_scope(scope, |cx| {
            cx.assignments(assignments, target)?;
            if let Some(selection) = selection {
                cx.condition(selection)?;
            }
            Ok(())
        })
    }

    /// Assigns a value to column `i` of the target.
    fn assign_column(&mut self, v: &Val, target: &Target, i: usize) {
        self.assign(v, &target.entry.cols[i].ty, target.accepts_null(i));
    }

    /// The rows an INSERT writes: VALUES, or a query.
    fn insert_source(
        &mut self,
        source: &Query,
        target: &Target,
        columns: &[usize],
    ) -> Result<(), InferError> {
        if let SetExpr::Values(values) = &*source.body {
            for row in &values.rows {
                self.insert_row(row, target, columns)?;
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
            for (item, &i) in select.projection.iter().zip(columns) {
                if let Some(n) = self.bare_parameter(item) {
                    self.assign_column(&Val::param(n), target, i);
                }
            }
        }
        let cols = self.query(source)?;
        if cols.len() > columns.len() {
            return Err(InferError::new(
                "INSERT has more expressions than target columns",
                source.span(),
            ));
        }
        Ok(())
    }

    /// The index of an undecided parameter a select-list item is, bare or in parentheses.
    fn bare_parameter(&self, item: &SelectItem) -> Option<usize> {
        let (SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. }) = item else {
            return None;
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
            return Some(n - 1);
        }
        None
    }

    /// One VALUES row. The whole row is read before any value is coerced to its column,
    /// so a parameter used twice meets both columns' types.
    fn insert_row(
        &mut self,
        row: &[Expr],
        target: &Target,
        columns: &[usize],
    ) -> Result<(), InferError> {
        if row.len() > columns.len() {
            return Err(InferError::new(
                "INSERT has more expressions than target columns",
                row[columns.len()].span(),
            ));
        }
        let mut vals = Vec::new();
        for (e, &i) in row.iter().zip(columns) {
            if matches!(e, Expr::Identifier(d) if d.value.eq_ignore_ascii_case("default") && d.quote_style.is_none())
            {
                continue;
            }
            // ROW(…) into a composite column: each field is coerced to its type.
            if let Some(items) = row_items(e)
                && let Some(fields) =
                    self.composite_columns(&self.catalog.base_type(&target.entry.cols[i].ty))
                && fields.len() == items.len()
            {
                for (item, field) in items.iter().zip(&fields) {
                    let v = self.expr(item)?;
                    self.assign(&v, &field.ty, true);
                }
                continue;
            }
            vals.push((self.expr(e)?, i));
        }
        for (v, i) in vals {
            self.assign_column(&v, target, i);
        }
        Ok(())
    }

    fn assignments(
        &mut self,
        assignments: &[Assignment],
        target: &Target,
    ) -> Result<(), InferError> {
        for a in assignments {
            let names: Vec<&ObjectName> = match &a.target {
                AssignmentTarget::ColumnName(n) => vec![n],
                AssignmentTarget::Tuple(ns) => ns.iter().collect(),
            };
            if names.len() > 1 {
                self.tuple_assignment(&names, &a.value, target)?;
                continue;
            }
            let v = self.expr(&a.value)?;
            if let [name] = names.as_slice() {
                let i = self.assignment_column(&target.entry, name)?;
                self.assign_column(&v, target, i);
            }
        }
        Ok(())
    }

    /// `SET (a, b) = (x, y)`: each value is assigned to its column.
    fn tuple_assignment(
        &mut self,
        names: &[&ObjectName],
        value: &Expr,
        target: &Target,
    ) -> Result<(), InferError> {
        let mut inner = value;
        while let Expr::Nested(nested) = inner {
            inner = nested;
        }
        let items: &[Expr] = match inner {
            Expr::Tuple(items) => items,
            _ => &[],
        };
        if items.is_empty() {
            self.expr(value)?;
            return Ok(());
        }
        if items.len() != names.len() {
            return Err(InferError::new(
                "number of columns does not match number of values",
                value.span(),
            ));
        }
        for (name, item) in names.iter().zip(items) {
            let i = self.assignment_column(&target.entry, name)?;
            let v = self.expr(item)?;
            self.assign_column(&v, target, i);
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
        entry.cols.iter().position(|c| c.name == n).ok_or_else(|| {
            InferError::new(format!("column `{n}` does not exist"), name.span())
                .code(Code::UnknownColumn)
        })
    }

    /// `RETURNING items` over the rows written: its columns, as a select list's.
    fn returning(
        &mut self,
        returning: Option<&[SelectItem]>,
        scope: Scope,
    ) -> Result<(Vec<Col>, bool), InferError> {
        let Some(items) = returning else {
            return Ok((Vec::new(), false));
        };
        let vals = self.in_scope(scope, |cx| cx.select_in_scope(SelectClauses::items(items)))?;
        Ok((self.output_columns(vals, Span::empty())?, true))
    }
}

//! FROM items: tables, views, CTEs, sequences, system relations, subqueries, function
//! calls and UNNEST become scope entries; joins combine them (`join`).

mod functions;
mod join;

pub(crate) use functions::record_columns;

use sqlparser::ast::{Query, Spanned, TableAlias, TableFactor, TableWithJoins};
use sqlparser::tokenizer::Span;

use super::InferError;
use super::context::Inference;
use super::scope::{Col, Entry, Scope, rename_columns};
use crate::catalog::{RelationKind, Ty, UserType, UserTypeDef, ident, object_name};
use crate::diagnostic::Code;

impl Inference<'_> {
    /// The scope of a FROM clause: its items side by side.
    pub fn scope_of_from(&mut self, from: &[TableWithJoins]) -> Result<Scope, InferError> {
        let mut scope = Scope::default();
        for item in from {
            let s = self.table_with_joins(item, &scope)?;
            scope.append(s);
        }
        Ok(scope)
    }

    /// One FROM item and the joins after it; `outer` is what LATERAL items see.
    pub fn table_with_joins(
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

    /// A table, view, CTE, sequence, system relation or SQL value function by name.
    pub fn relation_entry(
        &mut self,
        name: &str,
        schema: Option<&str>,
        alias: Option<&TableAlias>,
        span: Span,
    ) -> Result<Entry, InferError> {
        let cte = self
            .ctes
            .iter()
            .rev()
            .find(|(n, _)| schema.is_none() && n == name);
        let (cols, schema_name) = if let Some((_, cols)) = cte {
            (cols.clone(), None)
        } else if let Some(r) = self.catalog.relation(schema, name) {
            (
                columns_of(&r.columns, |c| !c.not_null),
                Some(r.schema.clone()),
            )
        } else if let Some((schema, columns)) = crate::pg::system_relation(schema, name) {
            let cols = columns
                .iter()
                .map(|c| Col {
                    name: c.name.clone(),
                    ty: c.ty.clone(),
                    nullable: !c.not_null,
                    element_nulls: false,
                })
                .collect();
            (cols, Some(schema))
        } else if let Some(cols) = self.sequence_columns(schema, name) {
            (cols, schema.map(str::to_string))
        } else if let Some(mut cols) = functions::sql_value_function(name) {
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
        let is_cte = cte.is_some();
        let mut entry = Entry::new(
            Some(name.to_string()),
            schema_name.or(schema.map(str::to_string)),
            cols,
        );
        if !is_cte && self.catalog.relation(schema, name).is_some() {
            entry.row_type = Some(Ty::new(name));
        }
        // Tables and materialized views have system columns.
        entry.system_columns = !is_cte
            && self.catalog.relation(schema, name).is_some_and(|r| {
                matches!(r.kind, RelationKind::Table | RelationKind::MaterializedView)
            });
        if let Some(alias) = alias {
            entry.qualifier = Some(ident(&alias.name));
            entry.schema = None;
            rename_columns(&mut entry.cols, alias);
        }
        Ok(entry)
    }

    /// Columns of a composite (table row or CREATE TYPE … AS) type.
    pub fn composite_columns(&self, ty: &Ty) -> Option<Vec<Col>> {
        if ty.array {
            return None;
        }
        if let Some(UserType {
            def: UserTypeDef::Composite(cols),
            ..
        }) = self.catalog.user_type(None, &ty.name)
        {
            return Some(columns_of(cols, |_| true));
        }
        self.catalog
            .relation(None, &ty.name)
            .map(|r| columns_of(&r.columns, |_| true))
    }

    fn table_factor(&mut self, factor: &TableFactor, outer: &Scope) -> Result<Scope, InferError> {
        match factor {
            TableFactor::Table {
                name,
                args: None,
                alias,
                ..
            } => {
                let (schema, table) = object_name(name);
                let schema = (name.0.len() > 1).then_some(schema);
                let entry =
                    self.relation_entry(&table, schema.as_deref(), alias.as_ref(), name.span())?;
                Ok(Scope::of_entry(entry))
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
                self.derived_table(subquery, alias, lateral.then_some(outer))
            }
            TableFactor::Table { .. }
            | TableFactor::Function { .. }
            | TableFactor::TableFunction { .. }
            | TableFactor::UNNEST { .. } => {
                let entry = self.in_scope(outer.clone(), |cx| cx.function_factor(factor))?;
                Ok(Scope::of_entry(entry))
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let scope = self.table_with_joins(table_with_joins, outer)?;
                let Some(alias) = alias else {
                    return Ok(scope);
                };
                let mut cols: Vec<Col> = scope.star_columns().cloned().collect();
                rename_columns(&mut cols, alias);
                Ok(Scope::of_entry(Entry::new(
                    Some(ident(&alias.name)),
                    None,
                    cols,
                )))
            }
            other => Err(InferError::new("unsupported FROM item", other.span())),
        }
    }

    /// `(SELECT …) AS alias`; a LATERAL one sees `lateral`.
    fn derived_table(
        &mut self,
        subquery: &Query,
        alias: &TableAlias,
        lateral: Option<&Scope>,
    ) -> Result<Scope, InferError> {
        let mut cols = match lateral {
            Some(outer) => self.in_scope(outer.clone(), |cx| cx.query(subquery))?,
            None => self.query(subquery)?,
        };
        rename_columns(&mut cols, alias);
        Ok(Scope::of_entry(Entry::new(
            Some(ident(&alias.name)),
            None,
            cols,
        )))
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
                    element_nulls: false,
                })
                .collect()
            })
    }
}

/// Catalog column definitions as scope columns, NULL-able as `nullable` says.
fn columns_of(
    columns: &[crate::catalog::ColumnDef],
    nullable: impl Fn(&crate::catalog::ColumnDef) -> bool,
) -> Vec<Col> {
    columns
        .iter()
        .map(|c| Col {
            name: c.name.clone(),
            ty: c.ty.clone(),
            nullable: nullable(c),
            element_nulls: false,
        })
        .collect()
}

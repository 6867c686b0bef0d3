//! Constraints, indexes, views and functions read into the schema model, with the names
//! PostgreSQL chooses for unnamed constraints and indexes (`ChooseConstraintName`,
//! `ChooseIndexName`: `users_email_key`, `users_pkey`, `users_company_id_fkey`).

use std::collections::BTreeMap;

use sqlparser::ast::{
    AlterTypeAddValuePosition, ArgMode, ColumnOption, CreateFunction, CreateView, Expr,
    FunctionReturnType, Ident, IndexColumn, OperateFunctionArg, SelectItem, SetExpr,
    TableConstraint,
};

use super::model::{
    Constraint, ConstraintKind, Function, Schema, Table, View, canonical_name, canonical_text,
    canonical_type, object_name,
};

/// The first of `name1_name2_label`, `…_label1`, `…_label2` that `taken` does not hold.
pub fn free_name<V>(
    taken: &BTreeMap<String, V>,
    name1: &str,
    name2: Option<&str>,
    label: &str,
) -> String {
    let mut candidate = object_name(name1, name2, label);
    let mut pass = 0;
    while taken.contains_key(&candidate) {
        pass += 1;
        candidate = object_name(name1, name2, &format!("{label}{pass}"));
    }
    candidate
}

/// The distinct column names an expression mentions, in order of appearance.
pub fn mentioned_columns<'a>(exprs: impl Iterator<Item = &'a Expr>) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for expr in exprs {
        let _ = sqlparser::ast::visit_expressions(expr, |e| {
            let name = match e {
                Expr::Identifier(ident) => Some(ident.value.to_lowercase()),
                Expr::CompoundIdentifier(parts) => parts.last().map(|p| p.value.to_lowercase()),
                _ => None,
            };
            if let Some(name) = name
                && !columns.contains(&name)
            {
                columns.push(name);
            }
            std::ops::ControlFlow::<()>::Continue(())
        });
    }
    columns
}

/// The column part of an index name: column names, or the function name of an expression
/// (`lower`), or `expr`, joined with `_` (`ChooseIndexColumnNames`).
pub fn index_column_label(columns: &[IndexColumn]) -> String {
    columns
        .iter()
        .map(|c| match &c.column.expr {
            Expr::Identifier(ident) => ident.value.to_lowercase(),
            Expr::Function(function) => canonical_name(&function.name.to_string()),
            _ => "expr".into(),
        })
        .collect::<Vec<_>>()
        .join("_")
}

fn key_columns(columns: &[IndexColumn]) -> Vec<String> {
    columns
        .iter()
        .map(|c| canonical_text(&c.column.expr.to_string()))
        .collect()
}

fn idents(columns: &[Ident]) -> Vec<String> {
    columns.iter().map(|c| c.value.to_lowercase()).collect()
}

/// Adds a table constraint, naming it as PostgreSQL would when it has no name.
pub fn add_constraint(
    table: &mut Table,
    table_name: &str,
    constraint: TableConstraint,
) -> Result<(), String> {
    let (kind, name, columns, references, definition) = match constraint {
        TableConstraint::PrimaryKey(mut c) => {
            let name = c.name.take().map(|n| n.value);
            let columns = key_columns(&c.columns);
            (
                ConstraintKind::PrimaryKey,
                name,
                columns,
                None,
                c.to_string(),
            )
        }
        TableConstraint::Unique(mut c) => {
            let name = c.name.take().map(|n| n.value);
            let columns = key_columns(&c.columns);
            (ConstraintKind::Unique, name, columns, None, c.to_string())
        }
        TableConstraint::ForeignKey(mut c) => {
            let name = c.name.take().map(|n| n.value);
            let columns = idents(&c.columns);
            let references = canonical_name(&c.foreign_table.to_string());
            c.foreign_table = sqlparser::ast::ObjectName::from(vec![Ident::new(&references)]);
            if c.referred_columns.is_empty() {
                c.referred_columns = vec![Ident::new("id")];
            }
            (
                ConstraintKind::ForeignKey,
                name,
                columns,
                Some(references),
                c.to_string(),
            )
        }
        TableConstraint::Check(mut c) => {
            let name = c.name.take().map(|n| n.value);
            let columns = mentioned_columns(std::iter::once(c.expr.as_ref()));
            (ConstraintKind::Check, name, columns, None, c.to_string())
        }
        other => return Err(format!("constraint `{other}` is not supported")),
    };
    if kind == ConstraintKind::PrimaryKey {
        for column in &columns {
            if let Some(column) = table.column_mut(column) {
                column.not_null = true;
            }
        }
    }
    let name = match name {
        Some(name) => name,
        None => {
            let label = match kind {
                ConstraintKind::PrimaryKey => "pkey",
                ConstraintKind::Unique => "key",
                ConstraintKind::ForeignKey => "fkey",
                ConstraintKind::Check => "check",
            };
            let middle = match kind {
                ConstraintKind::PrimaryKey => None,
                ConstraintKind::Check if columns.len() != 1 => None,
                _ => Some(columns.join("_")),
            };
            free_name(&table.constraints, table_name, middle.as_deref(), label)
        }
    };
    table.constraints.insert(
        name,
        Constraint {
            kind,
            definition: canonical_text(&definition),
            columns,
            references,
        },
    );
    Ok(())
}

/// Adds a constraint written on a column (`id uuid PRIMARY KEY`, `REFERENCES users`).
pub fn add_column_constraint(
    table: &mut Table,
    table_name: &str,
    column: &str,
    name: Option<Ident>,
    option: ColumnOption,
) -> Result<(), String> {
    let column_ref = || {
        vec![IndexColumn {
            column: sqlparser::ast::OrderByExpr {
                expr: Expr::Identifier(Ident::new(column)),
                options: sqlparser::ast::OrderByOptions {
                    sort: None,
                    nulls_first: None,
                },
                with_fill: None,
            },
            operator_class: None,
        }]
    };
    let constraint = match option {
        ColumnOption::PrimaryKey(mut c) => {
            c.columns = column_ref();
            c.name = name;
            TableConstraint::PrimaryKey(c)
        }
        ColumnOption::Unique(mut c) => {
            c.columns = column_ref();
            c.name = name;
            TableConstraint::Unique(c)
        }
        ColumnOption::ForeignKey(mut c) => {
            c.columns = vec![Ident::new(column)];
            c.name = name;
            TableConstraint::ForeignKey(c)
        }
        ColumnOption::Check(mut c) => {
            c.name = name;
            TableConstraint::Check(c)
        }
        _ => return Ok(()),
    };
    add_constraint(table, table_name, constraint)
}

/// Adds an enum label where `ALTER TYPE … ADD VALUE` puts it.
pub fn add_enum_value(
    labels: &mut Vec<String>,
    value: String,
    position: Option<AlterTypeAddValuePosition>,
) {
    if labels.contains(&value) {
        return;
    }
    let at = match position {
        Some(AlterTypeAddValuePosition::Before(other)) => {
            labels.iter().position(|l| *l == other.value)
        }
        Some(AlterTypeAddValuePosition::After(other)) => {
            labels.iter().position(|l| *l == other.value).map(|i| i + 1)
        }
        None => None,
    };
    labels.insert(at.unwrap_or(labels.len()), value);
}

/// Reads a view: its canonical text and output column names.
pub fn create_view(schema: &mut Schema, view: &CreateView) -> Result<(), String> {
    let mut view = view.clone();
    view.or_replace = false;
    let name = canonical_name(&view.name.to_string());
    let columns = if view.columns.is_empty() {
        select_items(&view.query.body)
    } else {
        view.columns
            .iter()
            .map(|c| c.name.value.to_lowercase())
            .collect()
    };
    schema.views.insert(
        name,
        View {
            create: canonical_text(&view.to_string()),
            columns,
            materialized: view.materialized,
        },
    );
    Ok(())
}

/// The select items of a simple SELECT, as canonical text (the view's output columns).
fn select_items(body: &SetExpr) -> Vec<String> {
    match body {
        SetExpr::Select(select) => select
            .projection
            .iter()
            .map(|item| match item {
                SelectItem::ExprWithAlias { alias, .. } => alias.value.to_lowercase(),
                other => canonical_text(&other.to_string()),
            })
            .collect(),
        _ => vec![canonical_text(&body.to_string())],
    }
}

/// `name(type, …)` over the input arguments, the identity of a function.
pub fn signature(name: &str, args: &[OperateFunctionArg]) -> String {
    let types: Vec<String> = args
        .iter()
        .filter(|a| !matches!(a.mode, Some(ArgMode::Out)))
        .map(|a| canonical_type(&a.data_type.to_string()))
        .collect();
    format!("{name}({})", types.join(", "))
}

/// Reads a function or procedure.
pub fn create_function(schema: &mut Schema, mut function: CreateFunction) -> Result<(), String> {
    function.or_replace = false;
    let name = canonical_name(&function.name.to_string());
    let args = function.args.clone().unwrap_or_default();
    let returns = match &function.return_type {
        Some(FunctionReturnType::DataType(ty)) => canonical_type(&ty.to_string()),
        Some(FunctionReturnType::SetOf(ty)) => format!("setof {}", canonical_type(&ty.to_string())),
        None => String::new(),
    };
    let mut create = function.to_string();
    // Keep the body as written: only the header is folded.
    if let Some(at) = create.find(" AS ") {
        let (head, body) = create.split_at(at);
        create = format!("{}{body}", canonical_text(head));
    }
    schema.functions.insert(
        signature(&name, &args),
        Function {
            name,
            create,
            returns,
            arg_names: args
                .iter()
                .map(|a| a.name.as_ref().map(|n| n.value.clone()).unwrap_or_default())
                .collect(),
            procedure: false,
        },
    );
    Ok(())
}

/// Reads a procedure (given as the `CREATE FUNCTION` sqlparser can read).
pub fn create_procedure(schema: &mut Schema, function: CreateFunction) -> Result<(), String> {
    let name = canonical_name(&function.name.to_string());
    let key = signature(&name, function.args.as_deref().unwrap_or(&[]));
    create_function(schema, function)?;
    if let Some(procedure) = schema.functions.get_mut(&key) {
        procedure.procedure = true;
        procedure.create = procedure
            .create
            .replacen("create function", "create procedure", 1);
    }
    Ok(())
}

/// A view under its new name (`ALTER VIEW old RENAME TO new`).
pub fn renamed_view(mut view: View, old: &str, new: &str) -> View {
    view.create = view.create.replacen(
        &format!("view {old} "),
        &format!("view {} ", canonical_name(new)),
        1,
    );
    view
}

/// `ALTER INDEX old RENAME TO new`: an index, or the index of a constraint (which
/// PostgreSQL renames with it).
pub fn rename_index(schema: &mut Schema, old: &str, new: &str) {
    if let Some(mut index) = schema.indexes.remove(old) {
        index.create = index.create.replacen(
            &format!(" index {old} on "),
            &format!(" index {new} on "),
            1,
        );
        schema.indexes.insert(new.to_string(), index);
        return;
    }
    for table in schema.tables.values_mut() {
        if let Some(constraint) = table.constraints.remove(old) {
            table.constraints.insert(new.to_string(), constraint);
        }
    }
}

/// `ALTER TABLE t ADD CONSTRAINT n UNIQUE|PRIMARY KEY USING INDEX i`, which sqlparser cannot
/// read: the index becomes the constraint.
pub fn constraint_using_index(schema: &mut Schema, text: &str) -> Option<Result<(), String>> {
    let words = canonical_text(text.trim().trim_end_matches(';'));
    let words: Vec<&str> = words.split(' ').collect();
    let (table, name, kind, index) = match words.as_slice() {
        [
            "alter",
            "table",
            table,
            "add",
            "constraint",
            name,
            "unique",
            "using",
            "index",
            index,
        ] => (*table, *name, ConstraintKind::Unique, *index),
        [
            "alter",
            "table",
            table,
            "add",
            "constraint",
            name,
            "primary",
            "key",
            "using",
            "index",
            index,
        ] => (*table, *name, ConstraintKind::PrimaryKey, *index),
        _ => return None,
    };
    let (table, name, index) = (
        canonical_name(table),
        canonical_name(name),
        canonical_name(index),
    );
    let Some(found) = schema.indexes.remove(&index) else {
        return Some(Err(format!("index {index} does not exist")));
    };
    let keyword = if kind == ConstraintKind::Unique {
        "UNIQUE"
    } else {
        "PRIMARY KEY"
    };
    let Some(target) = schema.tables.get_mut(&table) else {
        return Some(Err(format!("table {table} does not exist")));
    };
    if kind == ConstraintKind::PrimaryKey {
        for column in &found.key {
            if let Some(column) = target.column_mut(column) {
                column.not_null = true;
            }
        }
    }
    target.constraints.insert(
        name,
        super::model::Constraint {
            kind,
            definition: canonical_text(&format!("{keyword} ({})", found.key.join(", "))),
            columns: found.key,
            references: None,
        },
    );
    Some(Ok(()))
}

//! Builds a [`Schema`] from DDL: the files of `sql/schema/`, or the migrations replayed in
//! order (`ALTER`, `DROP`, `COMMENT` and `CREATE OR REPLACE` applied as PostgreSQL does).

use sqlparser::ast::{
    AlterColumnOperation, AlterIndexOperation, AlterTableOperation, ColumnDef, ColumnOption,
    CommentObject, CreateIndex, GeneratedAs, ObjectName, ObjectType, Statement,
};

use super::model::{Column, Schema, Table, canonical_name, canonical_text, canonical_type};
use super::{load_types, objects};
use crate::syntax::alter_text::statement_kind;
use crate::syntax::ddl::{SchemaChangeText, schema_change_text};
use crate::syntax::split::split_statements;

/// A statement that could not be applied: the file, the statement's first line, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// File the statement is in.
    pub file: String,
    /// Line (1-based) the statement starts on.
    pub line: usize,
    /// The statement's first line.
    pub statement: String,
    /// What went wrong.
    pub message: String,
}

/// Applies every statement of `text` (from `file`) to `schema`.
pub fn apply_file(schema: &mut Schema, file: &str, text: &str) -> Vec<LoadError> {
    let mut errors = Vec::new();
    let statements = match split_statements(text) {
        Ok(statements) => statements,
        Err(unterminated) => {
            return vec![LoadError {
                file: file.into(),
                line: text[..unterminated.offset.min(text.len())]
                    .lines()
                    .count()
                    .max(1),
                statement: String::new(),
                message: format!("unterminated {}", unterminated.what),
            }];
        }
    };
    for statement in statements {
        if let Err(message) = apply_text(schema, statement.text) {
            let before = &text[..statement.offset];
            errors.push(LoadError {
                file: file.into(),
                line: before.matches('\n').count() + 1,
                statement: statement.text.lines().next().unwrap_or_default().into(),
                message,
            });
        }
    }
    errors
}

/// Statements that change no schema object: data, privileges, roles, settings,
/// transactions, extensions and maintenance. A `DO` block is not followed either.
fn ignored(text: &str) -> bool {
    let words = canonical_text(text);
    [
        "set ",
        "reset ",
        "grant ",
        "revoke ",
        "do ",
        "insert ",
        "update ",
        "delete ",
        "merge ",
        "select ",
        "values ",
        "with ",
        "copy ",
        "call ",
        "truncate ",
        "alter default privileges",
        "create role",
        "alter role",
        "drop role",
        "create user",
        "alter user",
        "drop user",
        "create extension",
        "alter extension",
        "drop extension",
        "analyze",
        "vacuum",
        "cluster",
        "reindex",
        "checkpoint",
        "refresh materialized view",
        "begin",
        "start transaction",
        "commit",
        "end",
        "rollback",
        "savepoint ",
        "release ",
        "lock ",
        "notify ",
        "listen ",
        "discard ",
    ]
    .iter()
    .any(|prefix| words.starts_with(prefix))
}

/// The error for a statement that changes the schema in a way this reader does not follow.
fn cannot_follow(text: &str) -> String {
    format!(
        "`migrate diff` cannot follow {}: express the change with statements it reads (CREATE, ALTER TABLE, DROP, …) or write this migration by hand with `pgbake migrate new` and keep sql/schema/ out of it",
        statement_kind(text)
    )
}

fn apply_text(schema: &mut Schema, text: &str) -> Result<(), String> {
    if ignored(text) {
        return Ok(());
    }
    if let Some(result) = objects::constraint_using_index(schema, text) {
        return result;
    }
    let words = canonical_text(text.trim().trim_end_matches(';'));
    if let Some(rest) = words.strip_prefix("drop index concurrently ") {
        let rest = rest.strip_prefix("if exists ").unwrap_or(rest);
        return drop_object(schema, ObjectType::Index, &canonical_name(rest), text);
    }
    if let Some(result) = load_types::apply_type_text(schema, text) {
        return result;
    }
    match schema_change_text(text) {
        Some(SchemaChangeText::RenameView { name, new_name, .. }) => {
            let (old, new) = (canonical_name(&name.name), canonical_name(&new_name));
            let Some(view) = schema.views.remove(&old) else {
                return Err(format!("view {old} does not exist"));
            };
            schema
                .views
                .insert(new, objects::renamed_view(view, &old, &new_name));
            return Ok(());
        }
        Some(SchemaChangeText::CreateProcedure { function_text }) => {
            let Some(Statement::CreateFunction(function)) =
                crate::syntax::parse_one(&function_text)
            else {
                return Err("cannot read this procedure".into());
            };
            return objects::create_procedure(schema, function);
        }
        Some(
            SchemaChangeText::SetSchema { .. }
            | SchemaChangeText::CreateSequence { .. }
            | SchemaChangeText::CreateTableLike { .. },
        ) => return Err(cannot_follow(text)),
        _ => {}
    }
    let statements = crate::syntax::parse(text)
        .map_err(|e| format!("cannot read this {}: {}", statement_kind(text), e.message))?;
    statements
        .into_iter()
        .try_for_each(|statement| apply(schema, statement, text))
}

fn apply(schema: &mut Schema, statement: Statement, text: &str) -> Result<(), String> {
    match statement {
        Statement::CreateTable(create) => {
            let name = canonical_name(&create.name.to_string());
            let mut table = Table::default();
            for column in &create.columns {
                add_column(&mut table, &name, column);
            }
            for constraint in create.constraints {
                objects::add_constraint(&mut table, &name, constraint)?;
            }
            schema.tables.insert(name, table);
            Ok(())
        }
        Statement::AlterTable(alter) => {
            let name = canonical_name(&alter.name.to_string());
            alter
                .operations
                .into_iter()
                .try_for_each(|operation| alter_table(schema, &name, operation, text))
        }
        Statement::CreateIndex(index) => create_index(schema, index),
        Statement::Drop {
            object_type, names, ..
        } => names.into_iter().try_for_each(|name| {
            drop_object(
                schema,
                object_type,
                &canonical_name(&name.to_string()),
                text,
            )
        }),
        Statement::CreateType {
            name,
            representation,
        } => load_types::create_type(schema, &name.to_string(), representation),
        Statement::AlterType(alter) => load_types::alter_type(schema, alter),
        Statement::DropDomain(drop) => {
            schema.types.remove(&canonical_name(&drop.name.to_string()));
            Ok(())
        }
        Statement::AlterIndex {
            name,
            operation: AlterIndexOperation::RenameIndex { index_name },
        } => {
            objects::rename_index(
                schema,
                &canonical_name(&name.to_string()),
                &canonical_name(&index_name.to_string()),
            );
            Ok(())
        }
        Statement::CreateView(view) => objects::create_view(schema, &view),
        Statement::CreateFunction(function) => objects::create_function(schema, function),
        Statement::CreateTrigger(trigger) => {
            let mut trigger = trigger;
            trigger.or_replace = false;
            let table = canonical_name(&trigger.table_name.to_string());
            let name = canonical_name(&trigger.name.to_string());
            schema
                .triggers
                .insert((table, name), canonical_text(&trigger.to_string()));
            Ok(())
        }
        Statement::DropTrigger(drop) => {
            let table = drop
                .table_name
                .map(|t| canonical_name(&t.to_string()))
                .unwrap_or_default();
            schema
                .triggers
                .remove(&(table, canonical_name(&drop.trigger_name.to_string())));
            Ok(())
        }
        Statement::DropProcedure { proc_desc, .. } => {
            for function in proc_desc {
                let name = canonical_name(&function.name.to_string());
                let key = objects::signature(&name, function.args.as_deref().unwrap_or(&[]));
                schema.functions.remove(&key);
            }
            Ok(())
        }
        Statement::DropFunction(drop) => {
            for function in drop.func_desc {
                let name = canonical_name(&function.name.to_string());
                let key = objects::signature(&name, function.args.as_deref().unwrap_or(&[]));
                schema.functions.remove(&key);
            }
            Ok(())
        }
        Statement::Comment {
            object_type,
            object_name,
            comment,
            ..
        } => comment_on(schema, object_type, &object_name, comment),
        _ => Err(cannot_follow(text)),
    }
}

/// Adds a column and the constraints written on it.
fn add_column(table: &mut Table, table_name: &str, column: &ColumnDef) {
    let name = canonical_name(&column.name.to_string());
    let mut added = Column {
        name: name.clone(),
        ty: canonical_type(&column.data_type.to_string()),
        default: None,
        not_null: false,
        identity: None,
        generated: None,
    };
    let mut constraints = Vec::new();
    for option in &column.options {
        match &option.option {
            ColumnOption::NotNull => added.not_null = true,
            ColumnOption::Default(expr) => added.default = Some(canonical_text(&expr.to_string())),
            ColumnOption::Generated {
                generated_as,
                generation_expr,
                ..
            } => match generation_expr {
                Some(expr) => added.generated = Some(canonical_text(&expr.to_string())),
                None => {
                    added.identity = Some(match generated_as {
                        GeneratedAs::ByDefault => "BY DEFAULT".into(),
                        _ => "ALWAYS".into(),
                    });
                    added.not_null = true;
                }
            },
            ColumnOption::PrimaryKey(_)
            | ColumnOption::Unique(_)
            | ColumnOption::ForeignKey(_)
            | ColumnOption::Check(_) => {
                constraints.push((option.name.clone(), option.option.clone()))
            }
            _ => {}
        }
    }
    table.columns.push(added);
    for (constraint_name, option) in constraints {
        let _ = objects::add_column_constraint(table, table_name, &name, constraint_name, option);
    }
}

fn alter_table(
    schema: &mut Schema,
    name: &str,
    operation: AlterTableOperation,
    text: &str,
) -> Result<(), String> {
    let Some(table) = schema.tables.get_mut(name) else {
        return Err(format!("table {name} does not exist"));
    };
    match operation {
        AlterTableOperation::AddColumn { column_def, .. } => add_column(table, name, &column_def),
        AlterTableOperation::DropColumn { column_names, .. } => {
            for column in column_names {
                let column = canonical_name(&column.to_string());
                table.columns.retain(|c| c.name != column);
                table
                    .constraints
                    .retain(|_, c| !c.columns.contains(&column));
                schema
                    .indexes
                    .retain(|_, i| !(i.table == name && i.columns.contains(&column)));
                let target = format!("COLUMN {name}.{column}");
                schema.comments.remove(&target);
            }
        }
        AlterTableOperation::AddConstraint { constraint, .. } => {
            objects::add_constraint(table, name, constraint)?;
        }
        AlterTableOperation::DropConstraint { name: dropped, .. } => {
            table
                .constraints
                .remove(&canonical_name(&dropped.to_string()));
        }
        AlterTableOperation::ValidateConstraint { .. } => {}
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => {
            let old = canonical_name(&old_column_name.to_string());
            let new = canonical_name(&new_column_name.to_string());
            if let Some(column) = table.column_mut(&old) {
                column.name.clone_from(&new);
            }
            for constraint in table.constraints.values_mut() {
                for column in &mut constraint.columns {
                    if *column == old {
                        column.clone_from(&new);
                    }
                }
            }
        }
        AlterTableOperation::RenameConstraint { old_name, new_name } => {
            if let Some(c) = table
                .constraints
                .remove(&canonical_name(&old_name.to_string()))
            {
                table
                    .constraints
                    .insert(canonical_name(&new_name.to_string()), c);
            }
        }
        AlterTableOperation::AlterColumn { column_name, op } => {
            let column_name = canonical_name(&column_name.to_string());
            let Some(column) = table.column_mut(&column_name) else {
                return Err(format!("column {name}.{column_name} does not exist"));
            };
            match op {
                AlterColumnOperation::SetNotNull => column.not_null = true,
                AlterColumnOperation::DropNotNull => column.not_null = false,
                AlterColumnOperation::SetDefault { value } => {
                    column.default = Some(canonical_text(&value.to_string()));
                }
                AlterColumnOperation::DropDefault => column.default = None,
                AlterColumnOperation::SetDataType { data_type, .. } => {
                    column.ty = canonical_type(&data_type.to_string());
                }
                AlterColumnOperation::AddGenerated { generated_as, .. } => {
                    column.identity = Some(match generated_as {
                        Some(GeneratedAs::ByDefault) => "BY DEFAULT".into(),
                        _ => "ALWAYS".into(),
                    });
                    column.not_null = true;
                }
            }
        }
        AlterTableOperation::RenameTable { table_name } => {
            let new = canonical_name(&table_name.to_string().replace("TO ", ""));
            let moved = schema.tables.remove(name).unwrap_or_default();
            schema.tables.insert(new.clone(), moved);
            for index in schema.indexes.values_mut() {
                if index.table == name {
                    index.table.clone_from(&new);
                }
            }
        }
        AlterTableOperation::OwnerTo { .. } => {}
        _ => return Err(cannot_follow(text)),
    }
    Ok(())
}

fn create_index(schema: &mut Schema, mut index: CreateIndex) -> Result<(), String> {
    let table = canonical_name(&index.table_name.to_string());
    let columns = objects::mentioned_columns(
        index
            .columns
            .iter()
            .map(|c| &c.column.expr)
            .chain(index.predicate.as_ref()),
    );
    let name = match &index.name {
        Some(name) => canonical_name(&name.to_string()),
        None => {
            let label = objects::index_column_label(&index.columns);
            let taken: std::collections::BTreeMap<String, ()> =
                schema.indexes.keys().map(|k| (k.clone(), ())).collect();
            objects::free_name(&taken, &table, Some(&label), "idx")
        }
    };
    index.name = Some(ObjectName::from(vec![sqlparser::ast::Ident::new(
        name.clone(),
    )]));
    index.concurrently = false;
    index.if_not_exists = false;
    schema.indexes.insert(
        name,
        super::model::Index {
            table,
            key: index
                .columns
                .iter()
                .map(|c| canonical_text(&c.column.expr.to_string()))
                .collect(),
            create: canonical_text(&index.to_string()),
            columns,
        },
    );
    Ok(())
}

fn drop_object(
    schema: &mut Schema,
    object_type: ObjectType,
    name: &str,
    text: &str,
) -> Result<(), String> {
    match object_type {
        ObjectType::Table => {
            schema.tables.remove(name);
            schema.indexes.retain(|_, i| i.table != name);
            schema.triggers.retain(|(table, _), _| table != name);
            let prefix = format!("COLUMN {name}.");
            schema
                .comments
                .retain(|k, _| !k.starts_with(&prefix) && *k != format!("TABLE {name}"));
        }
        ObjectType::Index => {
            schema.indexes.remove(name);
            for table in schema.tables.values_mut() {
                table.constraints.remove(name);
            }
        }
        ObjectType::View | ObjectType::MaterializedView => {
            schema.views.remove(name);
        }
        ObjectType::Type => {
            schema.types.remove(name);
        }
        ObjectType::Role => {}
        _ => return Err(cannot_follow(text)),
    }
    Ok(())
}

fn comment_on(
    schema: &mut Schema,
    object_type: CommentObject,
    object_name: &ObjectName,
    comment: Option<String>,
) -> Result<(), String> {
    let name = canonical_name(&object_name.to_string());
    let target = match object_type {
        CommentObject::Table => format!("TABLE {name}"),
        CommentObject::Column => {
            let (table, column) = name
                .rsplit_once('.')
                .ok_or("a column comment needs table.column")?;
            format!("COLUMN {table}.{column}")
        }
        CommentObject::Type => format!("TYPE {name}"),
        CommentObject::Domain => format!("DOMAIN {name}"),
        CommentObject::Index => format!("INDEX {name}"),
        CommentObject::Function => format!("FUNCTION {name}"),
        other => return Err(format!("comments on {other} are not supported")),
    };
    match comment {
        Some(text) => schema.comments.insert(target, text),
        None => schema.comments.remove(&target),
    };
    Ok(())
}

//! Builds a [`Schema`] from DDL: the files of `sql/schema/`, or the migrations replayed in
//! order (`ALTER`, `DROP`, `COMMENT` and `CREATE OR REPLACE` applied as PostgreSQL does).

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, AlterTypeOperation, ColumnDef, ColumnOption,
    CommentObject, CreateIndex, GeneratedAs, ObjectName, ObjectType, Statement, TableConstraint,
    UserDefinedTypeRepresentation,
};

use super::model::{
    Column, ConstraintKind, Domain, Schema, Table, UserType, canonical_name, canonical_text,
    canonical_type,
};
use super::objects;
use crate::syntax::split::split_statements;

/// A statement that could not be applied: the file, the statement's first line, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// File the statement is in.
    pub file: String,
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
                statement: String::new(),
                message: format!("unterminated {}", unterminated.what),
            }];
        }
    };
    for statement in statements {
        if let Err(message) = apply_text(schema, statement.text) {
            errors.push(LoadError {
                file: file.into(),
                statement: statement.text.lines().next().unwrap_or_default().into(),
                message,
            });
        }
    }
    errors
}

/// Statements that change nothing the schema model holds.
fn ignored(text: &str) -> bool {
    let words = canonical_text(text);
    [
        "set ",
        "grant ",
        "revoke ",
        "do ",
        "insert ",
        "update ",
        "delete ",
        "select ",
        "alter default privileges",
        "create role",
        "create extension",
        "analyze",
        "vacuum",
        "reset ",
    ]
    .iter()
    .any(|prefix| words.starts_with(prefix))
}

fn apply_text(schema: &mut Schema, text: &str) -> Result<(), String> {
    if ignored(text) {
        return Ok(());
    }
    if let Some(result) = constraint_using_index(schema, text) {
        return result;
    }
    let words = canonical_text(text.trim().trim_end_matches(';'));
    if let Some(rest) = words.strip_prefix("drop index concurrently ") {
        let rest = rest.strip_prefix("if exists ").unwrap_or(rest);
        drop_object(schema, ObjectType::Index, &canonical_name(rest));
        return Ok(());
    }
    let statements = crate::syntax::parse(text)
        .map_err(|e| format!("cannot read this statement: {}", e.message))?;
    statements
        .into_iter()
        .try_for_each(|statement| apply(schema, statement))
}

fn apply(schema: &mut Schema, statement: Statement) -> Result<(), String> {
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
                .try_for_each(|operation| alter_table(schema, &name, operation))
        }
        Statement::CreateIndex(index) => create_index(schema, index),
        Statement::Drop {
            object_type, names, ..
        } => {
            for name in names {
                drop_object(schema, object_type, &canonical_name(&name.to_string()));
            }
            Ok(())
        }
        Statement::CreateType {
            name,
            representation,
        } => {
            let user_type = match representation {
                Some(UserDefinedTypeRepresentation::Enum { labels }) => {
                    UserType::Enum(labels.into_iter().map(|l| l.value).collect())
                }
                Some(UserDefinedTypeRepresentation::Composite { attributes }) => {
                    UserType::Composite(
                        attributes
                            .into_iter()
                            .map(|a| {
                                (canonical_name(&a.name.to_string()), {
                                    canonical_type(&a.data_type.to_string())
                                })
                            })
                            .collect(),
                    )
                }
                _ => return Err("only enum and composite types are supported".into()),
            };
            schema
                .types
                .insert(canonical_name(&name.to_string()), user_type);
            Ok(())
        }
        Statement::AlterType(alter) => {
            let name = canonical_name(&alter.name.to_string());
            let Some(UserType::Enum(labels)) = schema.types.get_mut(&name) else {
                return Err(format!("type {name} is not an enum the schema knows"));
            };
            match alter.operation {
                AlterTypeOperation::AddValue(add) => {
                    objects::add_enum_value(labels, add.value.value, add.position);
                }
                AlterTypeOperation::RenameValue(rename) => {
                    for label in labels.iter_mut() {
                        if *label == rename.from.value {
                            label.clone_from(&rename.to.value);
                        }
                    }
                }
                AlterTypeOperation::Rename(rename) => {
                    let user_type = schema.types.remove(&name).unwrap_or(UserType::Enum(vec![]));
                    schema
                        .types
                        .insert(canonical_name(&rename.new_name.to_string()), user_type);
                }
            }
            Ok(())
        }
        Statement::CreateDomain(domain) => {
            let name = canonical_name(&domain.name.to_string());
            let mut checks = std::collections::BTreeMap::new();
            let mut not_null = false;
            for constraint in domain.constraints {
                if let TableConstraint::Check(mut check) = constraint {
                    let constraint_name = match check.name.take() {
                        Some(n) => n.value,
                        None => objects::free_name(&checks, &name, None, "check"),
                    };
                    checks.insert(constraint_name, canonical_text(&check.to_string()));
                }
            }
            if canonical_text(&format!("{}", domain.data_type)).contains("not null") {
                not_null = true;
            }
            schema.types.insert(
                name,
                UserType::Domain(Domain {
                    base: canonical_type(&domain.data_type.to_string()),
                    default: domain.default.map(|d| canonical_text(&d.to_string())),
                    not_null,
                    checks,
                }),
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
        _ => Ok(()),
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
        _ => {}
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

fn drop_object(schema: &mut Schema, object_type: ObjectType, name: &str) {
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
        _ => {}
    }
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

/// `ALTER TABLE t ADD CONSTRAINT n UNIQUE|PRIMARY KEY USING INDEX i`, which sqlparser cannot
/// read: the index becomes the constraint.
fn constraint_using_index(schema: &mut Schema, text: &str) -> Option<Result<(), String>> {
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

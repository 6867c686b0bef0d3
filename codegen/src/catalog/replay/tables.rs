//! Tables: `CREATE TABLE` (columns, constraints, `LIKE`, `INHERITS`, `PARTITION OF`,
//! `AS query`) and `ALTER TABLE` (columns, primary keys, renames).

use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, ColumnDef as SqlColumnDef, ColumnOption,
    ColumnOptionDef, CreateTable, CreateTableLikeKind, Ident, ObjectName, PrimaryKeyConstraint,
    RenameTableNameKind, Statement, TableConstraint,
};

use super::super::{
    Catalog, ColumnDef, QueryTyper, Relation, RelationKind, Ty, ident, object_name, resolve_type,
};
use super::parse_or_explain;
use super::sequences::{add_owned_sequence, column_owns_sequence};
use crate::syntax::ddl::LikeElement;
use crate::syntax::words::normalize_ident;

/// `CREATE TABLE`. Temporary tables live in `pg_temp`; columns of `PARTITION OF`, `LIKE`
/// and `INHERITS` come first, and a column declared again replaces the inherited one.
pub(super) fn create_table(
    catalog: &mut Catalog,
    typer: &dyn QueryTyper,
    create: &CreateTable,
) -> Result<(), String> {
    let (mut schema, name) = object_name(&create.name);
    if create.temporary {
        schema = "pg_temp".into();
    }
    if catalog
        .relations
        .contains_key(&(schema.clone(), name.clone()))
    {
        if create.if_not_exists {
            return Ok(());
        }
        return Err(format!("table `{name}` already exists"));
    }
    let mut columns = inherited_columns(catalog, create)?;
    let mut sequence_columns = Vec::new();
    for column in &create.columns {
        let (ty, serial) = resolve_type(catalog, &column.data_type)?;
        if column_owns_sequence(serial, &column.options) {
            sequence_columns.push(ident(&column.name));
        }
        // A NOT NULL domain does not keep NULL out of a column (PostgreSQL docs, CREATE
        // DOMAIN: an empty scalar subquery inserts NULL), so only the column's own
        // constraint counts.
        let def = column_definition(column, ty, serial);
        columns.retain(|c: &ColumnDef| c.name != def.name);
        columns.push(def);
    }
    for constraint in &create.constraints {
        if let TableConstraint::PrimaryKey(primary_key) = constraint {
            mark_primary_key_not_null(&mut columns, primary_key);
        }
    }
    if let Some(query) = &create.query {
        columns = typer.output_columns(catalog, query)?;
        // PostgreSQL copies names and types only: no default and no NOT NULL, whatever
        // the query's columns had.
        for column in &mut columns {
            column.has_default = false;
            column.not_null = false;
        }
    }
    catalog.relations.insert(
        (schema.clone(), name.clone()),
        Relation {
            schema: schema.clone(),
            name: name.clone(),
            kind: RelationKind::Table,
            columns,
        },
    );
    for column in sequence_columns {
        add_owned_sequence(catalog, &schema, &name, &column);
    }
    Ok(())
}

/// `CREATE TABLE … (LIKE other …, …)`, given as the text with a placeholder column for
/// each LIKE element: creates the table, then puts the other tables' columns where their
/// placeholders stand. `None` when the text is not a `CREATE TABLE` after all.
pub(super) fn create_table_like(
    catalog: &mut Catalog,
    typer: &dyn QueryTyper,
    table_text: &str,
    likes: Vec<LikeElement>,
) -> Option<Result<(), String>> {
    let statements = match parse_or_explain(table_text, "schema change") {
        Ok(statements) => statements,
        Err(e) => return Some(Err(e)),
    };
    let Some(Statement::CreateTable(create)) = statements.first() else {
        return None;
    };
    let key = object_name(&create.name);
    Some(
        create_table(catalog, typer, create).and_then(|()| copy_like_columns(catalog, &key, likes)),
    )
}

/// `ALTER TABLE [IF EXISTS] name operation, …` (a temporary table is found too).
pub(super) fn alter_table(catalog: &mut Catalog, alter: AlterTable) -> Result<(), String> {
    let (schema, name) = object_name(&alter.name);
    let key = if catalog
        .relations
        .contains_key(&(schema.clone(), name.clone()))
    {
        (schema, name)
    } else if catalog
        .relations
        .contains_key(&("pg_temp".to_string(), name.clone()))
    {
        ("pg_temp".to_string(), name)
    } else if alter.if_exists {
        return Ok(());
    } else {
        return Err(format!("unknown table `{name}`"));
    };
    for operation in alter.operations {
        alter_table_operation(catalog, &key, operation)?;
    }
    Ok(())
}

/// A column from its definition: NOT NULL from its own constraints, primary key, serial
/// or identity; a default from `DEFAULT`, serial, identity or `GENERATED`.
fn column_definition(column: &SqlColumnDef, ty: Ty, serial: bool) -> ColumnDef {
    let mut def = ColumnDef {
        name: ident(&column.name),
        ty,
        not_null: serial,
        has_default: serial,
    };
    for ColumnOptionDef { option, .. } in &column.options {
        match option {
            ColumnOption::NotNull | ColumnOption::PrimaryKey(_) => def.not_null = true,
            ColumnOption::Default(_) => def.has_default = true,
            ColumnOption::Generated {
                generation_expr: Some(_),
                ..
            } => def.has_default = true,
            // An identity column is implicitly NOT NULL, added by CREATE TABLE or by
            // ALTER TABLE … ADD COLUMN alike.
            ColumnOption::Generated { .. } | ColumnOption::Identity(_) => {
                def.has_default = true;
                def.not_null = true;
            }
            _ => {}
        }
    }
    def
}

/// The columns a new table takes from `PARTITION OF`, `LIKE` and `INHERITS`, in that order.
fn inherited_columns(catalog: &Catalog, create: &CreateTable) -> Result<Vec<ColumnDef>, String> {
    let mut columns = Vec::new();
    if let Some(parent) = &create.partition_of {
        columns.extend(columns_of(catalog, parent)?);
    }
    if let Some(like) = &create.like {
        let like = match like {
            CreateTableLikeKind::Parenthesized(l) | CreateTableLikeKind::Plain(l) => l,
        };
        columns.extend(columns_of(catalog, &like.name)?);
    }
    for parent in create.inherits.iter().flatten() {
        columns.extend(columns_of(catalog, parent)?);
    }
    Ok(columns)
}

fn columns_of(catalog: &Catalog, name: &ObjectName) -> Result<Vec<ColumnDef>, String> {
    let (schema, table) = object_name(name);
    catalog
        .relations
        .get(&(schema, table.clone()))
        .map(|r| r.columns.clone())
        .ok_or_else(|| format!("unknown table `{table}`"))
}

/// Replaces each LIKE placeholder of the table at `key` by the source table's columns
/// (their defaults only with `INCLUDING DEFAULTS` or the like).
fn copy_like_columns(
    catalog: &mut Catalog,
    key: &(String, String),
    likes: Vec<LikeElement>,
) -> Result<(), String> {
    for like in likes {
        let source = &like.source;
        let Some(from) = catalog.relation(source.schema.as_deref(), &source.name) else {
            return Err(format!("relation `{}` does not exist", source.name));
        };
        let copied: Vec<ColumnDef> = from
            .columns
            .iter()
            .map(|c| ColumnDef {
                has_default: c.has_default && like.including_defaults,
                ..c.clone()
            })
            .collect();
        let Some(relation) = catalog.relations.get_mut(key) else {
            return Err(format!("table `{}` was not created", key.1));
        };
        if let Some(at) = relation
            .columns
            .iter()
            .position(|c| c.name == like.placeholder)
        {
            relation.columns.splice(at..=at, copied);
        }
    }
    Ok(())
}

/// Primary key columns are NOT NULL.
fn mark_primary_key_not_null(columns: &mut [ColumnDef], primary_key: &PrimaryKeyConstraint) {
    for index_column in &primary_key.columns {
        let name = normalize_ident(&index_column.column.expr.to_string());
        if let Some(column) = columns.iter_mut().find(|c| c.name == name) {
            column.not_null = true;
        }
    }
}

/// One operation of an `ALTER TABLE` on the table at `key` (which exists); operations
/// that change no column (indexes, checks, ownership, …) are skipped.
fn alter_table_operation(
    catalog: &mut Catalog,
    key: &(String, String),
    operation: AlterTableOperation,
) -> Result<(), String> {
    match operation {
        AlterTableOperation::AddColumn {
            column_def,
            if_not_exists,
            ..
        } => add_column(catalog, key, &column_def, if_not_exists),
        AlterTableOperation::DropColumn {
            column_names,
            if_exists,
            ..
        } => drop_columns(table_mut(catalog, key), &column_names, if_exists),
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => {
            let column = column_mut(table_mut(catalog, key), &ident(&old_column_name))?;
            column.name = ident(&new_column_name);
            Ok(())
        }
        AlterTableOperation::RenameTable { table_name } => {
            let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) = table_name;
            let (_, new_name) = object_name(&new);
            let mut relation = catalog.relations.remove(key).expect("present");
            relation.name = new_name.clone();
            catalog
                .relations
                .insert((key.0.clone(), new_name), relation);
            Ok(())
        }
        AlterTableOperation::AlterColumn { column_name, op } => {
            alter_column(catalog, key, &column_name, op)
        }
        AlterTableOperation::AddConstraint {
            constraint: TableConstraint::PrimaryKey(primary_key),
            ..
        } => {
            mark_primary_key_not_null(&mut table_mut(catalog, key).columns, &primary_key);
            Ok(())
        }
        _ => Ok(()),
    }
}

fn table_mut<'a>(catalog: &'a mut Catalog, key: &(String, String)) -> &'a mut Relation {
    catalog.relations.get_mut(key).expect("checked by caller")
}

fn column_mut<'a>(relation: &'a mut Relation, name: &str) -> Result<&'a mut ColumnDef, String> {
    relation
        .columns
        .iter_mut()
        .find(|c| c.name == name)
        .ok_or_else(|| format!("column `{name}` does not exist"))
}

/// `ADD COLUMN [IF NOT EXISTS]`; a serial or identity column gets its sequence.
fn add_column(
    catalog: &mut Catalog,
    key: &(String, String),
    column: &SqlColumnDef,
    if_not_exists: bool,
) -> Result<(), String> {
    let (ty, serial) = resolve_type(catalog, &column.data_type)?;
    let name = ident(&column.name);
    if table_mut(catalog, key)
        .columns
        .iter()
        .any(|c| c.name == name)
    {
        if if_not_exists {
            return Ok(());
        }
        return Err(format!("column `{name}` already exists"));
    }
    if column_owns_sequence(serial, &column.options) {
        add_owned_sequence(catalog, &key.0, &key.1, &name);
    }
    let def = column_definition(column, ty, serial);
    table_mut(catalog, key).columns.push(def);
    Ok(())
}

/// `DROP COLUMN [IF EXISTS] a, …`.
fn drop_columns(relation: &mut Relation, names: &[Ident], if_exists: bool) -> Result<(), String> {
    for column in names {
        let name = ident(column);
        let before = relation.columns.len();
        relation.columns.retain(|c| c.name != name);
        if before == relation.columns.len() && !if_exists {
            return Err(format!("column `{name}` does not exist"));
        }
    }
    Ok(())
}

/// `ALTER COLUMN c SET/DROP NOT NULL`, `SET/DROP DEFAULT`, `TYPE t`, `ADD GENERATED`.
fn alter_column(
    catalog: &mut Catalog,
    key: &(String, String),
    column_name: &Ident,
    op: AlterColumnOperation,
) -> Result<(), String> {
    let new_type = match &op {
        AlterColumnOperation::SetDataType { data_type, .. } => {
            Some(resolve_type(catalog, data_type)?.0)
        }
        _ => None,
    };
    let column = column_mut(table_mut(catalog, key), &ident(column_name))?;
    match op {
        AlterColumnOperation::SetNotNull => column.not_null = true,
        AlterColumnOperation::DropNotNull => column.not_null = false,
        AlterColumnOperation::SetDefault { .. } => column.has_default = true,
        AlterColumnOperation::DropDefault => column.has_default = false,
        AlterColumnOperation::SetDataType { .. } => {
            column.ty = new_type.expect("resolved above");
        }
        AlterColumnOperation::AddGenerated { .. } => {
            column.has_default = true;
            column.not_null = true;
        }
    }
    Ok(())
}

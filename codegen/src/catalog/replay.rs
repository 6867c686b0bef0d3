//! Replays migration files, statement by statement, into a `Catalog`.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, AlterTypeAddValuePosition, AlterTypeOperation,
    ArgMode, ColumnOption, CreateTableLikeKind, DataType, FunctionReturnType, Ident, ObjectName,
    ObjectNamePart, ObjectType, Statement, TableConstraint, UserDefinedTypeRepresentation,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::{
    Catalog, ColumnDef, QueryTyper, Relation, RelationKind, Ty, UserFunction, UserType,
    UserTypeDef, parse_type_name,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SqlFile;
use crate::syntax::split::split_statements;

/// Replays migrations (already in version order) into a catalog. Every statement that
/// changes tables, types or views and cannot be understood is a diagnostic.
pub fn replay(migrations: &[SqlFile], typer: &dyn QueryTyper) -> (Catalog, Vec<Diagnostic>) {
    let mut catalog = Catalog::default();
    information_schema_domains(&mut catalog);
    let mut diagnostics = Vec::new();
    for file in migrations {
        let statements = match split_statements(&file.text) {
            Ok(statements) => statements,
            Err(u) => {
                diagnostics.push(
                    Diagnostic::at(
                        Code::Unterminated,
                        &file.path,
                        file.text.clone(),
                        u.offset,
                        1,
                        format!("unterminated {}", u.what),
                    )
                    .with_help("close it"),
                );
                continue;
            }
        };
        for statement in statements {
            let fail = |message: String, help: &str| {
                Diagnostic::at(
                    Code::Replay,
                    &file.path,
                    file.text.clone(),
                    statement.offset,
                    statement.text.find('\n').unwrap_or(statement.text.len()),
                    message,
                )
                .with_help(help.to_string())
            };
            if let Err(message) = apply_text(&mut catalog, typer, statement.text) {
                diagnostics.push(fail(
                    message,
                    "pgbake replays migrations to learn the schema; write this statement in a form it understands (or report it)",
                ));
            }
        }
    }
    (catalog, diagnostics)
}

/// Applies one statement's text to the catalog.
fn apply_text(catalog: &mut Catalog, typer: &dyn QueryTyper, text: &str) -> Result<(), String> {
    let words = leading_words(text, 6);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    // Forms sqlparser lacks or mis-parses, handled first.
    if let Some(result) = apply_by_hand(catalog, typer, text, &w) {
        return result;
    }
    match Parser::parse_sql(&PostgreSqlDialect {}, text) {
        Ok(statements) => {
            for statement in statements {
                apply(catalog, typer, statement)?;
            }
            Ok(())
        }
        Err(e) => {
            if changes_catalog(&w) {
                Err(format!("cannot read this schema change: {e}"))
            } else {
                Ok(())
            }
        }
    }
}

fn leading_words(text: &str, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = crate::syntax::split::skip_trivia(text, 0, text.len());
    while out.len() < n && i < text.len() {
        let rest = &text[i..];
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '"'))
            .unwrap_or(rest.len());
        if len == 0 {
            break;
        }
        out.push(rest[..len].to_ascii_uppercase());
        i = crate::syntax::split::skip_trivia(text, i + len, text.len());
    }
    out
}

/// Whether a statement starting with these words changes tables, types or views.
fn changes_catalog(w: &[&str]) -> bool {
    let mut i = 0;
    if !matches!(w.first(), Some(&("CREATE" | "ALTER" | "DROP"))) {
        return false;
    }
    i += 1;
    if w.get(i) == Some(&"OR") {
        i += 2;
    }
    while matches!(
        w.get(i),
        Some(
            &("TEMP"
                | "TEMPORARY"
                | "UNLOGGED"
                | "GLOBAL"
                | "LOCAL"
                | "MATERIALIZED"
                | "RECURSIVE")
        )
    ) {
        i += 1;
    }
    matches!(w.get(i), Some(&("TABLE" | "TYPE" | "VIEW" | "DOMAIN")))
}

/// Statements handled without sqlparser. `None` means: not one of these.
fn apply_by_hand(
    catalog: &mut Catalog,
    typer: &dyn QueryTyper,
    text: &str,
    w: &[&str],
) -> Option<Result<(), String>> {
    // ALTER <kind> [IF EXISTS] name SET SCHEMA s / RENAME TO n
    if w.first() == Some(&"ALTER") {
        let (kind_len, kind) = match w.get(1) {
            Some(&"TABLE") => (1, "TABLE"),
            Some(&"VIEW") => (1, "VIEW"),
            Some(&"TYPE") => (1, "TYPE"),
            Some(&"MATERIALIZED") => (2, "VIEW"),
            _ => return None,
        };
        let upper = text.to_ascii_uppercase();
        let set_schema = upper.find(" SET SCHEMA ");
        let rename = (kind == "VIEW")
            .then(|| upper.find(" RENAME TO "))
            .flatten();
        if set_schema.is_none() && rename.is_none() && w.get(1) != Some(&"MATERIALIZED") {
            return None;
        }
        let mut name_start = 1 + kind_len;
        let if_exists = w.get(name_start) == Some(&"IF");
        if if_exists {
            name_start += 2;
        }
        let name_text = raw_word(text, name_start)?;
        let (schema, name) = split_qualified(&name_text);
        let schema = schema.unwrap_or_else(|| "public".into());
        if let Some(at) = set_schema {
            let target = text[at + 12..].trim().trim_end_matches(';');
            let target = normalize_ident(target.trim());
            if kind == "TYPE" {
                if let Some(t) = catalog.types.remove(&(schema.clone(), name.clone())) {
                    catalog.types.insert(
                        (target.clone(), name),
                        UserType {
                            schema: target,
                            ..t
                        },
                    );
                } else if !if_exists {
                    return Some(Err(format!("unknown type `{name}`")));
                }
            } else if let Some(mut r) = catalog.relations.remove(&(schema.clone(), name.clone())) {
                r.schema = target.clone();
                catalog.relations.insert((target, name), r);
            } else if !if_exists {
                return Some(Err(format!("unknown relation `{name}`")));
            }
            return Some(Ok(()));
        }
        if let Some(at) = rename {
            let new_name = normalize_ident(text[at + 11..].trim().trim_end_matches(';').trim());
            if let Some(mut r) = catalog.relations.remove(&(schema.clone(), name.clone())) {
                r.name = new_name.clone();
                catalog.relations.insert((schema, new_name), r);
            } else if !if_exists {
                return Some(Err(format!("unknown view `{name}`")));
            }
            return Some(Ok(()));
        }
        // Other ALTER MATERIALIZED VIEW forms do not change columns.
        return Some(Ok(()));
    }
    // CREATE MATERIALIZED VIEW … [WITH [NO] DATA]
    if w.len() >= 3 && w[0] == "CREATE" && w[1] == "MATERIALIZED" && w[2] == "VIEW" {
        let upper = text.to_ascii_uppercase();
        let mut body = text;
        for suffix in ["WITH NO DATA", "WITH DATA"] {
            if upper.trim_end().ends_with(suffix) {
                body = &text[..upper.trim_end().len() - suffix.len()];
            }
        }
        let rewritten = format!(
            "CREATE VIEW{}",
            &body[body.to_ascii_uppercase().find("VIEW").unwrap() + 4..]
        );
        let result = Parser::parse_sql(&PostgreSqlDialect {}, &rewritten)
            .map_err(|e| format!("cannot read this materialized view: {e}"))
            .and_then(|statements| {
                for statement in statements {
                    if let Statement::CreateView(mut view) = statement {
                        view.materialized = true;
                        apply(catalog, typer, Statement::CreateView(view))?;
                    }
                }
                Ok(())
            });
        return Some(result);
    }
    if w.len() >= 2 && w[0] == "DROP" && w[1] == "MATERIALIZED" {
        let rewritten = text.replacen(
            &text[text.to_ascii_uppercase().find("MATERIALIZED").unwrap()..][..12],
            "",
            1,
        );
        if let Ok(statements) = Parser::parse_sql(&PostgreSqlDialect {}, &rewritten) {
            for statement in statements {
                if let Err(e) = apply(catalog, typer, statement) {
                    return Some(Err(e));
                }
            }
            return Some(Ok(()));
        }
        return None;
    }
    // CREATE DOMAIN … NOT NULL: sqlparser lacks the NOT NULL constraint form.
    if w.len() >= 2 && w[0] == "CREATE" && w[1] == "DOMAIN" {
        let upper = text.to_ascii_uppercase();
        if let Some(at) = upper.find(" NOT NULL") {
            let without = format!("{}{}", &text[..at], &text[at + 9..]);
            let statements = match Parser::parse_sql(&PostgreSqlDialect {}, &without) {
                Ok(s) => s,
                Err(e) => return Some(Err(format!("cannot read this domain: {e}"))),
            };
            for statement in statements {
                if let Statement::CreateDomain(domain) = statement {
                    let (schema, name) = object_name(&domain.name);
                    let base = match resolve_type(catalog, &domain.data_type) {
                        Ok((t, _)) => catalog.base_type(&t),
                        Err(e) => return Some(Err(e)),
                    };
                    catalog.types.insert(
                        (schema.clone(), name),
                        UserType {
                            schema,
                            def: UserTypeDef::Domain {
                                base,
                                not_null: true,
                            },
                        },
                    );
                }
            }
            return Some(Ok(()));
        }
    }
    // CREATE [OR REPLACE] PROCEDURE name(args): remembered for CALL.
    let proc_at = if w.get(1) == Some(&"OR") { 3 } else { 1 };
    if w.first() == Some(&"CREATE") && w.get(proc_at) == Some(&"PROCEDURE") {
        let rewritten = text.replacen(
            &text[text.to_ascii_uppercase().find("PROCEDURE").unwrap()..][..9],
            "FUNCTION",
            1,
        );
        if let Ok(statements) = Parser::parse_sql(&PostgreSqlDialect {}, &rewritten) {
            for statement in statements {
                if let Statement::CreateFunction(f) = statement {
                    let (schema, name) = object_name(&f.name);
                    let args = function_args(catalog, f.args.as_deref().unwrap_or(&[]));
                    catalog.functions.push(UserFunction {
                        schema,
                        name,
                        arg_names: function_arg_names(f.args.as_deref().unwrap_or(&[])),
                        args: args.0,
                        defaults: args.1,
                        variadic: args.2,
                        returns: Ty::new("void"),
                        returns_set: false,
                        out_columns: Vec::new(),
                        procedure: true,
                    });
                }
            }
        }
        return Some(Ok(()));
    }
    // CREATE SEQUENCE [IF NOT EXISTS] name …: options sqlparser may not read.
    if w.first() == Some(&"CREATE")
        && (w.get(1) == Some(&"SEQUENCE")
            || (matches!(w.get(1), Some(&("TEMP" | "TEMPORARY" | "UNLOGGED")))
                && w.get(2) == Some(&"SEQUENCE")))
    {
        let mut at = if w.get(1) == Some(&"SEQUENCE") { 2 } else { 3 };
        if w.get(at) == Some(&"IF") {
            at += 3;
        }
        if let Some(name) = raw_word(text, at) {
            let (schema, name) = split_qualified(&name);
            let key = (schema.unwrap_or_else(|| "public".into()), name);
            if !catalog.sequences.contains(&key) {
                catalog.sequences.push(key);
            }
        }
        return Some(Ok(()));
    }
    // CREATE TABLE … (LIKE other [INCLUDING …], col …): sqlparser reads only a lone
    // `(LIKE other)`. Each LIKE element becomes a placeholder column, replaced by the
    // other table's columns once the statement is applied.
    if w.first() == Some(&"CREATE") && changes_catalog(w) && w.contains(&"TABLE") {
        return create_table_like(catalog, typer, text);
    }
    None
}

/// The top-level elements of the first parenthesized list in `text`, as byte ranges.
fn table_elements(text: &str) -> Option<Vec<(usize, usize)>> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut depth = 0;
    let mut elements = Vec::new();
    let mut start = 0;
    while i < bytes.len() {
        let next = crate::syntax::split::skip_token(text, i).ok()?;
        match bytes[i] {
            b'(' => {
                depth += 1;
                if depth == 1 {
                    start = i + 1;
                }
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    elements.push((start, i));
                    return Some(elements);
                }
            }
            b',' if depth == 1 => {
                elements.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
        i = next.max(i + 1);
    }
    None
}

fn create_table_like(
    catalog: &mut Catalog,
    typer: &dyn QueryTyper,
    text: &str,
) -> Option<Result<(), String>> {
    let elements = table_elements(text)?;
    let mut likes = Vec::new();
    let mut rewritten = String::new();
    let mut copied = 0;
    for (start, end) in elements {
        let element = &text[start..end];
        if raw_word(element, 0).is_none_or(|w| !w.eq_ignore_ascii_case("LIKE")) {
            continue;
        }
        let source = raw_word(element, 1)?;
        let placeholder = format!("pgbake_like_{}", likes.len());
        rewritten.push_str(&text[copied..start]);
        rewritten.push_str(&format!(" {placeholder} int4"));
        copied = end;
        let upper = element.to_ascii_uppercase();
        let defaults = ["ALL", "DEFAULTS", "IDENTITY", "GENERATED"]
            .iter()
            .any(|o| upper.contains(&format!("INCLUDING {o}")));
        likes.push((placeholder, split_qualified(&source), defaults));
    }
    if likes.is_empty() {
        return None;
    }
    rewritten.push_str(&text[copied..]);
    let statements = match Parser::parse_sql(&PostgreSqlDialect {}, &rewritten) {
        Ok(s) => s,
        Err(e) => return Some(Err(format!("cannot read this schema change: {e}"))),
    };
    let Some(Statement::CreateTable(create)) = statements.first() else {
        return None;
    };
    let key = object_name(&create.name);
    if let Err(e) = apply(catalog, typer, statements[0].clone()) {
        return Some(Err(e));
    }
    for (placeholder, (schema, source), defaults) in likes {
        let Some(from) = catalog.relation(schema.as_deref(), &source) else {
            return Some(Err(format!("relation `{source}` does not exist")));
        };
        let copied: Vec<ColumnDef> = from
            .columns
            .iter()
            .map(|c| ColumnDef {
                has_default: c.has_default && defaults,
                ..c.clone()
            })
            .collect();
        let Some(relation) = catalog.relations.get_mut(&key) else {
            return Some(Err(format!("table `{}` was not created", key.1)));
        };
        if let Some(at) = relation.columns.iter().position(|c| c.name == placeholder) {
            relation.columns.splice(at..=at, copied);
        }
    }
    Some(Ok(()))
}

fn raw_word(text: &str, index: usize) -> Option<String> {
    let mut i = crate::syntax::split::skip_trivia(text, 0, text.len());
    let mut n = 0;
    while i < text.len() {
        let rest = &text[i..];
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '"'))
            .unwrap_or(rest.len());
        if len == 0 {
            return None;
        }
        if n == index {
            return Some(rest[..len].to_string());
        }
        n += 1;
        i = crate::syntax::split::skip_trivia(text, i + len, text.len());
    }
    None
}

fn normalize_ident(s: &str) -> String {
    if let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        inner.replace("\"\"", "\"")
    } else {
        s.to_lowercase()
    }
}

fn split_qualified(s: &str) -> (Option<String>, String) {
    match s.rsplit_once('.') {
        Some((schema, name)) => (Some(normalize_ident(schema)), normalize_ident(name)),
        None => (None, normalize_ident(s)),
    }
}

/// The value of an identifier as PostgreSQL folds it.
pub(crate) fn ident(ident: &Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_lowercase()
    }
}

/// (schema, name) of an object name; unqualified names are in `public`.
pub(crate) fn object_name(name: &ObjectName) -> (String, String) {
    let parts: Vec<String> = name
        .0
        .iter()
        .filter_map(|p| match p {
            ObjectNamePart::Identifier(i) => Some(ident(i)),
            _ => None,
        })
        .collect();
    match parts.as_slice() {
        [.., schema, name] => (schema.clone(), name.clone()),
        [name] => ("public".into(), name.clone()),
        [] => ("public".into(), String::new()),
    }
}

/// Resolves a written data type against built-ins and the catalog's user types.
pub(crate) fn resolve_type(catalog: &Catalog, data_type: &DataType) -> Result<(Ty, bool), String> {
    let written = data_type.to_string();
    let parsed = parse_type_name(&written);
    let array = parsed.array;
    let mut name = parsed.name.clone();
    if catalog.user_type(parsed.schema.as_deref(), &name).is_none() {
        if crate::pg::builtins::type_exists(&name) {
            // built-in
        } else if let Some(r) = catalog.relation(parsed.schema.as_deref(), &name) {
            name = r.name.clone();
        } else {
            return Err(format!("unknown type `{written}`"));
        }
    }
    Ok((Ty { name, array }, parsed.serial))
}

fn columns_of(catalog: &Catalog, name: &ObjectName) -> Result<Vec<ColumnDef>, String> {
    let (schema, table) = object_name(name);
    catalog
        .relations
        .get(&(schema, table.clone()))
        .map(|r| r.columns.clone())
        .ok_or_else(|| format!("unknown table `{table}`"))
}

/// An identity column (`GENERATED … AS IDENTITY`; sqlparser reads it as `Generated`
/// without an expression, or as `Identity`).
fn is_identity(option: &ColumnOption) -> bool {
    matches!(
        option,
        ColumnOption::Identity(_)
            | ColumnOption::Generated {
                generation_expr: None,
                ..
            }
    )
}

/// The sequence PostgreSQL creates for a serial or identity column, owned by the table.
fn add_owned_sequence(catalog: &mut Catalog, schema: &str, table: &str, column: &str) {
    let name = catalog.implicit_sequence_name(schema, table, column);
    let key = (schema.to_string(), name);
    catalog.sequences.push(key.clone());
    catalog
        .owned_sequences
        .push((key, (schema.to_string(), table.to_string())));
}

fn apply(
    catalog: &mut Catalog,
    typer: &dyn QueryTyper,
    statement: Statement,
) -> Result<(), String> {
    match statement {
        Statement::CreateTable(create) => {
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
            let mut sequence_columns = Vec::new();
            for column in &create.columns {
                let (ty, serial) = resolve_type(catalog, &column.data_type)?;
                if serial || column.options.iter().any(|o| is_identity(&o.option)) {
                    sequence_columns.push(ident(&column.name));
                }
                let mut def = ColumnDef {
                    name: ident(&column.name),
                    // A NOT NULL domain does not keep NULL out of a column (PostgreSQL docs,
                    // CREATE DOMAIN: an empty scalar subquery inserts NULL), so only the
                    // column's own constraint counts.
                    not_null: serial,
                    ty,
                    has_default: serial,
                };
                for option in &column.options {
                    match &option.option {
                        ColumnOption::NotNull => def.not_null = true,
                        ColumnOption::PrimaryKey(_) => def.not_null = true,
                        ColumnOption::Default(_) => def.has_default = true,
                        ColumnOption::Generated { .. } | ColumnOption::Identity(_) => {
                            def.has_default = true;
                            if !matches!(
                                &option.option,
                                ColumnOption::Generated {
                                    generation_expr: Some(_),
                                    ..
                                }
                            ) {
                                def.not_null = true;
                            }
                        }
                        _ => {}
                    }
                }
                columns.retain(|c: &ColumnDef| c.name != def.name);
                columns.push(def);
            }
            for constraint in &create.constraints {
                if let TableConstraint::PrimaryKey(pk) = constraint {
                    for index_column in &pk.columns {
                        let key = index_column.column.expr.to_string();
                        let key = normalize_ident(&key);
                        if let Some(c) = columns.iter_mut().find(|c| c.name == key) {
                            c.not_null = true;
                        }
                    }
                }
            }
            if let Some(query) = &create.query {
                columns = typer.output_columns(catalog, query)?;
                for c in &mut columns {
                    c.has_default = false;
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
        }
        Statement::AlterTable(alter) => {
            let (schema, name) = object_name(&alter.name);
            let key = if catalog
                .relations
                .contains_key(&(schema.clone(), name.clone()))
            {
                (schema, name.clone())
            } else if catalog
                .relations
                .contains_key(&("pg_temp".to_string(), name.clone()))
            {
                ("pg_temp".to_string(), name.clone())
            } else if alter.if_exists {
                return Ok(());
            } else {
                return Err(format!("unknown table `{name}`"));
            };
            for operation in alter.operations {
                alter_table(catalog, &key, operation)?;
            }
        }
        Statement::Drop {
            object_type,
            if_exists,
            names,
            ..
        } => {
            for name in &names {
                let (schema, n) = object_name(name);
                let removed = match object_type {
                    ObjectType::Table | ObjectType::View | ObjectType::MaterializedView => {
                        let key = (schema, n.clone());
                        let owned: Vec<(String, String)> = catalog
                            .owned_sequences
                            .iter()
                            .filter(|(_, table)| *table == key)
                            .map(|(seq, _)| seq.clone())
                            .collect();
                        catalog.sequences.retain(|s| !owned.contains(s));
                        catalog.owned_sequences.retain(|(_, table)| *table != key);
                        catalog.relations.remove(&key).is_some()
                    }
                    ObjectType::Sequence => {
                        let key = (schema, n.clone());
                        let found = catalog.sequences.contains(&key);
                        catalog.sequences.retain(|s| *s != key);
                        catalog.owned_sequences.retain(|(s, _)| *s != key);
                        found
                    }
                    ObjectType::Type => catalog.types.remove(&(schema, n.clone())).is_some(),
                    _ => true,
                };
                if !removed && !if_exists {
                    return Err(format!("cannot drop `{n}`: it does not exist"));
                }
            }
        }
        Statement::CreateType {
            name,
            representation,
        } => {
            let (schema, name) = object_name(&name);
            let def = match representation {
                Some(UserDefinedTypeRepresentation::Enum { labels }) => {
                    UserTypeDef::Enum(labels.iter().map(|l| l.value.clone()).collect())
                }
                Some(UserDefinedTypeRepresentation::Composite { attributes }) => {
                    let mut columns = Vec::new();
                    for a in attributes {
                        columns.push(ColumnDef {
                            name: ident(&a.name),
                            ty: resolve_type(catalog, &a.data_type)?.0,
                            not_null: false,
                            has_default: false,
                        });
                    }
                    UserTypeDef::Composite(columns)
                }
                _ => return Ok(()),
            };
            catalog
                .types
                .insert((schema.clone(), name), UserType { schema, def });
        }
        Statement::AlterType(alter) => {
            let (schema, name) = object_name(&alter.name);
            let key = (schema, name.clone());
            let Some(user_type) = catalog.types.get_mut(&key) else {
                return Err(format!("unknown type `{name}`"));
            };
            match alter.operation {
                AlterTypeOperation::Rename(rename) => {
                    let t = catalog.types.remove(&key).expect("present");
                    let new_name = ident(&rename.new_name);
                    rename_type_uses(catalog, &name, &new_name);
                    catalog.types.insert((key.0, new_name), t);
                }
                AlterTypeOperation::AddValue(add) => {
                    if let UserTypeDef::Enum(labels) = &mut user_type.def {
                        let value = add.value.value.clone();
                        if labels.contains(&value) {
                            if add.if_not_exists {
                                return Ok(());
                            }
                            return Err(format!("enum label `{value}` already exists"));
                        }
                        let at = match &add.position {
                            Some(AlterTypeAddValuePosition::Before(l)) => {
                                labels.iter().position(|x| *x == l.value)
                            }
                            Some(AlterTypeAddValuePosition::After(l)) => {
                                labels.iter().position(|x| *x == l.value).map(|i| i + 1)
                            }
                            None => None,
                        };
                        labels.insert(at.unwrap_or(labels.len()), value);
                    }
                }
                AlterTypeOperation::RenameValue(rename) => {
                    if let UserTypeDef::Enum(labels) = &mut user_type.def {
                        for l in labels.iter_mut() {
                            if *l == rename.from.value {
                                *l = rename.to.value.clone();
                            }
                        }
                    }
                }
            }
        }
        Statement::CreateDomain(domain) => {
            let (schema, name) = object_name(&domain.name);
            let (base, _) = resolve_type(catalog, &domain.data_type)?;
            let base = catalog.base_type(&base);
            let written = domain.to_string().to_ascii_uppercase();
            let not_null = written.contains("NOT NULL");
            catalog.types.insert(
                (schema.clone(), name),
                UserType {
                    schema,
                    def: UserTypeDef::Domain { base, not_null },
                },
            );
        }
        Statement::CreateView(view) => {
            let (schema, name) = object_name(&view.name);
            let mut columns = typer.output_columns(catalog, &view.query)?;
            for (column, alias) in columns.iter_mut().zip(&view.columns) {
                column.name = ident(&alias.name);
            }
            catalog.relations.insert(
                (schema.clone(), name.clone()),
                Relation {
                    schema,
                    name,
                    kind: if view.materialized {
                        RelationKind::MaterializedView
                    } else {
                        RelationKind::View
                    },
                    columns,
                },
            );
        }
        Statement::CreateFunction(f) => {
            let (schema, name) = object_name(&f.name);
            let (args, defaults, variadic) =
                function_args(catalog, f.args.as_deref().unwrap_or(&[]));
            let mut out_columns = Vec::new();
            for arg in f.args.iter().flatten() {
                if matches!(arg.mode, Some(ArgMode::Out | ArgMode::InOut))
                    && let Ok((ty, _)) = resolve_type(catalog, &arg.data_type)
                {
                    out_columns.push(ColumnDef {
                        name: arg
                            .name
                            .as_ref()
                            .map(ident)
                            .unwrap_or_else(|| "column".into()),
                        ty,
                        not_null: false,
                        has_default: false,
                    });
                }
            }
            let (mut returns, mut returns_set) = (Ty::new("void"), false);
            match &f.return_type {
                Some(FunctionReturnType::DataType(DataType::Table(Some(columns))))
                | Some(FunctionReturnType::SetOf(DataType::Table(Some(columns)))) => {
                    returns_set = true;
                    for c in columns {
                        if let Ok((ty, _)) = resolve_type(catalog, &c.data_type) {
                            out_columns.push(ColumnDef {
                                name: ident(&c.name),
                                ty,
                                not_null: false,
                                has_default: false,
                            });
                        }
                    }
                }
                Some(FunctionReturnType::DataType(t)) => {
                    returns = resolve_type(catalog, t)
                        .map(|t| t.0)
                        .unwrap_or(Ty::new("record"));
                }
                Some(FunctionReturnType::SetOf(t)) => {
                    returns = resolve_type(catalog, t)
                        .map(|t| t.0)
                        .unwrap_or(Ty::new("record"));
                    returns_set = true;
                }
                None => {
                    if !out_columns.is_empty() {
                        returns = Ty::new("record");
                    }
                }
            }
            if out_columns.len() == 1 {
                returns = out_columns[0].ty.clone();
            } else if out_columns.len() > 1 {
                returns = Ty::new("record");
            }
            catalog
                .functions
                .retain(|g| !(g.schema == schema && g.name == name && g.args == args));
            catalog.functions.push(UserFunction {
                schema,
                name,
                arg_names: function_arg_names(f.args.as_deref().unwrap_or(&[])),
                args,
                defaults,
                variadic,
                returns,
                returns_set,
                out_columns,
                procedure: false,
            });
        }
        Statement::CreateSequence { name, .. } => {
            catalog.sequences.push(object_name(&name));
        }
        _ => {}
    }
    Ok(())
}

/// The domains information_schema's columns are declared with (PostgreSQL reports these
/// names when it describes such a column).
fn information_schema_domains(catalog: &mut Catalog) {
    for (name, base) in [
        ("cardinal_number", "int4"),
        ("character_data", "varchar"),
        ("sql_identifier", "name"),
        ("time_stamp", "timestamptz"),
        ("yes_or_no", "varchar"),
    ] {
        catalog.types.insert(
            ("information_schema".to_string(), name.to_string()),
            UserType {
                schema: "information_schema".to_string(),
                def: UserTypeDef::Domain {
                    base: Ty::new(base),
                    not_null: false,
                },
            },
        );
    }
}

fn rename_type_uses(catalog: &mut Catalog, old: &str, new: &str) {
    for relation in catalog.relations.values_mut() {
        for c in &mut relation.columns {
            if c.ty.name == old {
                c.ty.name = new.to_string();
            }
        }
    }
}

fn function_arg_names(args: &[sqlparser::ast::OperateFunctionArg]) -> Vec<String> {
    args.iter()
        .filter(|arg| !matches!(arg.mode, Some(ArgMode::Out)))
        .map(|arg| arg.name.as_ref().map(ident).unwrap_or_default())
        .collect()
}

fn function_args(
    catalog: &Catalog,
    args: &[sqlparser::ast::OperateFunctionArg],
) -> (Vec<Ty>, usize, bool) {
    let mut types = Vec::new();
    let mut defaults = 0;
    let mut variadic = false;
    for arg in args {
        if matches!(arg.mode, Some(ArgMode::Out)) {
            continue;
        }
        let ty = resolve_type(catalog, &arg.data_type)
            .map(|t| t.0)
            .unwrap_or(Ty::new("unknown"));
        if arg.default_expr.is_some() {
            defaults += 1;
        }
        if matches!(arg.mode, Some(ArgMode::Variadic)) {
            variadic = true;
        }
        types.push(ty);
    }
    (types, defaults, variadic)
}

fn alter_table(
    catalog: &mut Catalog,
    key: &(String, String),
    operation: AlterTableOperation,
) -> Result<(), String> {
    let resolved = match &operation {
        AlterTableOperation::AddColumn { column_def, .. } => {
            Some(resolve_type(catalog, &column_def.data_type)?)
        }
        AlterTableOperation::AlterColumn {
            op: AlterColumnOperation::SetDataType { data_type, .. },
            ..
        } => Some(resolve_type(catalog, data_type)?),
        _ => None,
    };
    let relation = catalog.relations.get_mut(key).expect("checked by caller");
    match operation {
        AlterTableOperation::AddColumn {
            column_def,
            if_not_exists,
            ..
        } => {
            let name = ident(&column_def.name);
            if relation.columns.iter().any(|c| c.name == name) {
                if if_not_exists {
                    return Ok(());
                }
                return Err(format!("column `{name}` already exists"));
            }
            let (ty, serial) = resolved.expect("resolved above");
            if serial || column_def.options.iter().any(|o| is_identity(&o.option)) {
                let (schema, table) = key.clone();
                add_owned_sequence(catalog, &schema, &table, &name);
            }
            let relation = catalog.relations.get_mut(key).expect("checked by caller");
            let mut def = ColumnDef {
                name,
                ty,
                not_null: serial,
                has_default: serial,
            };
            for option in &column_def.options {
                match &option.option {
                    ColumnOption::NotNull | ColumnOption::PrimaryKey(_) => def.not_null = true,
                    ColumnOption::Default(_) => def.has_default = true,
                    ColumnOption::Generated { .. } | ColumnOption::Identity(_) => {
                        def.has_default = true
                    }
                    _ => {}
                }
            }
            relation.columns.push(def);
        }
        AlterTableOperation::DropColumn {
            column_names,
            if_exists,
            ..
        } => {
            for column in column_names {
                let name = ident(&column);
                let before = relation.columns.len();
                relation.columns.retain(|c| c.name != name);
                if before == relation.columns.len() && !if_exists {
                    return Err(format!("column `{name}` does not exist"));
                }
            }
        }
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => {
            let old = ident(&old_column_name);
            let column = relation
                .columns
                .iter_mut()
                .find(|c| c.name == old)
                .ok_or_else(|| format!("column `{old}` does not exist"))?;
            column.name = ident(&new_column_name);
        }
        AlterTableOperation::RenameTable { table_name } => {
            let new = match table_name {
                sqlparser::ast::RenameTableNameKind::As(n)
                | sqlparser::ast::RenameTableNameKind::To(n) => n,
            };
            let (_, new_name) = object_name(&new);
            let mut relation = catalog.relations.remove(key).expect("present");
            relation.name = new_name.clone();
            catalog
                .relations
                .insert((key.0.clone(), new_name), relation);
        }
        AlterTableOperation::AlterColumn { column_name, op } => {
            let name = ident(&column_name);
            let column = relation
                .columns
                .iter_mut()
                .find(|c| c.name == name)
                .ok_or_else(|| format!("column `{name}` does not exist"))?;
            match op {
                AlterColumnOperation::SetNotNull => column.not_null = true,
                AlterColumnOperation::DropNotNull => column.not_null = false,
                AlterColumnOperation::SetDefault { .. } => column.has_default = true,
                AlterColumnOperation::DropDefault => column.has_default = false,
                AlterColumnOperation::SetDataType { .. } => {
                    column.ty = resolved.expect("resolved above").0;
                }
                AlterColumnOperation::AddGenerated { .. } => {
                    column.has_default = true;
                    column.not_null = true;
                }
            }
        }
        AlterTableOperation::AddConstraint {
            constraint: TableConstraint::PrimaryKey(pk),
            ..
        } => {
            for index_column in &pk.columns {
                let key = normalize_ident(&index_column.column.expr.to_string());
                if let Some(c) = relation.columns.iter_mut().find(|c| c.name == key) {
                    c.not_null = true;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::replay;
    use crate::source::SqlFile;

    fn catalog_of(text: &str) -> crate::catalog::Catalog {
        let file = SqlFile {
            path: "V1__schema.sql".into(),
            file_name: "V1__schema.sql".into(),
            text: text.into(),
        };
        let (catalog, diagnostics) = replay(&[file], &crate::infer::Typer);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        catalog
    }

    #[test]
    fn like_elements_copy_columns_in_place() {
        let catalog = catalog_of(
            "CREATE TABLE a (x int4 NOT NULL, y text DEFAULT 'y');\n\
             CREATE TABLE b (id int8 NOT NULL, LIKE a INCLUDING ALL, z bool);\n\
             CREATE TABLE c (LIKE a EXCLUDING DEFAULTS);\n\
             CREATE SEQUENCE s START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;",
        );
        let columns = |t: &str| -> Vec<(String, bool, bool)> {
            catalog
                .relation(None, t)
                .expect(t)
                .columns
                .iter()
                .map(|c| (c.name.clone(), c.not_null, c.has_default))
                .collect()
        };
        let named = |n: &str, not_null, default| (n.to_string(), not_null, default);
        assert_eq!(
            columns("b"),
            [
                named("id", true, false),
                named("x", true, false),
                named("y", false, true),
                named("z", false, false)
            ]
        );
        assert_eq!(
            columns("c"),
            [named("x", true, false), named("y", false, false)]
        );
        assert!(catalog.sequences.contains(&("public".into(), "s".into())));
    }

    #[test]
    fn serial_and_identity_columns_own_sequences() {
        let long = "a".repeat(40);
        let catalog = catalog_of(&format!(
            "CREATE TABLE t (id serial, n bigint GENERATED ALWAYS AS IDENTITY, g int GENERATED ALWAYS AS (1) STORED);\n\
             CREATE SEQUENCE u_id_seq;\n\
             CREATE TABLE u (id bigserial);\n\
             CREATE TABLE {long} ({long} serial);\n\
             CREATE TABLE gone (id serial);\n\
             DROP TABLE gone;\n\
             ALTER TABLE t ADD COLUMN k smallserial;"
        ));
        let has = |n: &str| catalog.sequences.contains(&("public".into(), n.into()));
        assert!(has("t_id_seq") && has("t_n_seq") && has("t_k_seq") && !has("t_g_seq"));
        assert!(has("u_id_seq") && has("u_id_seq1"));
        assert!(has(&format!("{}_{}_seq", "a".repeat(29), "a".repeat(29))));
        assert!(!has("gone_id_seq"));
    }
}

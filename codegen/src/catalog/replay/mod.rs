//! Replays migration files, statement by statement, into a `Catalog`: splits each file,
//! reads the changes sqlparser cannot (`crate::syntax::ddl`), parses the rest, and hands
//! each change to the module of its object kind.

mod do_block;
mod drops;
mod renames;
mod routines;
mod sequences;
mod tables;
mod types;
mod views;

use sqlparser::ast::Statement;

use super::{Catalog, QueryTyper};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SqlFile;
use crate::syntax::ddl::{SchemaChangeText, changes_catalog, schema_change_text};
use crate::syntax::split::split_statements;

/// What a warning about a statement the replay could not apply says.
const REPLAY_HELP: &str = "PostgreSQL accepts this statement, but pgbake cannot follow its effect on the schema yet: a query that uses what it changes may fail to type; please report it";

/// Replays migrations (already in version order) into a catalog. Every statement that
/// changes tables, types or views and cannot be followed is a warning, never an error:
/// PostgreSQL accepts it (the migration check holds the grammar), and a query that needs
/// what it changed fails on its own, so a build without such queries is not stopped.
pub fn replay(migrations: &[SqlFile], typer: &dyn QueryTyper) -> (Catalog, Vec<Diagnostic>) {
    let mut catalog = Catalog::default();
    types::add_information_schema_domains(&mut catalog);
    let mut diagnostics = Vec::new();
    // Once a statement PostgreSQL rejects was skipped, what it would have created is
    // missing: later statements that name it are its consequences, not new problems.
    let mut schema_incomplete = false;
    for file in migrations {
        let statements = match split_statements(&file.text) {
            Ok(statements) => statements,
            Err(unterminated) => {
                diagnostics.push(
                    Diagnostic::at(
                        Code::Unterminated,
                        &file.path,
                        file.text.clone(),
                        unterminated.offset,
                        1,
                        format!("unterminated {}", unterminated.what),
                    )
                    .with_help("close it"),
                );
                continue;
            }
        };
        for statement in statements {
            // A statement PostgreSQL's grammar rejects is reported by the migration check;
            // the replay skips it rather than report it again.
            if crate::syntax::grammar::check_grammar(statement.text).is_err() {
                schema_incomplete = true;
                continue;
            }
            if let Some(block) = crate::syntax::do_block::do_block(statement.text) {
                diagnostics.extend(do_block::replay(
                    &mut catalog,
                    typer,
                    file,
                    &statement,
                    &block,
                ));
                continue;
            }
            if let Err(message) = apply_text(&mut catalog, typer, statement.text)
                && !(schema_incomplete && names_a_missing_object(&message))
            {
                let first_line_length = statement.text.find('\n').unwrap_or(statement.text.len());
                diagnostics.push(
                    Diagnostic::at(
                        Code::Replay,
                        &file.path,
                        file.text.clone(),
                        statement.offset,
                        first_line_length,
                        message,
                    )
                    .with_help(REPLAY_HELP)
                    .as_warning(),
                );
            }
        }
    }
    (catalog, diagnostics)
}

/// Whether a replay message is about an object the catalog does not have.
fn names_a_missing_object(message: &str) -> bool {
    message.starts_with("unknown ") || message.contains("does not exist")
}

/// Applies one statement's text to the catalog.
pub(super) fn apply_text(
    catalog: &mut Catalog,
    typer: &dyn QueryTyper,
    text: &str,
) -> Result<(), String> {
    if crate::syntax::grammar::alters_only_constraint_checking(text) {
        return Ok(());
    }
    if let Some(rest) = crate::syntax::grammar::without_constraint_checking_commands(text) {
        return apply_text(catalog, typer, &rest);
    }
    if let Some((name, action)) = crate::syntax::alter_text::alter_domain_text(text) {
        types::alter_domain(catalog, &name, action);
        return Ok(());
    }
    if let Some((name, action)) = crate::syntax::alter_text::alter_attribute_text(text) {
        return types::alter_attribute(catalog, &name, action);
    }
    if let Some(change) = schema_change_text(text)
        && let Some(result) = apply_schema_change_text(catalog, typer, change)
    {
        return result;
    }
    match parse_or_explain(text, "schema change") {
        Ok(statements) => statements
            .into_iter()
            .try_for_each(|statement| apply(catalog, typer, statement)),
        Err(message) if changes_catalog(text) => Err(message),
        Err(_) => Ok(()),
    }
}

/// Parses a schema change; the error says what could not be read, with the parser's
/// message (`cannot read this domain: sql parser error: …`).
fn parse_or_explain(text: &str, what: &str) -> Result<Vec<Statement>, String> {
    crate::syntax::parse(text).map_err(|e| format!("cannot read this {what}: {}", e.rendered))
}

/// Applies a change read from its text. `None` when its rewritten text does not read as
/// that change after all (the statement is then parsed as written).
fn apply_schema_change_text(
    catalog: &mut Catalog,
    typer: &dyn QueryTyper,
    change: SchemaChangeText,
) -> Option<Result<(), String>> {
    match change {
        SchemaChangeText::SetSchema {
            object,
            if_exists,
            name,
            new_schema,
        } => Some(renames::set_schema(
            catalog, object, if_exists, name, new_schema,
        )),
        SchemaChangeText::RenameView {
            if_exists,
            name,
            new_name,
        } => Some(renames::rename_view(catalog, if_exists, name, new_name)),
        SchemaChangeText::AlterMaterializedView => Some(Ok(())),
        SchemaChangeText::CreateMaterializedView { view_text } => {
            Some(views::create_materialized_view(catalog, typer, &view_text))
        }
        SchemaChangeText::DropMaterializedView { drop_text } => {
            let statements = crate::syntax::parse(&drop_text).ok()?;
            Some(
                statements
                    .into_iter()
                    .try_for_each(|statement| apply(catalog, typer, statement)),
            )
        }
        SchemaChangeText::CreateDomain {
            domain_text,
            not_null,
        } => Some(types::create_domain_text(catalog, &domain_text, not_null)),
        SchemaChangeText::CreateProcedure { function_text } => {
            routines::create_procedure(catalog, &function_text);
            Some(Ok(()))
        }
        SchemaChangeText::CreateSequence { name } => {
            if let Some(name) = name {
                sequences::create_sequence(catalog, name.in_public());
            }
            Some(Ok(()))
        }
        SchemaChangeText::CreateTableLike { table_text, likes } => {
            tables::create_table_like(catalog, typer, &table_text, likes)
        }
    }
}

/// Applies one parsed statement; statements that change nothing the catalog holds are
/// skipped.
fn apply(
    catalog: &mut Catalog,
    typer: &dyn QueryTyper,
    statement: Statement,
) -> Result<(), String> {
    match statement {
        Statement::CreateTable(create) => tables::create_table(catalog, typer, &create),
        Statement::AlterTable(alter) => tables::alter_table(catalog, alter),
        Statement::Drop {
            object_type,
            if_exists,
            names,
            ..
        } => drops::drop_objects(catalog, object_type, if_exists, &names),
        Statement::CreateType {
            name,
            representation,
        } => types::create_type(catalog, &name, representation),
        Statement::AlterType(alter) => types::alter_type(catalog, alter),
        Statement::CreateDomain(domain) => types::create_domain(catalog, &domain, false),
        Statement::CreateView(view) => views::create_view(catalog, typer, &view),
        Statement::CreateFunction(function) => {
            routines::create_function(catalog, &function);
            Ok(())
        }
        Statement::CreateSequence { name, .. } => {
            sequences::create_sequence(catalog, super::object_name(&name));
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::replay;
    use crate::catalog::{Catalog, ColumnDef, QueryTyper};
    use crate::source::SqlFile;

    /// These tests create no views, so the catalog is tested without inference.
    struct NoViews;

    impl QueryTyper for NoViews {
        fn output_columns(
            &self,
            _catalog: &Catalog,
            _query: &sqlparser::ast::Query,
        ) -> Result<Vec<ColumnDef>, String> {
            Err("these tests type no queries".into())
        }
    }

    fn catalog_of(text: &str) -> Catalog {
        let file = SqlFile {
            path: "V1__schema.sql".into(),
            file_name: "V1__schema.sql".into(),
            text: text.into(),
        };
        let (catalog, diagnostics) = replay(&[file], &NoViews);
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

    #[test]
    fn an_identity_column_is_not_null_however_it_is_added() {
        // PostgreSQL 15: `attnotnull` is true for all three (an identity column is
        // implicitly NOT NULL); a serial column too, a stored generated column not.
        let catalog = catalog_of(
            "CREATE TABLE t (a int GENERATED BY DEFAULT AS IDENTITY);\n\
             ALTER TABLE t ADD COLUMN b bigint GENERATED ALWAYS AS IDENTITY;\n\
             ALTER TABLE t ADD COLUMN IF NOT EXISTS c int GENERATED BY DEFAULT AS IDENTITY (START WITH 10);\n\
             ALTER TABLE t ADD COLUMN d serial;\n\
             ALTER TABLE t ADD COLUMN e int GENERATED ALWAYS AS (1) STORED;",
        );
        let table = catalog.relation(None, "t").expect("t");
        let not_null: Vec<(&str, bool)> = (table.columns.iter())
            .map(|c| (c.name.as_str(), c.not_null))
            .collect();
        assert_eq!(
            not_null,
            [
                ("a", true),
                ("b", true),
                ("c", true),
                ("d", true),
                ("e", false)
            ]
        );
    }

    #[test]
    fn only_a_not_null_constraint_makes_a_not_null_domain() {
        let catalog = catalog_of(
            "CREATE DOMAIN plain_not_null AS text NOT NULL;\n\
             CREATE DOMAIN named_not_null AS int4 CONSTRAINT positive_nn NOT NULL CHECK (VALUE > 0);\n\
             CREATE DOMAIN checked AS text CHECK (VALUE IS NOT NULL);\n\
             CREATE DOMAIN checked_on_two_lines AS text CHECK (VALUE IS\nNOT NULL AND VALUE <> '');",
        );
        let not_null = |name: &str| match catalog.user_type(None, name).map(|t| &t.def) {
            Some(crate::catalog::UserTypeDef::Domain { not_null, .. }) => *not_null,
            other => panic!("{name}: {other:?}"),
        };
        assert!(not_null("plain_not_null"));
        assert!(not_null("named_not_null"));
        assert!(!not_null("checked"));
        assert!(!not_null("checked_on_two_lines"));
    }
}

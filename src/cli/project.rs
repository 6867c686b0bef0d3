//! The project a command works on: its `sql/` folder, and its migrations — embedded in the
//! binary (`main_with(MIGRATIONS)`) or read from `sql/migrations/` on disk with the same
//! checks as `cargo build` (the installed `pgbake` command).

use std::path::{Path, PathBuf};

use pgbake_codegen::{Migration, Script, Severity};

use crate::{EmbeddedMigration, EmbeddedScript};

/// Where the migrations of a command come from.
#[derive(Debug, Clone)]
pub struct Project {
    /// The `sql/` folder: `migrations/`, `queries/`, `seeds/`.
    pub sql: PathBuf,
    /// The set compiled into this binary, when there is one.
    embedded: Option<&'static [EmbeddedMigration]>,
}

impl Project {
    pub fn new(sql: PathBuf, embedded: Option<&'static [EmbeddedMigration]>) -> Project {
        Project { sql, embedded }
    }

    /// The migrations: the embedded set, or `sql/migrations/` read and checked now.
    pub fn migrations(&self) -> anyhow::Result<&'static [EmbeddedMigration]> {
        match self.embedded {
            Some(migrations) => Ok(migrations),
            None => read_migrations(&self.sql),
        }
    }

    /// Whether the migrations are compiled into the binary (a new file needs a rebuild).
    pub fn is_embedded(&self) -> bool {
        self.embedded.is_some()
    }

    /// `sql/seeds/`.
    pub fn seeds(&self) -> PathBuf {
        self.sql.join("seeds")
    }
}

/// Reads `sql_dir` with pgbake-codegen, as a build script would: any error the build would
/// report is reported here and nothing runs.
pub fn read_migrations(sql_dir: &Path) -> anyhow::Result<&'static [EmbeddedMigration]> {
    let folder = sql_dir.join("migrations");
    if !folder.is_dir() {
        anyhow::bail!(
            "no migrations folder at {}: run pgbake in your project's folder (the one holding sql/migrations/), \
             or pass --sql DIR",
            folder.display()
        );
    }
    let analysis = pgbake_codegen::Builder::new(sql_dir).analyze();
    let errors: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        for diagnostic in &errors {
            super::err(format_args!("{}", diagnostic.render()));
        }
        anyhow::bail!(
            "{} problem(s) in {} (the same ones `cargo build` would refuse); fix them and run the command again; \
             nothing was changed",
            errors.len(),
            sql_dir.display()
        );
    }
    if !analysis.lints.is_empty() {
        super::err(format_args!(
            "warning: {} migration lint finding(s) in {}; `pgbake lint` lists them\n",
            analysis.lints.len(),
            sql_dir.display()
        ));
    }
    let migrations: Vec<EmbeddedMigration> = analysis.migrations.iter().map(embed).collect();
    Ok(Box::leak(migrations.into_boxed_slice()))
}

/// A checked migration as the build would embed it (the command runs once, so leaking is fine).
fn embed(migration: &Migration) -> EmbeddedMigration {
    EmbeddedMigration {
        version: migration.version,
        name: leak(&migration.name),
        up: script(&migration.up),
        down: migration.down.as_ref().map(script),
    }
}

fn script(script: &Script) -> EmbeddedScript {
    // Statements are only needed when they run one by one, outside a transaction.
    let statements: Vec<&'static str> = if script.no_transaction {
        script.statements.iter().map(|s| leak(s)).collect()
    } else {
        Vec::new()
    };
    EmbeddedScript {
        sql: leak(&script.text),
        no_transaction: script.no_transaction,
        statements: Box::leak(statements.into_boxed_slice()),
    }
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

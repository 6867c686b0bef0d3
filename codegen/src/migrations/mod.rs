//! Migration files: naming and ordering rules, the no-transaction marker, and what is embedded.

mod naming;
mod transaction;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use naming::{
    Direction, MigrationName, NameError, migration_file_name, parse_migration_file_name,
    suggest_name, validate_name,
};
pub use transaction::{NO_TRANSACTION_MARKER, has_no_transaction_marker, non_transactional};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::SqlFile;
use crate::syntax::split::split_statements;

/// A checked migration, ready to embed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Migration {
    /// The version from the file name.
    pub version: i64,
    /// The name from the file name.
    pub name: String,
    /// The up script.
    pub up: Script,
    /// The revert script, when there is one.
    pub down: Option<Script>,
}

/// One script (up or down) of a migration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Script {
    /// Path shown to the user.
    pub path: String,
    /// Normalised text (no BOM, LF line ends): what runs and what the checksum covers.
    pub text: Arc<str>,
    /// Whether the first line is `-- pgbake:no-transaction`.
    pub no_transaction: bool,
    /// The statements, one by one (run separately when `no_transaction`).
    pub statements: Vec<String>,
}

/// Whether a script holds at least one SQL statement: `false` for a file of only whitespace
/// and comments, which the build refuses as an empty migration. Text with an unterminated
/// quote or comment counts as holding one (the build reports it as unterminated instead).
pub fn has_statements(text: &str) -> bool {
    split_statements(text).map_or(true, |statements| !statements.is_empty())
}

/// Checks every file of `sql/migrations/` and returns the migrations in version order.
/// Every problem is a diagnostic; a file with a problem is never embedded.
pub fn check(files: &[SqlFile]) -> (Vec<Migration>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut ups: BTreeMap<i64, Vec<(MigrationName, Script)>> = BTreeMap::new();
    let mut downs: BTreeMap<i64, Vec<(MigrationName, Script)>> = BTreeMap::new();

    for file in files {
        let parsed = match parse_migration_file_name(&file.file_name) {
            Ok(parsed) => parsed,
            Err(error) => {
                diagnostics.push(
                    Diagnostic::file(Code::MigrationName, &file.path, error.to_string())
                        .with_help(error.help()),
                );
                continue;
            }
        };
        let Some(script) = check_script(file, &mut diagnostics) else {
            continue;
        };
        let target = match parsed.direction {
            Direction::Up => &mut ups,
            Direction::Down => &mut downs,
        };
        target
            .entry(parsed.version)
            .or_default()
            .push((parsed, script));
    }

    for (version, entries) in ups.iter().chain(downs.iter()) {
        if entries.len() > 1 {
            let paths: Vec<&str> = entries.iter().map(|(_, s)| s.path.as_str()).collect();
            for (_, script) in entries {
                diagnostics.push(
                    Diagnostic::file(
                        Code::DuplicateVersion,
                        &script.path,
                        format!("duplicate migration version {version}: {}", paths.join(", ")),
                    )
                    .with_help("give each migration its own version; `pgbake migrate new <name>` picks a fresh one"),
                );
            }
        }
    }

    for (version, entries) in &downs {
        for (name, script) in entries {
            match ups.get(version) {
                None => diagnostics.push(
                    Diagnostic::file(
                        Code::OrphanDownScript,
                        &script.path,
                        format!("down script without an up script for version {version}"),
                    )
                    .with_help(format!(
                        "add `{}` or delete this file",
                        migration_file_name(*version, &name.name, Direction::Up)
                    )),
                ),
                Some(up) if up.len() == 1 && up[0].0.name != name.name => diagnostics.push(
                    Diagnostic::file(
                        Code::OrphanDownScript,
                        &script.path,
                        format!(
                            "down script is named `{}` but its up script is `{}`",
                            name.name, up[0].1.path
                        ),
                    )
                    .with_help(format!(
                        "rename it `{}`",
                        migration_file_name(*version, &up[0].0.name, Direction::Down)
                    )),
                ),
                Some(_) => {}
            }
        }
    }

    let mut migrations = Vec::new();
    for (version, mut entries) in ups {
        if entries.len() != 1 {
            continue;
        }
        let (name, up) = entries.remove(0);
        let down = downs
            .get_mut(&version)
            .filter(|d| d.len() == 1 && d[0].0.name == name.name)
            .map(|d| d.remove(0).1);
        migrations.push(Migration {
            version,
            name: name.name,
            up,
            down,
        });
    }
    (migrations, diagnostics)
}

/// Checks the contents of one script: not empty, splittable, every statement accepted by
/// PostgreSQL's grammar, transaction-safe unless marked.
fn check_script(file: &SqlFile, diagnostics: &mut Vec<Diagnostic>) -> Option<Script> {
    let text = file.text.clone();
    let at = |code: Code, offset: usize, length: usize, message: String| {
        Diagnostic::at(code, &file.path, text.clone(), offset, length, message)
    };
    let statements = match split_statements(&text) {
        Ok(statements) => statements,
        Err(open) => {
            diagnostics.push(
                at(
                    Code::Unterminated,
                    open.offset,
                    1,
                    format!("unterminated {}", open.what),
                )
                .with_help("close it; everything after this point would be swallowed"),
            );
            return None;
        }
    };
    if statements.is_empty() {
        diagnostics.push(
            Diagnostic::file(
                Code::EmptyMigration,
                &file.path,
                "migration file is empty (no SQL statement)",
            )
            .with_help("add the migration's SQL, or delete the file"),
        );
        return None;
    }
    let no_transaction = has_no_transaction_marker(&text);
    let mut ok = true;
    for statement in &statements {
        if let Err(error) = crate::syntax::grammar::check_grammar(statement.text) {
            diagnostics.push(
                at(
                    Code::Syntax,
                    statement.offset + error.offset,
                    error.length,
                    error.message,
                )
                .with_help(error.hint),
            );
            ok = false;
        }
    }
    if let Some(offset) = transaction::misplaced_marker(&text) {
        diagnostics.push(
            at(
                Code::MisplacedMarker,
                offset,
                NO_TRANSACTION_MARKER.len(),
                "`-- pgbake:no-transaction` is only read on the first line".into(),
            )
            .with_help("move it to the first line of the file"),
        );
        ok = false;
    }
    if !no_transaction {
        for statement in &statements {
            if let Some(what) = non_transactional(statement) {
                let length = statement.text.len().min(60);
                let diagnostic = if what.contains("transaction control") {
                    at(Code::TransactionControl, statement.offset, length, format!("{} in a migration", what.replace(" (transaction control)", "")))
                        .with_help(
                            "remove it: pgbake already runs each migration in a transaction of its own, with its history row",
                        )
                } else {
                    at(Code::NeedsNoTransaction, statement.offset, length, format!("{what} cannot run inside a transaction")).with_help(format!(
                        "put `{NO_TRANSACTION_MARKER}` on the first line and keep this statement in a migration of its own"
                    ))
                };
                diagnostics.push(diagnostic);
                ok = false;
            }
        }
    }
    ok.then(|| Script {
        path: file.path.clone(),
        text: text.clone(),
        no_transaction,
        statements: statements.iter().map(|s| s.text.to_string()).collect(),
    })
}

//! Schema-first migrations: the schema `sql/schema/` declares, the schema `sql/migrations/`
//! leave, the differences between them, and the migration files that turn one into the other
//! safely on a live database. No database is involved.

mod compare;
mod load;
mod load_types;
mod model;
mod objects;
mod render;
mod table_diff;
mod type_diff;

pub use compare::{DiffOptions, Refusal, compare};
pub use load::LoadError;
pub use model::{Domain, Schema, UserType};
pub use render::{PlannedFile, plan_files};

use std::path::Path;

use crate::source::normalize_text;

/// Why a schema folder could not be read or compared.
#[derive(Debug)]
pub enum SchemaError {
    /// A file could not be read.
    Read {
        /// The file or folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Statements that could not be applied.
    Statements(Vec<LoadError>),
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaError::Read { path, source } => write!(f, "cannot read {path}: {source}"),
            SchemaError::Statements(errors) => f.write_str(&render_load_errors(errors)),
        }
    }
}

impl std::error::Error for SchemaError {}

fn render_load_errors(errors: &[LoadError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}:{}: `{}`: {}", e.file, e.line, e.statement, e.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The schema `sql_dir/migrations` leave (up scripts in version order) and the schema
/// `sql_dir/schema` declares (files in name order).
pub fn load_both(sql_dir: &Path) -> Result<(Schema, Schema), SchemaError> {
    let mut migrations: Vec<(i64, String, String)> = Vec::new();
    for (name, text) in read_sql_files(&sql_dir.join("migrations"))? {
        if name.ends_with(".down.sql") {
            continue;
        }
        if let Ok(parsed) = crate::parse_migration_file_name(&name) {
            migrations.push((parsed.version, name, text));
        }
    }
    migrations.sort();
    let mut errors = Vec::new();
    let mut old = Schema::default();
    for (_, name, text) in &migrations {
        errors.extend(load::apply_file(
            &mut old,
            &format!("migrations/{name}"),
            text,
        ));
    }
    let mut new = Schema::default();
    for (name, text) in read_sql_files(&sql_dir.join("schema"))? {
        errors.extend(load::apply_file(&mut new, &format!("schema/{name}"), &text));
    }
    if errors.is_empty() {
        Ok((old, new))
    } else {
        Err(SchemaError::Statements(errors))
    }
}

/// The `.sql` files of a folder, by name; a missing folder has none.
fn read_sql_files(dir: &Path) -> Result<Vec<(String, String)>, SchemaError> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(files);
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.ends_with(".sql") {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|source| SchemaError::Read {
            path: entry.path().display().to_string(),
            source,
        })?;
        let text = normalize_text(&bytes).map_err(|e| SchemaError::Read {
            path: entry.path().display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        })?;
        files.push((name, text));
    }
    files.sort();
    Ok(files)
}

/// The differences between what `sql_dir/migrations` leave and what `sql_dir/schema`
/// declares, one line each (empty when they agree). Refused changes are differences too.
pub fn differences(sql_dir: &Path) -> Result<Vec<String>, SchemaError> {
    let (old, new) = load_both(sql_dir)?;
    let options = DiffOptions {
        allow_drop: true,
        renames: Vec::new(),
    };
    Ok(match compare(&old, &new, &options) {
        Ok(steps) => steps
            .into_iter()
            .filter(|s| !s.description.is_empty() && !s.up.is_empty())
            .map(|s| s.description)
            .collect(),
        Err(refusals) => refusals.into_iter().map(|r| r.change).collect(),
    })
}

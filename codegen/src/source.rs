//! Walks the `sql/` folder: reads every file under `migrations/` and `queries/`, keeps the text for diagnostics.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic};

/// A readable UTF-8 file of the `sql/` folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlFile {
    /// Path as shown to the user (`sql/migrations/V1__init.sql`).
    pub path: String,
    /// File name (`V1__init.sql`).
    pub file_name: String,
    /// The text as stored, with a leading BOM removed and CRLF line ends turned into LF.
    pub text: Arc<str>,
}

/// Everything found under the `sql/` folder, sorted by file name.
#[derive(Debug, Default)]
pub struct SqlTree {
    /// Files in `migrations/` whose text could be read (naming is checked later).
    pub migrations: Vec<SqlFile>,
    /// Files in `queries/` ending in `.sql`.
    pub queries: Vec<SqlFile>,
    /// Unreadable files, stray files and folders.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads `sql_dir/migrations` and `sql_dir/queries`. A missing folder is an empty one.
pub fn scan(sql_dir: &Path) -> SqlTree {
    let mut tree = SqlTree::default();
    let migrations = read_folder(&sql_dir.join("migrations"), &mut tree.diagnostics);
    tree.migrations = migrations;
    let queries = read_folder(&sql_dir.join("queries"), &mut tree.diagnostics);
    for file in queries {
        if file.file_name.ends_with(".sql") {
            tree.queries.push(file);
        } else {
            tree.diagnostics.push(
                Diagnostic::file(
                    Code::StrayFile,
                    &file.path,
                    "stray file in the queries folder",
                )
                .with_help("query files are named `<module>.sql`; move or delete this file"),
            );
        }
    }
    tree
}

/// Turns raw bytes into the text pgbake works on: UTF-8, no BOM, LF line ends.
pub fn normalize_text(bytes: &[u8]) -> Result<String, std::str::Utf8Error> {
    let text = std::str::from_utf8(bytes)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(text.replace("\r\n", "\n"))
}

/// Path shown to the user for a file in `dir`.
pub fn display_path(dir: &Path, name: &str) -> String {
    let path: PathBuf = dir.join(name);
    path.to_string_lossy().replace('\\', "/")
}

fn read_folder(dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<SqlFile> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            diagnostics.push(Diagnostic::file(
                Code::UnreadableFile,
                display_path(dir, ""),
                format!("cannot read folder: {e}"),
            ));
            return Vec::new();
        }
    };
    let mut names: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                diagnostics.push(Diagnostic::file(
                    Code::UnreadableFile,
                    display_path(dir, ""),
                    format!("cannot list folder: {e}"),
                ));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        names.push((name, entry.path()));
    }
    names.sort();
    let mut files = Vec::new();
    for (name, path) in names {
        let shown = display_path(dir, &name);
        if name == ".gitkeep" {
            continue;
        }
        if path.is_dir() {
            diagnostics.push(
                Diagnostic::file(Code::StrayFile, &shown, "folders inside this folder are not read")
                    .with_help("keep every file directly in the folder; move the files up and delete the folder"),
            );
            continue;
        }
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                diagnostics.push(Diagnostic::file(
                    Code::UnreadableFile,
                    &shown,
                    format!("cannot read file: {e}"),
                ));
                continue;
            }
        };
        match normalize_text(&bytes) {
            Ok(text) => files.push(SqlFile {
                path: shown,
                file_name: name,
                text: Arc::from(text),
            }),
            Err(e) => diagnostics.push(
                Diagnostic::file(
                    Code::NotUtf8,
                    &shown,
                    format!(
                        "file is not valid UTF-8 (invalid byte at offset {})",
                        e.valid_up_to()
                    ),
                )
                .with_help("save the file as UTF-8"),
            ),
        }
    }
    files
}

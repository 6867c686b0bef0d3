//! The build pipeline: scan `sql/`, check migrations, type queries, write Rust into `OUT_DIR`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, render_all};
use crate::migrations::{self, Migration};
use crate::{describe, emit, ir, source};

/// Configures and runs the build-time engine; `build.rs` makes one call:
///
/// ```no_run
/// println!("cargo:rerun-if-changed=sql");
/// match pgbake_codegen::Builder::new("sql").build() {
///     Ok(report) => report.print_cargo_warnings(),
///     Err(error) => {
///         eprintln!("{error}");
///         std::process::exit(1);
///     }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    sql_dir: PathBuf,
    out_dir: Option<PathBuf>,
    deny_lints: bool,
    emit: emit::queries::EmitOptions,
}

/// What a successful build found and wrote.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// The checked migrations, in version order.
    pub migrations: Vec<Migration>,
    /// The typed queries.
    pub queries: Vec<ir::Query>,
    /// Generated files that changed on disk.
    pub written: Vec<PathBuf>,
    /// Migration lint findings (warnings; errors instead with [`Builder::deny_lints`]).
    pub lints: Vec<crate::lint::Finding>,
}

/// Everything wrong with the `sql/` folder, all found in one pass.
#[derive(Debug, Clone)]
pub struct BuildError {
    /// One entry per problem.
    pub diagnostics: Vec<Diagnostic>,
}

/// Everything the engine knows about a `sql/` folder, without writing anything.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Migrations that passed every check, in version order.
    pub migrations: Vec<Migration>,
    /// Queries that were typed.
    pub queries: Vec<ir::Query>,
    /// Every problem found.
    pub diagnostics: Vec<Diagnostic>,
    /// Migration lint findings.
    pub lints: Vec<crate::lint::Finding>,
}

impl Builder {
    /// A builder for the folder holding `migrations/` and `queries/` (usually `sql`).
    pub fn new(sql_dir: impl Into<PathBuf>) -> Self {
        Builder {
            sql_dir: sql_dir.into(),
            out_dir: None,
            deny_lints: false,
            emit: emit::queries::EmitOptions::default(),
        }
    }

    /// Derives `serde::Serialize` on generated row structs and enums (enable pgbake's
    /// `serde` feature too).
    pub fn serde(mut self, serde: bool) -> Self {
        self.emit.serde = serde;
        self
    }

    /// Turns migration lint findings into build errors (for CI). The default, `false`,
    /// reports them as warnings in [`BuildReport::lints`].
    pub fn deny_lints(mut self, deny: bool) -> Self {
        self.deny_lints = deny;
        self
    }

    /// Where to write `migrations.rs` and `queries.rs` (default: `$OUT_DIR`).
    pub fn out_dir(mut self, out_dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(out_dir.into());
        self
    }

    /// Checks the folder and returns what was found, writing nothing.
    pub fn analyze(&self) -> Analysis {
        analyze(&self.sql_dir)
    }

    /// Checks the folder and writes the generated files; any problem fails the whole build.
    pub fn build(&self) -> Result<BuildReport, BuildError> {
        let mut analysis = self.analyze();
        // What inference accepts but Rust code cannot express (duplicate column names,
        // types without a Rust mapping) is a build error, not a describe error.
        analysis
            .diagnostics
            .extend(emit::queries::check_emittable(&analysis.queries));
        if self.deny_lints {
            let lints = std::mem::take(&mut analysis.lints);
            analysis
                .diagnostics
                .extend(lints.into_iter().map(|finding| {
                    let mut diagnostic = finding.diagnostic;
                    diagnostic.severity = crate::error::Severity::Error;
                    diagnostic
                }));
        }
        if !analysis.diagnostics.is_empty() {
            return Err(BuildError {
                diagnostics: analysis.diagnostics,
            });
        }
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => match std::env::var_os("OUT_DIR") {
                Some(dir) => PathBuf::from(dir),
                None => {
                    return Err(BuildError {
                        diagnostics: vec![Diagnostic::file(
                            self.sql_dir.to_string_lossy(),
                            "OUT_DIR is not set: call `Builder::build` from a build script or set `Builder::out_dir`",
                        )],
                    });
                }
            },
        };
        let files = [
            (
                "migrations.rs",
                emit::migrations::emit_migrations(&analysis.migrations),
            ),
            (
                "queries.rs",
                emit::queries::emit_queries(&analysis.queries, &self.emit),
            ),
        ];
        let mut written = Vec::new();
        for (name, contents) in files {
            let path = out_dir.join(name);
            match emit::write_if_changed(&path, &contents) {
                Ok(true) => written.push(path),
                Ok(false) => {}
                Err(e) => {
                    return Err(BuildError {
                        diagnostics: vec![Diagnostic::file(
                            path.to_string_lossy(),
                            format!("cannot write generated file: {e}"),
                        )],
                    });
                }
            }
        }
        Ok(BuildReport {
            migrations: analysis.migrations,
            queries: analysis.queries,
            written,
            lints: analysis.lints,
        })
    }
}

/// Runs every check on `sql_dir` and collects all problems.
///
/// The work runs on a thread with a large stack: SQL nests without bound (a 20 000-term
/// sum is a 20 000-deep tree), and the parser and inference recurse over it. A panic in
/// the engine becomes a diagnostic instead of a crashed build.
pub fn analyze(sql_dir: &Path) -> Analysis {
    let dir = sql_dir.to_path_buf();
    let worker = std::thread::Builder::new()
        .name("pgbake-codegen".into())
        .stack_size(ANALYSIS_STACK_BYTES)
        .spawn(move || analyze_here(&dir));
    let outcome = match worker {
        Ok(handle) => handle.join(),
        Err(_) => Ok(analyze_here(sql_dir)),
    };
    outcome.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("unknown panic");
        Analysis {
            migrations: Vec::new(),
            queries: Vec::new(),
            diagnostics: vec![
                Diagnostic::file(
                    sql_dir.to_string_lossy(),
                    format!("pgbake-codegen crashed while reading this folder: {message}"),
                )
                .with_help(
                    "this is a bug in pgbake: please report it with the SQL that triggers it",
                ),
            ],
            lints: Vec::new(),
        }
    })
}

/// Stack for the analysis thread (only the pages used are committed).
const ANALYSIS_STACK_BYTES: usize = 1 << 30;

fn analyze_here(sql_dir: &Path) -> Analysis {
    let tree = source::scan(sql_dir);
    let mut diagnostics = tree.diagnostics;
    let (migrations, migration_diagnostics) = migrations::check(&tree.migrations);
    diagnostics.extend(migration_diagnostics);
    // The catalog is built from every readable up script with a valid name, in version
    // order — also from one that failed a content check (already reported above), so one
    // mistake does not turn into errors in every query that uses its tables.
    let mut up_scripts: Vec<(i64, &source::SqlFile)> = tree
        .migrations
        .iter()
        .filter_map(|file| {
            let name = migrations::parse_migration_file_name(&file.file_name).ok()?;
            (name.direction == migrations::Direction::Up).then_some((name.version, file))
        })
        .collect();
    up_scripts.sort_by(|a, b| (a.0, &a.1.file_name).cmp(&(b.0, &b.1.file_name)));
    let up_scripts: Vec<source::SqlFile> = up_scripts.into_iter().map(|(_, f)| f.clone()).collect();
    let (queries, query_diagnostics) = describe::analyze(&up_scripts, &tree.queries);
    diagnostics.extend(query_diagnostics);
    // A migration that failed a check is replayed too, so the catalog may report the same
    // problem again: keep the first report.
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| seen.insert((d.file.clone(), d.offset, d.message.clone())));
    let lints = crate::lint::lint_migrations(&migrations);
    Analysis {
        migrations,
        queries,
        diagnostics,
        lints,
    }
}

impl BuildReport {
    /// Prints each lint finding as a `cargo:warning` line (for build scripts).
    pub fn print_cargo_warnings(&self) {
        for finding in &self.lints {
            println!("cargo:warning={}", finding.one_line());
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render_all(&self.diagnostics))?;
        let count = self.diagnostics.len();
        write!(
            f,
            "pgbake: {count} problem{} in the sql/ folder; fix {} and build again",
            if count == 1 { "" } else { "s" },
            if count == 1 { "it" } else { "them" }
        )
    }
}

impl std::error::Error for BuildError {}

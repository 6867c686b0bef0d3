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
        }
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
            ("queries.rs", emit::queries::emit_queries(&analysis.queries)),
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
pub fn analyze(sql_dir: &Path) -> Analysis {
    let tree = source::scan(sql_dir);
    let mut diagnostics = tree.diagnostics;
    let (migrations, migration_diagnostics) = migrations::check(&tree.migrations);
    diagnostics.extend(migration_diagnostics);
    // The catalog is built from the up scripts, in version order.
    let up_scripts: Vec<source::SqlFile> = migrations
        .iter()
        .map(|m| source::SqlFile {
            path: m.up.path.clone(),
            file_name: m.up.path.rsplit('/').next().unwrap_or_default().to_string(),
            text: m.up.text.clone(),
        })
        .collect();
    let (queries, query_diagnostics) = describe::analyze(&up_scripts, &tree.queries);
    diagnostics.extend(query_diagnostics);
    // What describe accepts but Rust code cannot express (duplicate column names, types
    // without a Rust mapping) is a build error too.
    diagnostics.extend(emit::queries::check_emittable(&queries));
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

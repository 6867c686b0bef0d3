//! `Builder`: the options of a build and the writing of `OUT_DIR`; the work is `pipeline`'s.

use std::fmt;
use std::path::PathBuf;

use crate::diagnostic::{Code, Diagnostic, render_all};
use crate::migrations::Migration;
use crate::pipeline::Analysis;
use crate::{emit, ir};

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
    /// `None`: decided by `PGBAKE_LINT` when building.
    deny_lints: Option<bool>,
    check_schema: Option<bool>,
    lint_baseline: Option<i64>,
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
    /// Other warnings: migration statements PostgreSQL accepts whose effect the replay
    /// cannot follow (`replay`, `do-block`).
    pub warnings: Vec<Diagnostic>,
}

/// Everything wrong with the `sql/` folder, all found in one pass.
#[derive(Debug, Clone)]
pub struct BuildError {
    /// One entry per problem.
    pub diagnostics: Vec<Diagnostic>,
}

impl Builder {
    /// A builder for the folder holding `migrations/` and `queries/` (usually `sql`).
    pub fn new(sql_dir: impl Into<PathBuf>) -> Self {
        Builder {
            sql_dir: sql_dir.into(),
            out_dir: None,
            deny_lints: None,
            check_schema: None,
            lint_baseline: None,
            emit: emit::queries::EmitOptions::default(),
        }
    }

    /// Derives `serde::Serialize` on generated row structs and enums (enable pgbake's
    /// `serde` feature too).
    pub fn serde(mut self, serde: bool) -> Self {
        self.emit.serde = serde;
        self
    }

    /// Turns migration lint findings into build errors (for CI). Unless set here, the
    /// environment decides: `PGBAKE_LINT=deny cargo build` denies them, and in a build script
    /// [`Builder::build`] tells cargo to rebuild when `PGBAKE_LINT` changes; otherwise they are
    /// warnings in [`BuildReport::lints`].
    pub fn deny_lints(mut self, deny: bool) -> Self {
        self.deny_lints = Some(deny);
        self
    }

    /// Fails the build when `sql/schema/` declares a schema other than the one
    /// `sql/migrations/` leave (what `pgbake migrate diff --check` reports). The default is
    /// `false`, or `true` when `PGBAKE_CHECK_SCHEMA=1`; in a build script, [`Builder::build`]
    /// tells cargo to rebuild when `PGBAKE_CHECK_SCHEMA` changes.
    pub fn check_schema(mut self, check: bool) -> Self {
        self.check_schema = Some(check);
        self
    }

    /// Lints only migrations newer than `version`, in place of the `lint_baseline` of
    /// `sql/pgbake.toml` (set by `pgbake migrate import`). Migrations at or below it were
    /// applied before pgbake linted them; their findings would be noise on every build.
    pub fn lint_baseline(mut self, version: i64) -> Self {
        self.lint_baseline = Some(version);
        self
    }

    /// Where to write `migrations.rs` and `queries.rs` (default: `$OUT_DIR`).
    pub fn out_dir(mut self, out_dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(out_dir.into());
        self
    }

    /// Checks the folder and returns what was found, writing nothing.
    pub fn analyze(&self) -> Analysis {
        crate::pipeline::analyze_with_baseline(&self.sql_dir, self.lint_baseline)
    }

    /// Checks the folder and writes the generated files; any problem fails the whole build.
    ///
    /// What the last build in the same `OUT_DIR` computed is reused where its inputs are
    /// unchanged (`OUT_DIR/pgbake-cache/`): the migrations are replayed and linted again
    /// only when one of them changed, and a query file is typed and formatted again only
    /// when it, the build's options or the schema the migrations leave changed.
    pub fn build(&self) -> Result<BuildReport, BuildError> {
        let Some(out_dir) = self.resolved_out_dir() else {
            // Without OUT_DIR nothing can be written: the folder's own problems come
            // first, then that one.
            self.judge(self.analyze())?;
            return Err(BuildError {
                diagnostics: vec![Diagnostic::file(
                    Code::Output,
                    self.sql_dir.to_string_lossy(),
                    "OUT_DIR is not set: call `Builder::build` from a build script or set `Builder::out_dir`",
                )],
            });
        };
        let (sql_dir, cache_dir) = (self.sql_dir.clone(), out_dir.clone());
        let (baseline, options) = (self.lint_baseline, self.emit.clone());
        let (analysis, modules) = crate::pipeline::on_analysis_thread(move || {
            crate::cache::analyze_for_build(&sql_dir, &cache_dir, baseline, &options)
        })
        .unwrap_or_else(|message| {
            (
                crate::pipeline::crashed(&self.sql_dir, &message),
                Default::default(),
            )
        });
        let (analysis, warnings) = self.judge(analysis)?;
        let queries_rs = emit::queries::assemble(
            &emit::queries::emit_types(&analysis.queries, &self.emit),
            modules.values().map(String::as_str),
        );
        let files = [
            (
                "migrations.rs",
                emit::migrations::emit_migrations(&analysis.migrations),
            ),
            ("queries.rs", queries_rs),
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
                            Code::Output,
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
            warnings,
        })
    }

    /// `Builder::out_dir`, else `$OUT_DIR`.
    fn resolved_out_dir(&self) -> Option<PathBuf> {
        self.out_dir
            .clone()
            .or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from))
    }

    /// Applies the build's rules to an analysis (lints denied, schema checked): the error
    /// when anything fails, else the analysis without its warnings, and the warnings.
    fn judge(&self, mut analysis: Analysis) -> Result<(Analysis, Vec<Diagnostic>), BuildError> {
        // What inference accepts but Rust code cannot express (types without a Rust
        // mapping) is already among the analysis's diagnostics, so `describe` reports it
        // too; columns that share a name get distinct fields and are no problem.
        if self.denies_lints() {
            let lints = std::mem::take(&mut analysis.lints);
            analysis
                .diagnostics
                .extend(lints.into_iter().map(|finding| {
                    let mut diagnostic = finding.diagnostic;
                    diagnostic.severity = crate::diagnostic::Severity::Error;
                    diagnostic
                }));
        }
        if self.checks_schema() {
            analysis.diagnostics.extend(self.schema_problems());
        }
        let (warnings, errors): (Vec<Diagnostic>, Vec<Diagnostic>) =
            std::mem::take(&mut analysis.diagnostics)
                .into_iter()
                .partition(|d| d.severity == crate::diagnostic::Severity::Warning);
        if !errors.is_empty() {
            return Err(BuildError {
                diagnostics: errors.into_iter().chain(warnings).collect(),
            });
        }
        Ok((analysis, warnings))
    }
}

impl Builder {
    /// The explicit setting, else `PGBAKE_LINT=deny`; a build script is told to watch the variable.
    fn denies_lints(&self) -> bool {
        if let Some(deny) = self.deny_lints {
            return deny;
        }
        if self.out_dir.is_none() && std::env::var_os("OUT_DIR").is_some() {
            println!("cargo:rerun-if-env-changed={LINT_VARIABLE}");
        }
        std::env::var(LINT_VARIABLE).is_ok_and(|value| value.trim() == "deny")
    }
}

impl Builder {
    /// The explicit setting, else `PGBAKE_CHECK_SCHEMA=1`; a build script is told to watch
    /// the variable.
    fn checks_schema(&self) -> bool {
        if let Some(check) = self.check_schema {
            return check;
        }
        if self.out_dir.is_none() && std::env::var_os("OUT_DIR").is_some() {
            println!("cargo:rerun-if-env-changed={CHECK_SCHEMA_VARIABLE}");
        }
        std::env::var(CHECK_SCHEMA_VARIABLE).is_ok_and(|value| value.trim() == "1")
    }
}

/// `PGBAKE_CHECK_SCHEMA=1` fails the build when `sql/schema/` drifts from the migrations
/// (see [`Builder::check_schema`]).
const CHECK_SCHEMA_VARIABLE: &str = "PGBAKE_CHECK_SCHEMA";

/// `PGBAKE_LINT=deny` turns lint findings into errors (see [`Builder::deny_lints`]).
const LINT_VARIABLE: &str = "PGBAKE_LINT";

impl BuildReport {
    /// Prints each lint finding and warning as a `cargo:warning` line (for build scripts).
    pub fn print_cargo_warnings(&self) {
        for finding in &self.lints {
            println!("cargo:warning={}", finding.one_line());
        }
        for warning in &self.warnings {
            let (line, column) = warning.line_column();
            let help = warning
                .help
                .as_deref()
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            println!(
                "cargo:warning={}:{line}:{column}: {}: {}{help}",
                warning.file,
                warning.code.as_str(),
                warning.message
            );
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

impl Builder {
    /// Each difference between `sql/schema/` and `sql/migrations/`, as a diagnostic.
    fn schema_problems(&self) -> Vec<Diagnostic> {
        let schema_dir = self.sql_dir.join("schema").to_string_lossy().to_string();
        let help = "run `pgbake migrate diff <name>` to write the migration, or change sql/schema/";
        match crate::schema::differences(&self.sql_dir) {
            Ok(differences) => differences
                .into_iter()
                .map(|d| {
                    Diagnostic::file(
                        Code::SchemaDrift,
                        &schema_dir,
                        format!("sql/schema/ and sql/migrations/ differ: {d}"),
                    )
                    .with_help(help)
                })
                .collect(),
            Err(error) => vec![
                Diagnostic::file(Code::SchemaDrift, &schema_dir, error.to_string()).with_help(help),
            ],
        }
    }
}

//! `pgbake-exercise`: proof that every generated function of a `sql/` folder runs.
//!
//! For a folder it generates the code with pgbake-codegen, writes a scratch crate that
//! depends on `pgbake` by path, builds it, and runs it: the driver migrates a fresh
//! database (a throwaway cluster, or the server of `DATABASE_URL`), fills every table in
//! four states (empty; one row of NULLs; four rows with NULL in every nullable column of
//! the odd rows; the same with NULL elements in arrays), and calls every generated function
//! with sample arguments (`Some` and `None` for each `Option`), each call in a transaction
//! that is rolled back. The report counts outcomes: a prepare error, a decode error or a
//! NULL in a non-`Option` value is a failure; errors the data explains (a constraint, no
//! row for `:one`) are counted apart.

#![forbid(unsafe_code)]

mod driver;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where and how to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The pgbake repository (the `pgbake` the scratch crate depends on).
    pub repository: PathBuf,
    /// The scratch crate's folder (replaced).
    pub work_dir: PathBuf,
    /// Cargo's target folder for the scratch crate (kept between runs: dependencies are
    /// compiled once).
    pub target_dir: PathBuf,
    /// The server the driver creates its database on (`None`: `DATABASE_URL`, or a
    /// throwaway cluster when that is unset).
    pub database_url: Option<String>,
}

/// What a run found.
#[derive(Debug, Clone)]
pub struct Report {
    /// Generated functions called (each several times).
    pub functions: u64,
    /// Queries left out because the engine rejects them (with the reason).
    pub skipped: Vec<String>,
    /// The driver's JSON report.
    pub json: serde_json::Value,
}

impl Report {
    /// Prepare errors, decode errors, NULLs in non-`Option` values and encode errors.
    pub fn failures(&self) -> Vec<String> {
        self.json["failures"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The count of one outcome (`Ok`, `Prepare`, `NullIntoNonOption`, `NullElement`,
    /// `Decode`, `Encode`, `DataError`).
    pub fn count(&self, outcome: &str) -> u64 {
        self.json["outcomes"][outcome].as_u64().unwrap_or(0)
    }
}

/// Generates, builds and runs the driver for `sql_dir`.
pub fn exercise(sql_dir: &Path, options: &Options) -> Result<Report, String> {
    let analysis = pgbake_codegen::analyze(sql_dir);
    let problems = pgbake_codegen::__internals::emit_problems(&analysis.queries);
    let rejected: Vec<String> = analysis
        .diagnostics
        .iter()
        .chain(&problems)
        .filter_map(|d| d.query.clone())
        .collect();
    let queries: Vec<_> = analysis
        .queries
        .iter()
        .filter(|q| !rejected.contains(&q.name))
        .cloned()
        .collect();
    let skipped: Vec<String> = analysis
        .diagnostics
        .iter()
        .chain(&problems)
        .map(|d| d.message.clone())
        .collect();
    write_crate(&analysis.migrations, &queries, options)?;
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(options.work_dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&options.target_dir)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "the generated code of {} does not compile (see above; crate in {})",
            sql_dir.display(),
            options.work_dir.display()
        ));
    }
    let mut driver = Command::new(options.target_dir.join("debug/pgbake-exercise-run"));
    if let Some(url) = &options.database_url {
        driver.env("DATABASE_URL", url);
    }
    let output = driver
        .output()
        .map_err(|e| format!("cannot run the driver: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("PGBAKE-EXERCISE-REPORT "))
        .ok_or_else(|| {
            format!(
                "the driver printed no report: {}{}",
                stdout,
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
    let json: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("bad report: {e}"))?;
    Ok(Report {
        functions: json["functions"].as_u64().unwrap_or(0),
        skipped,
        json,
    })
}

fn write_crate(
    migrations: &[pgbake_codegen::Migration],
    queries: &[pgbake_codegen::ir::Query],
    options: &Options,
) -> Result<(), String> {
    let dir = &options.work_dir;
    let src = dir.join("src");
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    let repository = options
        .repository
        .canonicalize()
        .map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"pgbake-exercise-run\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\npgbake = {{ path = {:?}, default-features = false, features = [\"testing\"] }}\n\
         tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\n\n[workspace]\n",
        repository.display().to_string()
    );
    let generated = pgbake_codegen::__internals::emit_queries(queries, &Default::default());
    let scripts: Vec<String> = migrations
        .iter()
        .map(|m| {
            format!(
                "({:?}, {}, &{:?})",
                m.up.path, m.up.no_transaction, m.up.statements
            )
        })
        .collect();
    let db = format!(
        "#![allow(clippy::all, unused_imports, dead_code)]\n{generated}\n\
         pub const MIGRATION_SCRIPTS: &[(&str, bool, &[&str])] = &[{}];\n",
        scripts.join(",\n")
    );
    let refs: Vec<&pgbake_codegen::ir::Query> = queries.iter().collect();
    let files = [
        ("Cargo.toml", manifest),
        (
            "src/main.rs",
            include_str!("../runtime/main.rs").to_string(),
        ),
        (
            "src/fill.rs",
            include_str!("../runtime/fill.rs").to_string(),
        ),
        (
            "src/calls.rs",
            include_str!("../runtime/calls.rs").to_string(),
        ),
        ("src/db.rs", db),
        ("src/functions.rs", driver::calls(&refs)),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).map_err(|e| format!("{name}: {e}"))?;
    }
    let lock = options.repository.join("Cargo.lock");
    if lock.exists() && !dir.join("Cargo.lock").exists() {
        std::fs::copy(&lock, dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    }
    Ok(())
}

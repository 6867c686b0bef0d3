//! The `pgbake` command (feature `cli`): the whole database lifecycle.
//!
//! [`main`] is the installed command: it works on the project in the current folder, reading
//! its `sql/migrations/` from disk with the same checks as `cargo build`. A project that ships
//! its migrations inside its own binary calls [`main_with`] with its embedded set:
//! `fn main() -> ExitCode { pgbake::cli::main_with(db::MIGRATIONS) }`.

/// Prints to stdout. A closed pipe (`pgbake migrate status --json | head`) is no error: the
/// command carries on with its work and stops printing.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::out(format_args!($($arg)*)) };
}

/// [`out!`] with a line end.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Prints a line to stderr, ignoring a closed stderr.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::cli::err(format_args!("{}\n", format_args!($($arg)*))) };
}

mod adopt;
mod backup;
mod database;
mod db;
mod describe;
mod dev;
mod dumpfile;
mod health;
mod import;
mod lint;
mod migrate;
mod project;
mod restore;
mod schema_diff;
mod seed;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::EmbeddedMigration;
use project::Project;

pub use adopt::{Adopted, adopt, history_table};
pub use import::{IMPORTED_MARKER, Tool, imported_from};

/// Own your PostgreSQL schema: migrate, seed, back up, restore and check a database.
///
/// The database comes from DATABASE_URL (MIGRATION_DATABASE_URL for migrations, when
/// set). With DATABASE_URL unset, pgbake starts a local PostgreSQL under ./.pgbake/.
#[derive(Debug, Parser)]
#[command(name = "pgbake", version, about, long_about)]
struct Cli {
    /// The project's SQL folder: migrations/, queries/ and seeds/.
    #[arg(long, global = true, default_value = "sql", value_name = "DIR")]
    sql: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply pending migrations, or manage them (status, new, down, baseline, check, import, adopt).
    Migrate(migrate::MigrateCommand),
    /// Create, drop or reset the database.
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Load the idempotent sample data of sql/seeds/ (running it twice changes nothing).
    Seed(seed::SeedArgs),
    /// Dump the database with pg_dump into a dated, compressed file.
    Backup(backup::BackupArgs),
    /// Restore a backup made by `pgbake backup`.
    Restore(restore::RestoreArgs),
    /// Check the database: connection, server version, pool, migrations (exit 0 only when healthy).
    Health(health::HealthArgs),
    /// Manage the local development PostgreSQL under ./.pgbake/.
    #[command(subcommand)]
    Dev(dev::DevCommand),
    /// Print the inferred signature of every query in a sql/ folder, without a database.
    Describe(describe::DescribeArgs),
    /// Check migrations for operations that lock or break a live database.
    Lint(lint::LintArgs),
}

/// The installed `pgbake` command: works on the project in the current folder (or `--sql
/// DIR`), reading `sql/migrations/` from disk with the same checks as `cargo build`.
pub fn main() -> ExitCode {
    run(None)
}

/// The command line over `migrations`, the set embedded in your binary (for shipping one
/// binary that migrates its own schema); returns the process exit code.
pub fn main_with(migrations: &'static [EmbeddedMigration]) -> ExitCode {
    run(Some(migrations))
}

fn run(embedded: Option<&'static [EmbeddedMigration]>) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let project = Project::new(cli.sql, embedded);
    let result = match cli.command {
        Command::Describe(args) => describe::run(args, &project.sql),
        Command::Lint(args) => lint::run(args, &project.sql),
        command => runtime().and_then(|rt| {
            rt.block_on(async move {
                match command {
                    Command::Migrate(args) => migrate::run(args, &project).await,
                    Command::Db(command) => db::run(command, &project).await,
                    Command::Seed(args) => seed::run(args, &project).await,
                    Command::Backup(args) => backup::backup(args).await,
                    Command::Restore(args) => restore::restore(args).await,
                    Command::Health(args) => health::run(args, &project).await,
                    Command::Dev(command) => dev::run(command).await,
                    Command::Describe(_) | Command::Lint(_) => unreachable!("handled above"),
                }
            })
        }),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            errln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Writes to stdout; errors (a reader that went away) are ignored, never a panic.
pub(crate) fn out(text: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_fmt(text).and_then(|()| stdout.flush());
}

/// Writes to stderr; errors are ignored, never a panic.
pub(crate) fn err(text: std::fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(text);
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

/// Whether `PGBAKE_ENV` names production: `production` or `prod`, in any case, with
/// surrounding white space ignored (so `Production\n` from a secret file counts).
pub fn is_production() -> bool {
    std::env::var_os("PGBAKE_ENV").is_some_and(|value| {
        let value = value.to_string_lossy().trim().to_ascii_lowercase();
        value == "production" || value == "prod"
    })
}

/// Refuses a command that may destroy data under production (`PGBAKE_ENV`).
fn refuse_in_production(what: &str) -> anyhow::Result<()> {
    if is_production() {
        anyhow::bail!(
            "refusing to {what}: PGBAKE_ENV is production, where this command never runs; nothing was changed"
        );
    }
    Ok(())
}

/// Refuses destructive commands under production, and without `--yes`.
fn guard_destructive(what: &str, yes: bool) -> anyhow::Result<()> {
    refuse_in_production(what)?;
    if !yes {
        anyhow::bail!("refusing to {what} without --yes; nothing was changed");
    }
    Ok(())
}

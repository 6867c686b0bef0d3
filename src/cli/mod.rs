//! The `pgbake` command (feature `cli`): the whole database lifecycle.
//!
//! A project with its own `sql/` folder gets the same command over its own migrations
//! with a three-line binary: `fn main() -> ExitCode { pgbake::cli::main_with(MIGRATIONS) }`.

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
mod restore;
mod seed;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::EmbeddedMigration;

pub use adopt::{Adopted, adopt, history_table};
pub use import::{IMPORTED_MARKER, Tool, imported_from};

/// Own your PostgreSQL schema: migrate, seed, back up, restore and check a database.
///
/// The database comes from DATABASE_URL (MIGRATION_DATABASE_URL for migrations, when
/// set). With DATABASE_URL unset, pgbake starts a local PostgreSQL under ./.pgbake/.
#[derive(Debug, Parser)]
#[command(name = "pgbake", version, about, long_about)]
struct Cli {
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

/// Runs the command line over `migrations` and returns the process exit code.
pub fn main_with(migrations: &'static [EmbeddedMigration]) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Describe(args) => describe::run(args),
        Command::Lint(args) => lint::run(args),
        command => runtime().and_then(|rt| {
            rt.block_on(async move {
                match command {
                    Command::Migrate(args) => migrate::run(args, migrations).await,
                    Command::Db(command) => db::run(command, migrations).await,
                    Command::Seed(args) => seed::run(args).await,
                    Command::Backup(args) => backup::backup(args).await,
                    Command::Restore(args) => restore::restore(args).await,
                    Command::Health(args) => health::run(args, migrations).await,
                    Command::Dev(command) => dev::run(command).await,
                    Command::Describe(_) | Command::Lint(_) => unreachable!("handled above"),
                }
            })
        }),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
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

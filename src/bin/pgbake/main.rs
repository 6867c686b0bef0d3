//! `pgbake`: the command-line tool for the database lifecycle.

mod database;
mod describe;
mod migrate;

use clap::{Parser, Subcommand};

/// Own your PostgreSQL schema: migrate, inspect and describe from the `sql/` folder.
///
/// The database comes from DATABASE_URL (MIGRATION_DATABASE_URL for migrations, when set).
/// With DATABASE_URL unset, pgbake starts a local PostgreSQL under ./.pgbake/.
#[derive(Debug, Parser)]
#[command(name = "pgbake", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply pending migrations (the ones embedded in this binary).
    Migrate(migrate::MigrateArgs),
    /// Print the inferred signature of every query in a sql/ folder, without a database.
    Describe(describe::DescribeArgs),
}

fn main() -> std::process::ExitCode {
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
        Command::Migrate(args) => runtime().and_then(|rt| rt.block_on(migrate::run(args))),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

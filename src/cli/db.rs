//! `pgbake db create|drop|reset`.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::{Config, Migrator};

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create the database named in DATABASE_URL (nothing happens when it exists).
    Create,
    /// Drop the database named in DATABASE_URL, disconnecting its sessions.
    Drop(Confirm),
    /// Drop, recreate, migrate and seed the database.
    Reset(ResetArgs),
}

#[derive(Debug, Args)]
pub struct Confirm {
    /// Confirm that the data may be destroyed.
    #[arg(long)]
    yes: bool,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    #[command(flatten)]
    confirm: Confirm,
    /// Folder of seed files [default: <--sql>/seeds]; without one, nothing is seeded.
    #[arg(long)]
    seeds: Option<std::path::PathBuf>,
}

pub async fn run(command: DbCommand, project: &super::Project) -> anyhow::Result<ExitCode> {
    match command {
        DbCommand::Create => {
            let config = super::database::migration_config().await?;
            if create(&config).await? {
                outln!("created database {}", config.display_target());
            } else {
                outln!("database {} already exists", config.display_target());
            }
        }
        DbCommand::Drop(confirm) => {
            super::guard_destructive("drop the database", confirm.yes)?;
            let config = super::database::migration_config().await?;
            drop_database(&config).await?;
            outln!("dropped database {}", config.display_target());
        }
        DbCommand::Reset(args) => {
            super::guard_destructive("reset the database", args.confirm.yes)?;
            let config = super::database::migration_config().await?;
            // Read before anything is dropped: a broken sql/ folder changes nothing.
            let migrations = project.migrations()?;
            drop_database(&config).await?;
            create(&config).await?;
            outln!("recreated database {}", config.display_target());
            let mut client = crate::connect_direct(&config).await?;
            let report = Migrator::new(migrations)
                .lock_timeout(Duration::from_secs(60))
                .run_on(&mut client)
                .await?;
            outln!("applied {} migration(s)", report.applied.len());
            let seeds = args.seeds.unwrap_or_else(|| project.seeds());
            if seeds.is_dir() {
                let app = super::database::app_config().await?;
                let seeded = super::seed::seed(&app, &seeds).await?;
                outln!("{seeded}");
            } else {
                outln!("no seed folder at {}: nothing to seed", seeds.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Creates the configured database; `false` when it already exists.
pub async fn create(config: &Config) -> anyhow::Result<bool> {
    let admin = crate::connect_direct(&config.with_database("postgres")).await?;
    let name = config.database();
    let exists = admin
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await?
        .is_some();
    if !exists {
        admin
            .batch_execute(&format!("CREATE DATABASE {}", quote_ident(name)))
            .await?;
    }
    Ok(!exists)
}

async fn drop_database(config: &Config) -> anyhow::Result<()> {
    let admin = crate::connect_direct(&config.with_database("postgres")).await?;
    admin
        .batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(config.database())
        ))
        .await?;
    Ok(())
}

/// `"name"` with embedded quotes doubled.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

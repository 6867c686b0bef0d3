//! `pgbake dev start|stop|status`: the local development PostgreSQL under ./.pgbake/.

use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Create (first time) and start the local server; prints its DATABASE_URL.
    Start,
    /// Stop the local server (its data stays in ./.pgbake/).
    Stop,
    /// Say whether the local server runs, where, and its DATABASE_URL.
    Status,
}

pub async fn run(command: DevCommand) -> anyhow::Result<ExitCode> {
    let project = std::env::current_dir().context("cannot read the current folder")?;
    match command {
        DevCommand::Start => {
            let (cluster, url) = crate::dev::ensure_dev_server(&project).await?;
            outln!(
                "local PostgreSQL is running in {} on port {}",
                cluster.root.display(),
                cluster.port
            );
            outln!("DATABASE_URL={url}");
            Ok(ExitCode::SUCCESS)
        }
        DevCommand::Stop => {
            let cluster = crate::dev::dev_cluster(&project)?;
            if cluster.is_running() {
                cluster.stop()?;
                outln!("stopped the local PostgreSQL in {}", cluster.root.display());
            } else {
                outln!(
                    "the local PostgreSQL in {} is not running",
                    cluster.root.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        DevCommand::Status => {
            let cluster = crate::dev::dev_cluster(&project)?;
            if !cluster.is_initialized() {
                outln!(
                    "no local PostgreSQL in {} yet; `pgbake dev start` creates one",
                    cluster.root.display()
                );
                return Ok(ExitCode::FAILURE);
            }
            let running = cluster.is_running();
            outln!(
                "local PostgreSQL in {}: {} on port {}",
                cluster.root.display(),
                if running { "running" } else { "stopped" },
                cluster.port
            );
            outln!("DATABASE_URL={}", cluster.url(crate::dev::DEV_DATABASE));
            Ok(if running {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

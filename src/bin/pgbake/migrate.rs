//! `pgbake migrate`: apply the embedded migrations, one line per migration.

use std::process::ExitCode;

use clap::Args;
use pgbake::{MIGRATIONS, Migrator};

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Apply pending migrations older than the newest applied one instead of refusing.
    #[arg(long)]
    allow_out_of_order: bool,
    /// Seconds to wait for another process that is migrating the same database.
    #[arg(long, default_value_t = 60)]
    lock_timeout: u64,
}

pub async fn run(args: MigrateArgs) -> anyhow::Result<ExitCode> {
    let config = crate::database::migration_config().await?;
    let mut client = pgbake::connect_direct(&config).await?;
    let migrator = Migrator::new(MIGRATIONS)
        .allow_out_of_order(args.allow_out_of_order)
        .lock_timeout(std::time::Duration::from_secs(args.lock_timeout));
    let report = migrator.run_on(&mut client).await?;
    for applied in &report.applied {
        println!(
            "applied V{}__{} in {:.1} ms",
            applied.version,
            applied.name,
            applied.duration.as_secs_f64() * 1000.0
        );
    }
    let total = report.already_applied + report.applied.len();
    if report.applied.is_empty() {
        println!(
            "{} is up to date ({total} migrations applied)",
            config.display_target()
        );
    } else {
        println!(
            "{}: {} migration(s) applied, {total} in total",
            config.display_target(),
            report.applied.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

//! `pgbake health`: a container health check (exit 0 only when healthy).

use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub async fn run(args: HealthArgs, project: &super::Project) -> anyhow::Result<ExitCode> {
    let config = super::database::app_config().await?;
    let migrations = project.migrations()?;
    let started = Instant::now();
    let pool = crate::connect(&config).await?;
    let client = crate::acquire(&pool, &config).await?;
    let one: i32 = client.query_one("SELECT 1", &[]).await?.get(0);
    let latency = started.elapsed();
    let version: String = client.query_one("SHOW server_version", &[]).await?.get(0);
    let history = crate::read_history(&client).await?;
    let unreadable = unreadable_tables(&client).await?;
    drop(client);
    let statuses = crate::compare(&history, migrations);
    let mut problems: Vec<String> = statuses
        .iter()
        .filter_map(|s| {
            s.problem
                .map(|p| format!("V{}__{}: {}", s.version, s.name, p.as_str()))
        })
        .collect();
    if !unreadable.is_empty() {
        problems.push(format!(
            "role {} cannot read {}: grant it SELECT (a restore without privileges drops the grants)",
            config.pg_config().get_user().unwrap_or("?"),
            unreadable.join(", ")
        ));
    }
    let database_head = history.iter().map(|r| r.version).max();
    let binary_head = migrations.iter().map(|m| m.version).max();
    let pending = statuses.iter().filter(|s| s.applied_on.is_none()).count();
    let status = pool.status();
    let healthy = one == 1 && problems.is_empty() && pending == 0;
    if args.json {
        let json = serde_json::json!({
            "healthy": healthy,
            "database": config.display_target(),
            "select_1_ms": latency.as_secs_f64() * 1000.0,
            "server_version": version,
            "pool": { "size": status.size, "available": status.available, "max_size": status.max_size, "waiting": status.waiting },
            "migrations": { "database_head": database_head, "binary_head": binary_head, "pending": pending, "problems": problems },
        });
        outln!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        outln!(
            "database:   {} (SELECT 1 in {:.1} ms)",
            config.display_target(),
            latency.as_secs_f64() * 1000.0
        );
        outln!("server:     PostgreSQL {version}");
        outln!(
            "pool:       {} open, {} idle, {} max, {} waiting",
            status.size,
            status.available,
            status.max_size,
            status.waiting
        );
        let show = |v: Option<i64>| v.map_or("none".to_string(), |v| format!("V{v}"));
        outln!(
            "migrations: database at {}, binary at {}, {pending} pending",
            show(database_head),
            show(binary_head)
        );
        for problem in &problems {
            outln!("problem:    {problem}");
        }
        outln!("{}", if healthy { "healthy" } else { "UNHEALTHY" });
    }
    Ok(if healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Tables in the schemas of the application role's search path that it cannot read.
async fn unreadable_tables(client: &crate::Client) -> anyhow::Result<Vec<String>> {
    Ok(client
        .query(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname = ANY (current_schemas(false)) \
             AND NOT has_table_privilege(c.oid, 'SELECT') ORDER BY 1",
            &[],
        )
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect())
}

//! The server, the `bench_compare` database and its `pgbench_accounts` rows.

use std::path::PathBuf;

use crate::generated::migrations::MIGRATIONS;

/// Where and how every variant connects: one database, over TCP.
#[derive(Debug, Clone)]
pub struct Target {
    /// `postgres://…/bench_compare` over TCP.
    pub url: String,
    /// Host, port and user for pgbench.
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Option<String>,
    pub database: String,
    /// Folder with `pgbench`.
    pub bin_dir: PathBuf,
    /// Rows in `pgbench_accounts` (100 000 × scale).
    pub rows: i32,
}

pub const DATABASE: &str = "bench_compare";

/// Uses `DATABASE_URL`'s server, or starts a throwaway cluster (fsync off) when it is unset;
/// recreates the `bench_compare` database, migrates it with this crate's embedded
/// migrations and loads `scale` × 100 000 accounts as `pgbench -i -I G` does.
pub async fn prepare(scale: i32) -> Result<Target, Box<dyn std::error::Error>> {
    let server = pgbake::testing::server()?;
    let admin = pgbake::testing::connect(&server.admin_url).await?;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        .await?;
    admin
        .batch_execute(&format!("CREATE DATABASE {DATABASE} TEMPLATE template0"))
        .await?;
    let url = pgbake::testing::replace_database(&server.admin_url, DATABASE);
    let pool = pgbake::connect(&pgbake::Config::new(&url)?).await?;
    let report = pgbake::Migrator::new(MIGRATIONS).run(&pool).await?;
    eprintln!(
        "migrated {DATABASE}: {} migrations applied",
        report.applied.len()
    );
    let client = pool.get().await?;
    // pgbench's server-side data generation (`-I G`), PostgreSQL 15.
    client
        .batch_execute(&format!(
            "INSERT INTO pgbench_branches (bid, bbalance) SELECT bid, 0 FROM generate_series(1, {scale}) AS bid;
             INSERT INTO pgbench_tellers (tid, bid, tbalance) SELECT tid, (tid - 1) / 10 + 1, 0 FROM generate_series(1, {tellers}) AS tid;
             INSERT INTO pgbench_accounts (aid, bid, abalance, filler) SELECT aid, (aid - 1) / 100000 + 1, 0, '' FROM generate_series(1, {rows}) AS aid;",
            tellers = 10 * scale,
            rows = 100_000 * scale,
        ))
        .await?;
    client
        .batch_execute(
            "VACUUM ANALYZE pgbench_branches, pgbench_tellers, pgbench_accounts, pgbench_history",
        )
        .await?;
    // Read the table once so every variant starts from a warm cache.
    client
        .batch_execute("SELECT count(abalance) FROM pgbench_accounts")
        .await?;
    drop(client);
    pool.close();

    let config: tokio_postgres::Config = url.parse()?;
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => host.clone(),
        _ => return Err(
            "the harness needs a TCP host in DATABASE_URL (the same transport for every variant)"
                .into(),
        ),
    };
    Ok(Target {
        url,
        host,
        port: config.get_ports().first().copied().unwrap_or(5432),
        user: config.get_user().unwrap_or("postgres").to_string(),
        password: config
            .get_password()
            .map(|p| String::from_utf8_lossy(p).into_owned()),
        database: DATABASE.to_string(),
        bin_dir: pgbake::cluster::find_bin_dir()?,
        rows: 100_000 * scale,
    })
}

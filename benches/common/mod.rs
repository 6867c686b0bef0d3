//! Shared setup for the criterion benches: the throwaway cluster, scratch databases,
//! synthetic migration sets, and the gate that keeps `cargo test` from running them.
#![allow(dead_code)] // each bench binary uses a different part

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::Criterion;
use pgbake::{EmbeddedMigration, EmbeddedScript};

/// Whether this binary was started by `cargo bench` (which passes `--bench`). Under
/// `cargo test --benches` / `--all-targets` the benches print a line and do nothing, so
/// no cluster is started and the test run stays fast.
pub fn benchmarking() -> bool {
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    if !benchmarking {
        println!("skipped: these benches need a PostgreSQL cluster; run them with `cargo bench`");
    }
    benchmarking
}

/// Criterion with the command-line settings (filters, `--save-baseline`, …) applied.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

/// A multi-threaded runtime with one worker per core (2 on the reference machine).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// A connection to the maintenance database of the bench cluster (started on first use).
pub async fn admin() -> tokio_postgres::Client {
    let server = pgbake::testing::server().expect("throwaway PostgreSQL cluster");
    pgbake::testing::connect(&server.admin_url)
        .await
        .expect("connect to the bench cluster")
}

/// Creates an empty database (from template0) and returns its name and URL.
pub async fn create_database(admin: &tokio_postgres::Client, label: &str) -> (String, String) {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let name = format!("bench_{label}_{}", COUNTER.fetch_add(1, Ordering::Relaxed));
    admin
        .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
        .await
        .expect("create database");
    let server = pgbake::testing::server().expect("cluster");
    let url = pgbake::testing::replace_database(&server.admin_url, &name);
    (name, url)
}

/// Drops a scratch database, closing whatever connections are left on it.
pub async fn drop_database(admin: &tokio_postgres::Client, name: &str) {
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .expect("drop database");
}

/// The SQL of synthetic migration `version`: a table with a primary key, an index and a comment,
/// about what a typical schema change costs the server.
pub fn synthetic_migration_sql(version: i64) -> String {
    format!(
        "CREATE TABLE bench_t{version} (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\n\
         CREATE INDEX bench_t{version}_name_idx ON bench_t{version} (name);\n\
         COMMENT ON TABLE bench_t{version} IS 'synthetic migration {version}';\n"
    )
}

/// `count` synthetic migrations as a pgbake embedded set (built at run time, like the
/// integration tests' `migration_set`).
pub fn synthetic_set(count: i64) -> &'static [EmbeddedMigration] {
    let set: Vec<EmbeddedMigration> = (1..=count)
        .map(|version| EmbeddedMigration {
            version,
            name: leak(&format!("table_{version}")),
            up: EmbeddedScript {
                sql: leak(&synthetic_migration_sql(version)),
                no_transaction: false,
                statements: &[],
            },
            down: None,
        })
        .collect();
    Box::leak(set.into_boxed_slice())
}

/// The same migrations for refinery's `Runner`, used directly.
pub fn synthetic_refinery_set(count: i64) -> Vec<refinery::Migration> {
    (1..=count)
        .map(|version| {
            refinery::Migration::unapplied(
                &format!("V{version}__table_{version}"),
                &synthetic_migration_sql(version),
            )
            .expect("valid migration name")
        })
        .collect()
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_string().into_boxed_str())
}

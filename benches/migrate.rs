//! Migration and test-setup cost. Run with `cargo bench --bench migrate`.
//!
//! - `migrate_fresh/{pgbake,refinery}/N`: N synthetic migrations (a table, an index and a
//!   comment each) on a fresh database: `pgbake::Migrator::run` vs refinery's `Runner` used
//!   directly, each on an already open connection. Database creation is not timed.
//! - `migrate_noop`: `pgbake::migrate` / `Migrator::run` when everything is applied (the
//!   call every replica makes at boot), on a pool with one idle connection.
//! - `test_database`: a per-test database cloned from the migrated template
//!   (`TestDatabase::new`, pool included), the same with the template closed to connections
//!   (`ALLOW_CONNECTIONS false`, as template0 is), and an empty one that is then migrated.

mod common;

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode};
use pgbake::testing::TestDatabase;
use pgbake::{EmbeddedMigration, Migrator};

const SIZES: [i64; 3] = [10, 100, 500];

fn main() {
    if !common::benchmarking() {
        return;
    }
    let runtime = common::runtime();
    let admin = runtime.block_on(common::admin());
    let mut criterion = common::criterion();
    migrate_fresh(&mut criterion, &runtime, &admin);
    migrate_noop(&mut criterion, &runtime, &admin);
    test_database(&mut criterion, &runtime, &admin);
    criterion.final_summary();
}

fn migrate_fresh(
    criterion: &mut Criterion,
    runtime: &tokio::runtime::Runtime,
    admin: &tokio_postgres::Client,
) {
    let mut group = criterion.benchmark_group("migrate_fresh");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    for size in SIZES {
        let embedded = common::synthetic_set(size);
        let for_refinery = common::synthetic_refinery_set(size);
        group.measurement_time(Duration::from_secs(match size {
            500 => 30,
            100 => 10,
            _ => 5,
        }));
        group.bench_with_input(BenchmarkId::new("pgbake", size), &size, |bencher, _| {
            bencher.to_async(runtime).iter_custom(|iters| async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (name, url) = common::create_database(admin, "fresh").await;
                    let pool = pgbake::connect(&pgbake::Config::new(&url).expect("url"))
                        .await
                        .expect("pool");
                    let started = Instant::now();
                    let report = Migrator::new(embedded).run(&pool).await.expect("migrate");
                    total += started.elapsed();
                    assert_eq!(report.applied.len(), embedded.len());
                    pool.close();
                    common::drop_database(admin, &name).await;
                }
                total
            });
        });
        let for_refinery = &for_refinery;
        group.bench_with_input(BenchmarkId::new("refinery", size), &size, |bencher, _| {
            bencher.to_async(runtime).iter_custom(|iters| async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (name, url) = common::create_database(admin, "fresh").await;
                    let mut client = pgbake::testing::connect(&url).await.expect("connect");
                    let started = Instant::now();
                    let report = refinery::Runner::new(for_refinery)
                        .run_async(&mut client)
                        .await
                        .expect("refinery migrate");
                    total += started.elapsed();
                    assert_eq!(report.applied_migrations().len(), for_refinery.len());
                    drop(client);
                    common::drop_database(admin, &name).await;
                }
                total
            });
        });
    }
    group.finish();
}

fn migrate_noop(
    criterion: &mut Criterion,
    runtime: &tokio::runtime::Runtime,
    admin: &tokio_postgres::Client,
) {
    let mut group = criterion.benchmark_group("migrate_noop");
    let sets: [(&str, &'static [EmbeddedMigration]); 2] = [
        ("app_6", pgbake::MIGRATIONS),
        ("synthetic_500", common::synthetic_set(500)),
    ];
    for (label, set) in sets {
        let (name, pool) = runtime.block_on(async {
            let (name, url) = common::create_database(admin, "noop").await;
            let pool = pgbake::connect(&pgbake::Config::new(&url).expect("url"))
                .await
                .expect("pool");
            Migrator::new(set).run(&pool).await.expect("first migrate");
            (name, pool)
        });
        let pool = &pool;
        group.bench_function(BenchmarkId::new("pgbake", label), |bencher| {
            bencher.to_async(runtime).iter_custom(|iters| async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    // `run` closes the connection it used (the lock must not outlive it), so
                    // open the next one untimed, as `connect` at boot would have.
                    drop(pool.get().await.expect("idle connection"));
                    let started = Instant::now();
                    let report = Migrator::new(set).run(pool).await.expect("no-op migrate");
                    total += started.elapsed();
                    assert!(report.applied.is_empty());
                }
                total
            });
        });
        pool.close();
        runtime.block_on(common::drop_database(admin, &name));
    }
    group.finish();
}

fn test_database(
    criterion: &mut Criterion,
    runtime: &tokio::runtime::Runtime,
    admin: &tokio_postgres::Client,
) {
    // The first call builds the template; the bench measures the clones after it.
    runtime.block_on(async {
        let first = TestDatabase::new().await.expect("template");
        discard(admin, first).await;
    });
    let template: String = runtime.block_on(async {
        admin
            .query_one(
                "SELECT datname::text FROM pg_database WHERE datname LIKE 'pgbake_tpl_%' \
                 AND datname NOT LIKE '%_building'",
                &[],
            )
            .await
            .expect("the template exists")
            .get(0)
    });
    let template = &template;
    let mut group = criterion.benchmark_group("test_database");
    group.sampling_mode(SamplingMode::Flat).sample_size(20);
    group.bench_function("from_template", |bencher| {
        bencher.to_async(runtime).iter_custom(|iters| async move {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                let database = TestDatabase::new().await.expect("database from template");
                total += started.elapsed();
                discard(admin, database).await;
            }
            total
        });
    });
    // PostgreSQL's CREATE DATABASE waits (100 ms polls) for every other session on the
    // template to leave, and autovacuum workers visit a freshly built template; template0
    // allows no connections, so autovacuum never sits in it. The same clone with the
    // template closed to connections shows what that wait costs.
    runtime.block_on(async {
        admin
            .batch_execute(&format!(
                "ALTER DATABASE {template} WITH ALLOW_CONNECTIONS false"
            ))
            .await
            .expect("close the template to connections");
    });
    group.bench_function("from_template_no_connections", |bencher| {
        bencher.to_async(runtime).iter_custom(|iters| async move {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                let database = TestDatabase::new().await.expect("database from template");
                total += started.elapsed();
                discard(admin, database).await;
            }
            total
        });
    });
    // The steps of `TestDatabase::new`, to see where its time goes: the CREATE DATABASE
    // statement alone on an open admin connection, and opening one connection.
    group.bench_function("step_create_database_statement", |bencher| {
        bencher.to_async(runtime).iter_custom(|iters| async move {
            let mut total = Duration::ZERO;
            for n in 0..iters {
                let name = format!("bench_step_{n}");
                let started = Instant::now();
                admin
                    .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                    .await
                    .expect("create database");
                total += started.elapsed();
                common::drop_database(admin, &name).await;
            }
            total
        });
    });
    let server = pgbake::testing::server().expect("cluster");
    let url = &server.admin_url;
    group.bench_function("step_open_connection", |bencher| {
        bencher.to_async(runtime).iter(|| async {
            std::hint::black_box(pgbake::testing::connect(url).await.expect("connect"))
        });
    });
    group.bench_function("empty_then_migrate", |bencher| {
        bencher.to_async(runtime).iter_custom(|iters| async move {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                let database = TestDatabase::empty().await.expect("empty database");
                Migrator::new(pgbake::MIGRATIONS)
                    .run(&database.pool)
                    .await
                    .expect("migrate");
                total += started.elapsed();
                discard(admin, database).await;
            }
            total
        });
    });
    group.finish();
}

/// Drops a test database right away (the harness keeps them until the cluster goes).
async fn discard(admin: &tokio_postgres::Client, database: TestDatabase) {
    database.pool.close();
    let name = database.name.clone();
    drop(database);
    common::drop_database(admin, &name).await;
}

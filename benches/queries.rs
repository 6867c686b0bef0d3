//! Generated query functions vs the same queries hand-written on tokio-postgres with a
//! statement prepared once, on the same pooled connection. Run with `cargo bench --bench queries`.
//!
//! - `opt_by_primary_key`: `companies::company_by_id` (`:opt`, `WHERE id = :id`);
//! - `insert_returning`: `companies::create_company` (`INSERT … RETURNING`, `:one`);
//! - `bulk_load_100k`: 100 000 incident timers through the generated `:copy` function
//!   (`incident_timers::load_timers`, binary COPY) vs one prepared single-row INSERT per
//!   row vs multi-row INSERT batches of 1 000 rows, each into an emptied table.
//!
//! Both sides hold one pooled connection for the whole measurement, so the difference is
//! the generated layer (statement cache lookup, parameter slice, row struct), not the pool.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use criterion::Criterion;
use pgbake::queries::{companies, incident_timers};
use pgbake::testing::TestDatabase;
use uuid::Uuid;

const BY_ID_SQL: &str =
    "SELECT id, name, slug, created_at, deleted_at FROM companies WHERE id = $1";
const INSERT_SQL: &str = "INSERT INTO companies (name, slug, created_by) VALUES ($1, $2, $3) \
                          RETURNING id, name, slug, created_at";

/// What the hand-written lookup returns: the same owned fields as the generated row.
#[allow(dead_code)]
struct Company {
    id: Uuid,
    name: String,
    slug: String,
    created_at: DateTime<Utc>,
    deleted_at: Option<DateTime<Utc>>,
}

#[allow(dead_code)]
struct CreatedCompany {
    id: Uuid,
    name: String,
    slug: String,
    created_at: DateTime<Utc>,
}

fn main() {
    if !common::benchmarking() {
        return;
    }
    let runtime = common::runtime();
    let database = runtime.block_on(async {
        let database = TestDatabase::new().await.expect("migrated test database");
        let client = database.pool.get().await.expect("connection");
        for n in 0..1000 {
            companies::create_company(
                &client,
                &format!("Company {n}"),
                &format!("company-{n}"),
                None,
            )
            .await
            .expect("seed company");
        }
        client
            .batch_execute("VACUUM ANALYZE companies")
            .await
            .expect("vacuum");
        database
    });
    let mut criterion = common::criterion();
    opt_by_primary_key(&mut criterion, &runtime, &database);
    insert_returning(&mut criterion, &runtime, &database);
    bulk_load(&mut criterion, &runtime, &database);
    criterion.final_summary();
}

fn opt_by_primary_key(
    criterion: &mut Criterion,
    runtime: &tokio::runtime::Runtime,
    database: &TestDatabase,
) {
    let (client, id, statement) = runtime.block_on(async {
        let client = database.pool.get().await.expect("connection");
        let id: Uuid = client
            .query_one("SELECT id FROM companies WHERE slug = 'company-500'", &[])
            .await
            .expect("seeded company")
            .get(0);
        let statement = client.prepare(BY_ID_SQL).await.expect("prepare");
        (client, id, statement)
    });
    let mut group = criterion.benchmark_group("opt_by_primary_key");
    group.bench_function("generated", |bencher| {
        bencher.to_async(runtime).iter(|| async {
            let company = companies::company_by_id(&client, id)
                .await
                .expect("generated query")
                .expect("row");
            std::hint::black_box(company)
        });
    });
    group.bench_function("tokio_postgres", |bencher| {
        bencher.to_async(runtime).iter(|| async {
            let row = client
                .query_opt(&statement, &[&id])
                .await
                .expect("hand-written query")
                .expect("row");
            let company = Company {
                id: row.try_get(0).expect("id"),
                name: row.try_get(1).expect("name"),
                slug: row.try_get(2).expect("slug"),
                created_at: row.try_get(3).expect("created_at"),
                deleted_at: row.try_get(4).expect("deleted_at"),
            };
            std::hint::black_box(company)
        });
    });
    group.finish();
}

fn insert_returning(
    criterion: &mut Criterion,
    runtime: &tokio::runtime::Runtime,
    database: &TestDatabase,
) {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let (client, statement) = runtime.block_on(async {
        let client = database.pool.get().await.expect("connection");
        let statement = client.prepare(INSERT_SQL).await.expect("prepare");
        (client, statement)
    });
    let mut group = criterion.benchmark_group("insert_returning");
    group.bench_function("generated", |bencher| {
        bencher.to_async(runtime).iter(|| async {
            let slug = format!("bench-{}", NEXT.fetch_add(1, Ordering::Relaxed));
            let company = companies::create_company(&client, "Bench", &slug, None)
                .await
                .expect("generated insert");
            std::hint::black_box(company)
        });
    });
    group.bench_function("tokio_postgres", |bencher| {
        bencher.to_async(runtime).iter(|| async {
            let slug = format!("bench-{}", NEXT.fetch_add(1, Ordering::Relaxed));
            let row = client
                .query_one(&statement, &[&"Bench", &slug, &None::<Uuid>])
                .await
                .expect("hand-written insert");
            let company = CreatedCompany {
                id: row.try_get(0).expect("id"),
                name: row.try_get(1).expect("name"),
                slug: row.try_get(2).expect("slug"),
                created_at: row.try_get(3).expect("created_at"),
            };
            std::hint::black_box(company)
        });
    });
    group.finish();
}

const BULK_ROWS: usize = 100_000;
const BATCH_ROWS: usize = 1_000;
const ROW_INSERT_SQL: &str =
    "INSERT INTO incident_timers (user_id, reset_at, notes) VALUES ($1, $2, $3)";

fn bulk_load(
    criterion: &mut Criterion,
    runtime: &tokio::runtime::Runtime,
    database: &TestDatabase,
) {
    let (client, user_id, row_statement, batch_statement) = runtime.block_on(async {
        let client = database.pool.get().await.expect("connection");
        let user_id: Uuid = client
            .query_one(
                "INSERT INTO users (company_id, email, password_hash, user_slug, display_name) \
                 SELECT id, 'bulk@example.com', 'x', 'bulk', 'Bulk' FROM companies LIMIT 1 RETURNING id",
                &[],
            )
            .await
            .expect("bulk user")
            .get(0);
        let row_statement = client.prepare(ROW_INSERT_SQL).await.expect("prepare");
        let values: Vec<String> = (0..BATCH_ROWS)
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let batch_statement = client
            .prepare(&format!(
                "INSERT INTO incident_timers (user_id, reset_at, notes) VALUES {}",
                values.join(", ")
            ))
            .await
            .expect("prepare batch");
        (client, user_id, row_statement, batch_statement)
    });
    let now = Utc::now();
    let notes: Vec<String> = (0..BULK_ROWS).map(|i| format!("timer {i}")).collect();
    let rows: Vec<(Uuid, DateTime<Utc>, Option<&str>)> = notes
        .iter()
        .enumerate()
        .map(|(i, note)| {
            (
                user_id,
                now - chrono::Duration::seconds(i as i64),
                Some(note.as_str()),
            )
        })
        .collect();
    let (client, rows) = (&client, &rows);
    let (row_statement, batch_statement) = (&row_statement, &batch_statement);
    let empty = || async {
        client
            .batch_execute("TRUNCATE incident_timers")
            .await
            .expect("truncate");
    };
    let mut group = criterion.benchmark_group("bulk_load_100k");
    group
        .sampling_mode(criterion::SamplingMode::Flat)
        .sample_size(10);
    group.bench_function("copy_generated", |bencher| {
        bencher.to_async(runtime).iter_custom(|iters| async move {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                empty().await;
                let started = Instant::now();
                let loaded = incident_timers::load_timers(
                    client,
                    rows.iter().map(|(user_id, reset_at, notes)| {
                        incident_timers::LoadTimersParams {
                            user_id: *user_id,
                            reset_at: *reset_at,
                            notes: *notes,
                        }
                    }),
                )
                .await
                .expect("copy");
                total += started.elapsed();
                assert_eq!(loaded as usize, BULK_ROWS);
            }
            total
        });
    });
    group.bench_function("insert_row_by_row", |bencher| {
        bencher.to_async(runtime).iter_custom(|iters| async move {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                empty().await;
                let started = Instant::now();
                for (user_id, reset_at, notes) in rows {
                    client
                        .execute(row_statement, &[user_id, reset_at, notes])
                        .await
                        .expect("insert");
                }
                total += started.elapsed();
            }
            total
        });
    });
    group.bench_function("insert_batches_of_1000", |bencher| {
        bencher.to_async(runtime).iter_custom(|iters| async move {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                empty().await;
                let started = Instant::now();
                for chunk in rows.chunks(BATCH_ROWS) {
                    let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = chunk
                        .iter()
                        .flat_map(|(user_id, reset_at, notes)| {
                            [
                                user_id as &(dyn tokio_postgres::types::ToSql + Sync),
                                reset_at as &(dyn tokio_postgres::types::ToSql + Sync),
                                notes as &(dyn tokio_postgres::types::ToSql + Sync),
                            ]
                        })
                        .collect();
                    client
                        .execute(batch_statement, &params)
                        .await
                        .expect("insert batch");
                }
                total += started.elapsed();
            }
            total
        });
    });
    group.finish();
}

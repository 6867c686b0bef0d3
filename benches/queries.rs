//! Generated query functions vs the same queries hand-written on tokio-postgres with a
//! statement prepared once, on the same pooled connection. Run with `cargo bench --bench queries`.
//!
//! - `opt_by_primary_key`: `companies::company_by_id` (`:opt`, `WHERE id = :id`);
//! - `insert_returning`: `companies::create_company` (`INSERT … RETURNING`, `:one`).
//!
//! Both sides hold one pooled connection for the whole measurement, so the difference is
//! the generated layer (statement cache lookup, parameter slice, row struct), not the pool.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use criterion::Criterion;
use pgbake::queries::companies;
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
    // BULK LOAD (issue 5 item 3) — not written yet: the `:copy` query kind does not exist.
    // When it lands, add `bulk_load(&mut criterion, &runtime, &database)` here: 100 000 rows
    // through the generated `:copy` function (binary COPY) vs the same rows inserted one by
    // one with the generated `:one`/`:exec` insert vs multi-row INSERT batches, each into a
    // freshly truncated table; target `:copy` >= 10x row-by-row (BENCHMARKS.md has the row).
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

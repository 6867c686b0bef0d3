//! Generated functions called on `&pool`: statements share a few pooled connections and
//! are pipelined on them; an error, a dropped future or a killed connection affects only
//! its own call.

use std::time::Duration;

use futures_util::StreamExt;
use pgbake::Config;
use pgbake::queries::companies;
use pgbake::testing::TestDatabase;

/// A pool of `max` connections on `db`, `shared` of them for statements on `&pool`.
async fn pool_on(db: &TestDatabase, max: usize, shared: usize) -> pgbake::Pool {
    let config = Config::new(&db.url)
        .unwrap()
        .max_connections(max)
        .shared_connections(shared)
        .connect_retries(1);
    pgbake::connect(&config).await.unwrap()
}

/// Server backends of this database other than the caller's own.
async fn backends(admin: &tokio_postgres::Client) -> Vec<i32> {
    crate::column(
        admin,
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_on_the_pool_share_its_connections() {
    let db = TestDatabase::new().await.unwrap();
    let pool = pool_on(&db, 10, 2).await;
    let tasks: Vec<_> = (0..64)
        .map(|task| {
            let pool = pool.clone();
            tokio::spawn(async move {
                for i in 0..10 {
                    let slug = format!("c{task}-{i}");
                    let created = companies::create_company(&pool, "Shared", &slug, None)
                        .await
                        .unwrap();
                    let found = companies::company_by_id(&pool, created.id)
                        .await
                        .unwrap()
                        .expect("just created");
                    assert_eq!(found.slug, slug);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    // 64 callers, 1 280 statements, and only the two shared connections were ever opened
    // (the first `connect` one is among them).
    assert!(pool.status().size <= 2, "{:?}", pool.status());
    assert_eq!(
        companies::company_stats(&pool).await.unwrap().len(),
        640,
        "every insert made on the pool is visible"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_statement_on_the_pool_fails_alone() {
    let db = TestDatabase::new().await.unwrap();
    let pool = pool_on(&db, 4, 1).await;
    companies::create_company(&pool, "Taken", "taken", None)
        .await
        .unwrap();
    // Duplicates (unique violation) interleaved with good calls on the one shared connection.
    let calls = (0..40).map(|i| {
        let pool = pool.clone();
        async move {
            let slug = if i % 2 == 0 {
                "taken".to_string()
            } else {
                format!("fresh-{i}")
            };
            (i, companies::create_company(&pool, "X", &slug, None).await)
        }
    });
    for (i, result) in futures_util::future::join_all(calls).await {
        match result {
            Ok(row) => assert!(i % 2 == 1 && row.slug == format!("fresh-{i}")),
            Err(error) => {
                assert_eq!(i % 2, 0, "{error}");
                assert_eq!(error.sqlstate(), Some("23505"), "{error}");
            }
        }
    }
    let found = companies::company_by_slug(&pool, "fresh-1").await.unwrap();
    assert_eq!(found.name, "X");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_future_dropped_mid_flight_leaves_the_next_call_its_own_answer() {
    let db = TestDatabase::new().await.unwrap();
    let pool = pool_on(&db, 4, 1).await;
    let mut ids = Vec::new();
    for n in 0..20 {
        let slug = format!("drop-{n}");
        ids.push(
            companies::create_company(&pool, &slug, &slug, None)
                .await
                .unwrap()
                .id,
        );
    }
    for (n, id) in ids.iter().enumerate() {
        // Poll the call until its request is on its way, then drop it.
        let mut call = Box::pin(companies::company_by_id(&pool, *id));
        let early = tokio::time::timeout(Duration::from_micros(50 * n as u64), &mut call).await;
        drop(call);
        // A stream dropped after its first row, too.
        let mut stream = companies::company_stats_stream(&pool).await.unwrap();
        assert!(stream.next().await.is_some());
        drop(stream);
        let next = ids[(n + 1) % ids.len()];
        let found = companies::company_by_id(&pool, next)
            .await
            .unwrap()
            .expect("exists");
        assert_eq!(found.id, next, "dropped early: {}", early.is_err());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_shared_connection_is_replaced_on_the_next_call() {
    let db = TestDatabase::new().await.unwrap();
    let pool = pool_on(&db, 4, 2).await;
    let admin = db.connect().await.unwrap();
    let company = companies::create_company(&pool, "Kill", "kill", None)
        .await
        .unwrap();
    // Keep calls in flight while every backend of the database is terminated.
    let load = {
        let pool = pool.clone();
        tokio::spawn(async move {
            let mut failed = 0;
            for _ in 0..400 {
                if companies::company_by_id(&pool, company.id).await.is_err() {
                    failed += 1;
                }
            }
            failed
        })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    let killed = backends(&admin).await;
    for pid in &killed {
        admin
            .execute("SELECT pg_terminate_backend($1)", &[pid])
            .await
            .unwrap();
    }
    load.await.unwrap();
    // Wait for the killed backends to be gone, as the client sees the socket close.
    for _ in 0..100 {
        let alive = backends(&admin).await;
        if killed.iter().all(|pid| !alive.contains(pid)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    for _ in 0..10 {
        let found = companies::company_by_id(&pool, company.id)
            .await
            .unwrap()
            .expect("exists");
        assert_eq!(found.slug, "kill");
    }
    let now = backends(&admin).await;
    assert!(
        !now.is_empty() && now.iter().all(|pid| !killed.contains(pid)),
        "killed {killed:?}, now {now:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_on_the_pool_holds_its_own_connection() {
    let db = TestDatabase::new().await.unwrap();
    let pool = pool_on(&db, 4, 1).await;
    for n in 0..50 {
        let slug = format!("s{n}");
        companies::create_company(&pool, &slug, &slug, None)
            .await
            .unwrap();
    }
    // A reader that stops after one row does not hold up statements on the shared connection.
    let mut stream = companies::company_stats_stream(&pool).await.unwrap();
    assert!(stream.next().await.unwrap().is_ok());
    let found = tokio::time::timeout(
        Duration::from_secs(5),
        companies::company_by_slug(&pool, "s7"),
    )
    .await
    .expect("not blocked behind the stream")
    .unwrap();
    assert_eq!(found.name, "s7");
    assert_eq!(
        pool.status().size,
        2,
        "the stream's connection and the shared one"
    );
    let rest: Vec<_> = stream.collect().await;
    assert_eq!(rest.len(), 49);
}

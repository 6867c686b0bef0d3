//! The test harness itself: isolated, migrated databases from a template.

use pgbake::testing::TestDatabase;

#[tokio::test]
async fn each_test_gets_its_own_migrated_database() {
    let a = TestDatabase::new().await.unwrap();
    let b = TestDatabase::new().await.unwrap();
    assert_ne!(a.name, b.name);
    let ca = a.connect().await.unwrap();
    let cb = b.connect().await.unwrap();
    ca.batch_execute("INSERT INTO companies (name, slug) VALUES ('Acme', 'acme')")
        .await
        .unwrap();
    let count = |c: tokio_postgres::Client| async move {
        c.query_one("SELECT count(*) FROM companies", &[])
            .await
            .unwrap()
            .get::<_, i64>(0)
    };
    assert_eq!(count(ca).await, 1);
    assert_eq!(
        count(cb).await,
        0,
        "a write in one test database leaked into another"
    );
    let history: i64 = b
        .connect()
        .await
        .unwrap()
        .query_one("SELECT count(*) FROM refinery_schema_history", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(history as usize, pgbake::MIGRATIONS.len());
}

#[tokio::test]
async fn empty_databases_have_no_schema() {
    let db = TestDatabase::empty().await.unwrap();
    let client = db.connect().await.unwrap();
    let tables: i64 = crate::value(
        &client,
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
    )
    .await;
    assert_eq!(tables, 0);
}

/// Run by the test below with DATABASE_URL pointing at a server of its own.
#[tokio::test]
#[ignore = "run by the_suite_leaves_nothing_behind_on_a_database_url_server"]
async fn creates_a_template_a_database_and_a_login_role() {
    let db = TestDatabase::new().await.unwrap();
    db.create_login_role("pgbake_cleanup_probe", "PASSWORD 'right-password'")
        .await
        .unwrap();
    // A database the test leaks (as a killed test would).
    std::mem::forget(TestDatabase::empty().await.unwrap());
}

#[tokio::test]
async fn the_suite_leaves_nothing_behind_on_a_database_url_server() {
    let own = crate::servers::OwnCluster::start("suite-cleanup");
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "harness::creates_a_template_a_database_and_a_login_role",
            "--exact",
            "--ignored",
        ])
        .env("DATABASE_URL", own.url("postgres"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let admin = pgbake::testing::connect(&own.url("postgres"))
        .await
        .unwrap();
    let leftovers = || async {
        admin
            .query_one(
                "SELECT (SELECT count(*) FROM pg_database WHERE datname LIKE 'pgbake\\_t%') + \
                 (SELECT count(*) FROM pg_roles WHERE rolname = 'pgbake_cleanup_probe')",
                &[],
            )
            .await
            .unwrap()
            .get::<_, i64>(0)
    };
    let started = std::time::Instant::now();
    while leftovers().await > 0 && started.elapsed() < std::time::Duration::from_secs(20) {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let names: Vec<String> = crate::column(
        &admin,
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'pgbake\\_t%' \
         UNION ALL SELECT rolname::text FROM pg_roles WHERE rolname = 'pgbake_cleanup_probe'",
    )
    .await;
    assert!(names.is_empty(), "left behind: {names:?}");
}

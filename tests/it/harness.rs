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
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(tables, 0);
}

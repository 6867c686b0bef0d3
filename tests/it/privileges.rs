//! Least privilege: the application role reads and writes rows but cannot change the schema.

use pgbake::testing::TestDatabase;

#[tokio::test]
async fn the_app_role_can_write_rows_but_not_change_tables() {
    let db = TestDatabase::new().await.unwrap();
    db.create_login_role("pgbake_app_login", "IN ROLE pgbake_app")
        .await
        .unwrap();
    let port = db.config.pg_config().get_ports()[0];
    let url = format!(
        "postgres://pgbake_app_login@127.0.0.1:{port}/{}?sslmode=disable",
        db.name
    );
    let app = pgbake::testing::connect(&url).await.unwrap();

    let id: uuid::Uuid = crate::value(
        &app,
        "INSERT INTO companies (name, slug) VALUES ('Acme', 'acme') RETURNING id",
    )
    .await;
    app.execute("UPDATE companies SET name = 'Acme 2' WHERE id = $1", &[&id])
        .await
        .unwrap();
    let history: i64 = crate::value(&app, "SELECT count(*) FROM refinery_schema_history").await;
    assert!(history > 0);
    app.execute("DELETE FROM companies WHERE id = $1", &[&id])
        .await
        .unwrap();

    for ddl in [
        "CREATE TABLE intruder (x int)",
        "ALTER TABLE companies ADD COLUMN intruder int",
        "DROP TABLE app_config",
        "DELETE FROM refinery_schema_history",
    ] {
        let error = app.batch_execute(ddl).await.unwrap_err();
        assert_eq!(
            error.code().map(|c| c.code()),
            Some("42501"),
            "`{ddl}` must be refused for lack of privilege, got {error}"
        );
    }
}

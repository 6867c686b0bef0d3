//! Failures a user meets: each message says what went wrong and what to do.

use std::time::Duration;

use pgbake::testing::{TestDatabase, server};
use pgbake::{Config, Error};

use crate::{pgbake, text};

/// A login role with a password, authenticated by scram on 127.0.0.1.
async fn password_role(db: &TestDatabase, role: &str) -> bool {
    if server().unwrap().cluster.is_none() {
        return false; // pg_hba.conf of a DATABASE_URL server is not ours to change
    }
    db.create_login_role(role, "PASSWORD 'right-password'")
        .await
        .unwrap();
    server()
        .unwrap()
        .prepend_hba(&format!("host all {role} 127.0.0.1/32 scram-sha-256"))
        .await
        .unwrap()
}

#[tokio::test]
async fn wrong_password_says_to_check_the_credentials() {
    let db = TestDatabase::new().await.unwrap();
    if !password_role(&db, "pgbake_pw_user").await {
        eprintln!("skipped: needs the throwaway cluster (DATABASE_URL is set)");
        return;
    }
    let url = format!(
        "postgres://pgbake_pw_user:wrong@127.0.0.1:{}/{}",
        db.config.pg_config().get_ports()[0],
        db.name
    );
    let error = pgbake::connect(&Config::new(&url).unwrap())
        .await
        .unwrap_err();
    assert_eq!(error.sqlstate(), Some("28P01"), "{error}");
    assert!(
        error
            .to_string()
            .contains("check the user and password in DATABASE_URL"),
        "{error}"
    );
    assert!(
        !error.to_string().contains("wrong"),
        "the password leaked into the message: {error}"
    );
    let good = format!(
        "postgres://pgbake_pw_user:right-password@127.0.0.1:{}/{}",
        db.config.pg_config().get_ports()[0],
        db.name
    );
    pgbake::connect(&Config::new(&good).unwrap()).await.unwrap();
}

#[tokio::test]
async fn a_server_that_requires_tls_says_to_set_sslmode() {
    let db = TestDatabase::new().await.unwrap();
    db.create_login_role("pgbake_tls_only", "").await.unwrap();
    if !server()
        .unwrap()
        .prepend_hba("hostnossl all pgbake_tls_only 127.0.0.1/32 reject")
        .await
        .unwrap()
    {
        eprintln!("skipped: needs the throwaway cluster (DATABASE_URL is set)");
        return;
    }
    let port = db.config.pg_config().get_ports()[0];
    let url = format!(
        "postgres://pgbake_tls_only@127.0.0.1:{port}/{}?sslmode=disable",
        db.name
    );
    let error = pgbake::connect(&Config::new(&url).unwrap())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("add sslmode=require"), "{error}");
}

#[tokio::test]
async fn too_many_connections_says_to_lower_the_pool_size() {
    let db = TestDatabase::new().await.unwrap();
    db.create_login_role("pgbake_limited", "CONNECTION LIMIT 1")
        .await
        .unwrap();
    let port = db.config.pg_config().get_ports()[0];
    let url = format!(
        "postgres://pgbake_limited@127.0.0.1:{port}/{}?sslmode=disable",
        db.name
    );
    let config = Config::new(&url).unwrap().connect_retries(0);
    let _first = pgbake::connect_direct(&config).await.unwrap();
    let error = pgbake::connect_direct(&config).await.unwrap_err();
    assert_eq!(error.sqlstate(), Some("53300"), "{error}");
    assert!(
        error.to_string().contains("lower DB_MAX_CONNECTIONS"),
        "{error}"
    );
}

#[tokio::test]
async fn a_missing_database_via_the_command_says_pgbake_db_create() {
    let db = TestDatabase::empty().await.unwrap();
    let url = pgbake::testing::replace_database(&db.url, "pgbake_never_created");
    let output = pgbake(&["migrate"], &[("DATABASE_URL", &url)]);
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains("pgbake db create"),
        "{}",
        text(&output.stderr)
    );
}

#[tokio::test]
async fn migrate_while_another_process_migrates_reports_the_lock_holder() {
    let db = TestDatabase::empty().await.unwrap();
    let (holder, pid) = crate::hold_migration_lock(&db).await;
    let output = pgbake(
        &["migrate", "--lock-timeout", "1"],
        &[("DATABASE_URL", &db.url)],
    );
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!("held by server process PID {pid}")),
        "{stderr}"
    );
    assert!(stderr.contains("another process is migrating"), "{stderr}");
    // Nothing was applied while waiting.
    let history: bool = crate::value(
        &holder,
        "SELECT to_regclass('refinery_schema_history') IS NULL",
    )
    .await;
    assert!(history);
}

#[tokio::test]
async fn a_connect_timeout_names_the_variable_to_raise() {
    // A listener that accepts and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let config = Config::new(&format!("postgres://u@127.0.0.1:{port}/x"))
        .unwrap()
        .connect_retries(0)
        .connect_timeout(Duration::from_millis(300));
    let error = pgbake::connect(&config).await.unwrap_err();
    assert!(matches!(error, Error::Connect { .. }), "{error}");
    assert!(error.to_string().contains("DB_CONNECT_TIMEOUT"), "{error}");
    drop(listener);
}

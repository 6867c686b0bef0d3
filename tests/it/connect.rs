//! Connection failures a user meets get an error that says what to do.

use std::time::Duration;

use pgbake::testing::TestDatabase;
use pgbake::{Config, Error};

#[tokio::test]
async fn a_dead_server_is_retried_then_reported_with_a_hint() {
    let port = pgbake::cluster::free_port().unwrap();
    let config = Config::new(&format!("postgres://postgres@127.0.0.1:{port}/app"))
        .unwrap()
        .connect_retries(2)
        .connect_timeout(Duration::from_secs(2));
    let started = std::time::Instant::now();
    let error = pgbake::connect(&config).await.unwrap_err();
    match &error {
        Error::Connect { attempts, hint, .. } => {
            assert_eq!(*attempts, 3);
            assert!(
                hint.as_deref()
                    .unwrap_or_default()
                    .contains("is the server running"),
                "{error}"
            );
        }
        other => panic!("expected Connect, got {other}"),
    }
    // Backoff of 200 ms then 400 ms happened between the attempts.
    assert!(started.elapsed() >= Duration::from_millis(600));
    assert!(
        error.to_string().contains(&format!("127.0.0.1:{port}/app")),
        "{error}"
    );
}

#[tokio::test]
async fn a_missing_database_says_how_to_create_it_without_retrying() {
    let db = TestDatabase::empty().await.unwrap();
    let url = pgbake::testing::replace_database(&db.url, "no_such_database");
    let config = Config::new(&url).unwrap();
    let error = pgbake::connect(&config).await.unwrap_err();
    match &error {
        Error::Connect {
            attempts,
            sqlstate,
            hint,
            ..
        } => {
            assert_eq!(*attempts, 1, "a missing database is not worth retrying");
            assert_eq!(sqlstate.as_deref(), Some("3D000"));
            assert!(
                hint.as_deref()
                    .unwrap_or_default()
                    .contains("pgbake db create"),
                "{error}"
            );
        }
        other => panic!("expected Connect, got {other}"),
    }
}

#[tokio::test]
async fn the_pool_reports_an_acquire_timeout() {
    let db = TestDatabase::new().await.unwrap();
    let config = db
        .config
        .clone()
        .max_connections(1)
        .acquire_timeout(Duration::from_millis(200));
    let pool = pgbake::connect(&config).await.unwrap();
    let _held = pool.get().await.unwrap();
    let error = pgbake::acquire(&pool, &config).await.unwrap_err();
    assert!(matches!(error, Error::AcquireTimeout(_)), "{error}");
    assert!(error.to_string().contains("DB_MAX_CONNECTIONS"), "{error}");
}

//! `migrate()`: locking, transactions, refusals and the report, against a real server.

use std::time::Duration;

use pgbake::testing::TestDatabase;
use pgbake::{EmbeddedMigration, EmbeddedScript, Error, Migrator};

use crate::{advisory_locks, migration_set};

#[tokio::test]
async fn applies_the_reference_schema_once_and_reports_each_migration() {
    let db = TestDatabase::empty().await.unwrap();
    let report = pgbake::migrate(&db.pool, pgbake::MIGRATIONS).await.unwrap();
    let versions: Vec<i64> = report.applied.iter().map(|m| m.version).collect();
    let expected: Vec<i64> = pgbake::MIGRATIONS.iter().map(|m| m.version).collect();
    assert_eq!(versions, expected);
    assert!(report.applied.iter().all(|m| m.duration > Duration::ZERO));

    let again = pgbake::migrate(&db.pool, pgbake::MIGRATIONS).await.unwrap();
    assert!(again.applied.is_empty());
    assert_eq!(again.already_applied, expected.len());

    let client = db.connect().await.unwrap();
    assert_eq!(
        advisory_locks(&client).await,
        0,
        "the migration lock outlived migrate()"
    );
}

#[tokio::test]
async fn reference_schema_has_uuidv7_keys_and_updated_at_triggers() {
    let db = TestDatabase::new().await.unwrap();
    let client = db.connect().await.unwrap();
    let row = client
        .query_one(
            "INSERT INTO companies (name, slug) VALUES ('Acme', 'acme') RETURNING id, updated_at",
            &[],
        )
        .await
        .unwrap();
    let id: uuid::Uuid = row.get(0);
    assert_eq!(id.get_version_num(), 7);
    let first: chrono::DateTime<chrono::Utc> = row.get(1);
    let later = client
        .query_one(
            "UPDATE companies SET name = 'Acme Corp' WHERE id = $1 RETURNING updated_at",
            &[&id],
        )
        .await
        .unwrap();
    let second: chrono::DateTime<chrono::Utc> = later.get(0);
    assert!(second > first, "updated_at did not move on UPDATE");

    // Keys carry the current time in milliseconds, so keys made in later milliseconds sort later.
    let mut ids = Vec::new();
    for _ in 0..5 {
        let id: uuid::Uuid = crate::value(&client, "SELECT uuid_generate_v7()").await;
        ids.push(id);
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    let (seconds, _) = ids[0]
        .get_timestamp()
        .expect("a v7 uuid has a timestamp")
        .to_unix();
    let now = chrono::Utc::now().timestamp() as u64;
    assert!(
        now.abs_diff(seconds) < 60,
        "uuid time {seconds} is not now ({now})"
    );

    // Every foreign key column leads some index.
    let unindexed: Vec<String> = crate::column(
        &client,
        "SELECT c.conrelid::regclass::text || '.' || a.attname
             FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
             WHERE c.contype = 'f'
               AND NOT EXISTS (SELECT 1 FROM pg_index i
                               WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])",
    )
    .await;
    assert!(
        unindexed.is_empty(),
        "foreign keys without an index: {unindexed:?}"
    );
}

#[tokio::test]
async fn concurrent_migrators_apply_each_migration_exactly_once() {
    let db = TestDatabase::empty().await.unwrap();
    let set = migration_set(&[
        (1, "counter", "CREATE TABLE runs (migration int NOT NULL);"),
        (
            2,
            "slow",
            "SELECT pg_sleep(0.2); INSERT INTO runs VALUES (2);",
        ),
        (3, "third", "INSERT INTO runs VALUES (3);"),
    ]);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let mut client = db.connect().await.unwrap();
        tasks.push(tokio::spawn(async move {
            Migrator::new(set).run_on(&mut client).await
        }));
    }
    let mut applied = 0;
    for task in tasks {
        applied += task.await.unwrap().unwrap().applied.len();
    }
    assert_eq!(applied, 3);
    let client = db.connect().await.unwrap();
    let runs: Vec<i32> = client
        .query("SELECT migration FROM runs ORDER BY migration", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(runs, [2, 3]);
    assert_eq!(advisory_locks(&client).await, 0);
}

#[tokio::test]
async fn an_edited_migration_is_refused_but_line_endings_are_not_an_edit() {
    let db = TestDatabase::empty().await.unwrap();
    let mut client = db.connect().await.unwrap();
    let original = migration_set(&[(
        1,
        "init",
        "CREATE TABLE t (a int);\nCREATE TABLE u (b int);\n",
    )]);
    Migrator::new(original).run_on(&mut client).await.unwrap();

    let crlf = migration_set(&[(
        1,
        "init",
        "\u{feff}CREATE TABLE t (a int);\r\nCREATE TABLE u (b int);\r\n",
    )]);
    Migrator::new(crlf).run_on(&mut client).await.unwrap();

    let edited = migration_set(&[(
        1,
        "init",
        "CREATE TABLE t (a bigint);\nCREATE TABLE u (b int);\n",
    )]);
    let error = Migrator::new(edited).run_on(&mut client).await.unwrap_err();
    assert!(
        matches!(error, Error::MigrationEdited { version: 1, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("V1__init was edited"), "{error}");
    assert_eq!(advisory_locks(&client).await, 0);
}

#[tokio::test]
async fn a_migration_missing_from_the_binary_is_refused() {
    let db = TestDatabase::empty().await.unwrap();
    let mut client = db.connect().await.unwrap();
    let both = migration_set(&[(1, "a", "SELECT 1;"), (2, "b", "SELECT 2;")]);
    Migrator::new(both).run_on(&mut client).await.unwrap();
    let only_first = migration_set(&[(1, "a", "SELECT 1;")]);
    let error = Migrator::new(only_first)
        .run_on(&mut client)
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::MigrationMissing { version: 2, .. }),
        "{error}"
    );
}

#[tokio::test]
async fn out_of_order_versions_are_refused_unless_allowed() {
    let db = TestDatabase::empty().await.unwrap();
    let mut client = db.connect().await.unwrap();
    Migrator::new(migration_set(&[
        (1, "a", "SELECT 1;"),
        (3, "c", "SELECT 3;"),
    ]))
    .run_on(&mut client)
    .await
    .unwrap();
    let with_gap = migration_set(&[
        (1, "a", "SELECT 1;"),
        (2, "b", "CREATE TABLE late (x int);"),
        (3, "c", "SELECT 3;"),
    ]);
    let error = Migrator::new(with_gap)
        .run_on(&mut client)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::MigrationOutOfOrder {
                version: 2,
                newest_applied: 3,
                ..
            }
        ),
        "{error}"
    );
    let report = Migrator::new(with_gap)
        .allow_out_of_order(true)
        .run_on(&mut client)
        .await
        .unwrap();
    assert_eq!(report.applied.len(), 1);
    assert_eq!(report.applied[0].version, 2);
}

#[tokio::test]
async fn a_failing_migration_rolls_back_whole_and_reports_sqlstate_and_line() {
    let db = TestDatabase::empty().await.unwrap();
    let set = migration_set(&[
        (1, "ok", "CREATE TABLE a (x int);"),
        (
            2,
            "broken",
            "CREATE TABLE b (x int);\n\nINSERT INTO no_such_table VALUES (1);\n",
        ),
        (3, "never", "CREATE TABLE c (x int);"),
    ]);
    let error = pgbake::Migrator::new(set).run(&db.pool).await.unwrap_err();
    match &error {
        Error::MigrationFailed {
            version,
            sqlstate,
            message,
            line,
            ..
        } => {
            assert_eq!(*version, 2);
            assert_eq!(sqlstate, "42P01");
            assert!(message.contains("no_such_table"), "{message}");
            assert_eq!(*line, Some(3));
        }
        other => panic!("expected MigrationFailed, got {other}"),
    }
    assert_eq!(error.sqlstate(), Some("42P01"));
    let client = db.connect().await.unwrap();
    let tables: Vec<String> = crate::column(
        &client,
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
    .await;
    assert_eq!(
        tables,
        ["a", "refinery_schema_history"],
        "migration 2 was half-applied"
    );
    let history: i64 = crate::value(&client, "SELECT count(*) FROM refinery_schema_history").await;
    assert_eq!(history, 1);
    assert_eq!(
        advisory_locks(&client).await,
        0,
        "an error left the migration lock held"
    );
}

#[tokio::test]
async fn no_transaction_migrations_run_statement_by_statement() {
    let db = TestDatabase::empty().await.unwrap();
    let set: &'static [EmbeddedMigration] = Box::leak(Box::new([
        EmbeddedMigration {
            version: 1,
            name: "table",
            up: EmbeddedScript {
                sql: "CREATE TABLE t (a int);",
                no_transaction: false,
                statements: &[],
            },
            down: None,
        },
        EmbeddedMigration {
            version: 2,
            name: "index",
            up: EmbeddedScript {
                sql: "-- pgbake:no-transaction\nCREATE INDEX CONCURRENTLY t_a ON t (a);\nCREATE INDEX CONCURRENTLY t_a2 ON t (a);\n",
                no_transaction: true,
                statements: &[
                    "CREATE INDEX CONCURRENTLY t_a ON t (a)",
                    "CREATE INDEX CONCURRENTLY t_a2 ON t (a)",
                ],
            },
            down: None,
        },
    ]));
    let report = Migrator::new(set).run(&db.pool).await.unwrap();
    assert_eq!(report.applied.len(), 2);
    let client = db.connect().await.unwrap();
    let indexes: i64 = crate::value(
        &client,
        "SELECT count(*) FROM pg_indexes WHERE tablename = 't'",
    )
    .await;
    assert_eq!(indexes, 2);
}

#[tokio::test]
async fn waiting_for_the_lock_times_out_naming_the_holder() {
    let db = TestDatabase::empty().await.unwrap();
    let (holder, holder_pid) = crate::hold_migration_lock(&db).await;

    let set = migration_set(&[(1, "a", "CREATE TABLE a (x int);")]);
    let error = Migrator::new(set)
        .lock_timeout(Duration::from_millis(600))
        .run(&db.pool)
        .await
        .unwrap_err();
    match &error {
        Error::MigrationLockTimeout {
            holder_pid: pid,
            waited,
        } => {
            assert_eq!(*pid, Some(holder_pid));
            assert!(*waited >= Duration::from_millis(600));
        }
        other => panic!("expected MigrationLockTimeout, got {other}"),
    }
    assert!(
        error.to_string().contains(&format!("PID {holder_pid}")),
        "{error}"
    );

    // Once the holder goes away, migrating proceeds.
    drop(holder);
    let report = Migrator::new(set)
        .lock_timeout(Duration::from_secs(10))
        .run(&db.pool)
        .await
        .unwrap();
    assert_eq!(report.applied.len(), 1);
}

#[tokio::test]
async fn databases_of_one_cluster_migrate_at_the_same_time() {
    // The reference schema creates a cluster-wide role; the migration lock is per
    // database, so several databases migrating at once race to create it.
    let mut databases = Vec::new();
    for _ in 0..6 {
        databases.push(TestDatabase::empty().await.unwrap());
    }
    let runs: Vec<_> = databases
        .iter()
        .map(|db| {
            let pool = db.pool.clone();
            tokio::spawn(async move { pgbake::migrate(&pool, pgbake::MIGRATIONS).await })
        })
        .collect();
    for run in runs {
        let report = run.await.unwrap().unwrap();
        assert_eq!(report.applied.len(), pgbake::MIGRATIONS.len());
    }
}

//! Faults against a real server of the test's own: the server killed mid-migration, a
//! restart under a live pool, a lock holder killed, a lock timeout.

use std::process::Command;
use std::time::Duration;

use pgbake::cluster::{LocalCluster, free_port};
use pgbake::testing::TestDatabase;
use pgbake::{Config, Error, Migrator};

use crate::{migration_set, temp_dir};

/// A cluster only this test uses (it gets killed and restarted); stopped and deleted on drop.
struct OwnCluster {
    cluster: LocalCluster,
}

impl OwnCluster {
    /// Durable settings (fsync and synchronous commit on): a crash must not lose a commit.
    fn start(label: &str) -> OwnCluster {
        let root = temp_dir(label);
        let cluster = LocalCluster::new(&root, free_port().unwrap()).unwrap();
        cluster.init().unwrap();
        cluster.start().unwrap();
        OwnCluster { cluster }
    }

    fn url(&self) -> String {
        self.cluster.url("postgres")
    }

    /// SIGKILL to the postmaster and every server process: a crash, not a shutdown.
    fn kill(&self) {
        let pid_file =
            std::fs::read_to_string(self.cluster.data_dir().join("postmaster.pid")).unwrap();
        let pid = pid_file.lines().next().unwrap().trim().to_string();
        // Find the children before the postmaster dies (then they are reparented), kill the
        // postmaster first so it cannot restart them, then the children.
        let children = Command::new("pgrep").args(["-P", &pid]).output().unwrap();
        let children: Vec<String> = String::from_utf8_lossy(&children.stdout)
            .split_whitespace()
            .map(String::from)
            .collect();
        Command::new("kill").args(["-9", &pid]).status().unwrap();
        for child in &children {
            let _ = Command::new("kill").args(["-9", child]).status();
        }
        let alive = |p: &str| {
            Command::new("kill")
                .args(["-0", p])
                .status()
                .is_ok_and(|s| s.success())
        };
        for _ in 0..50 {
            if !alive(&pid) && !children.iter().any(|c| alive(c)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the server processes did not die");
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = self.cluster.stop();
        let _ = std::fs::remove_dir_all(&self.cluster.root);
    }
}

#[tokio::test]
async fn a_server_crash_mid_migration_leaves_nothing_half_applied() {
    let own = OwnCluster::start("crash");
    let set = migration_set(&[
        (1, "base", "CREATE TABLE base (x int);"),
        (
            2,
            "long",
            "CREATE TABLE first_half (x int);\nSELECT pg_sleep(3);\nCREATE TABLE second_half (x int);",
        ),
    ]);
    let url = own.url();
    let running = tokio::spawn(async move {
        let mut client = pgbake::testing::connect(&url).await.unwrap();
        Migrator::new(set).run_on(&mut client).await
    });
    // Wait until migration 2 is running, then crash the server.
    let watcher = pgbake::testing::connect(&own.url()).await.unwrap();
    for _ in 0..100 {
        let sleeping: i64 = crate::value(&watcher, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()").await;
        if sleeping > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(watcher);
    own.kill();
    let error = running.await.unwrap().unwrap_err();
    assert!(
        matches!(&error, Error::MigrationFailed { version: 2, .. }),
        "expected migration 2 to fail with the connection, got {error}"
    );

    own.cluster.start().unwrap();
    let client = pgbake::testing::connect(&own.url()).await.unwrap();
    let (history, half): (i64, bool) = {
        let row = client
            .query_one(
                "SELECT (SELECT count(*) FROM refinery_schema_history), to_regclass('first_half') IS NOT NULL",
                &[],
            )
            .await
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!(
        history, 1,
        "only migration 1 may be recorded after the crash"
    );
    assert!(!half, "migration 2 was half-applied");

    // After the restart, the same migrations complete.
    let mut client = pgbake::testing::connect(&own.url()).await.unwrap();
    let finished = tokio::time::timeout(
        Duration::from_secs(60),
        Migrator::new(set).run_on(&mut client),
    )
    .await;
    let report = finished.expect("migrate after the restart hung").unwrap();
    assert_eq!(report.applied.len(), 1);
    let both: bool = crate::value(
        &client,
        "SELECT to_regclass('first_half') IS NOT NULL AND to_regclass('second_half') IS NOT NULL",
    )
    .await;
    assert!(both);
}

#[tokio::test]
async fn a_pool_survives_a_server_restart_without_handing_out_dead_connections() {
    let own = OwnCluster::start("restart");
    let config = Config::new(&own.url())
        .unwrap()
        .max_connections(4)
        .connect_retries(0);
    let pool = pgbake::connect(&config).await.unwrap();
    // Fill the pool with open connections.
    let held: Vec<_> = futures_util::future::join_all((0..4).map(|_| pool.get())).await;
    for client in &held {
        client
            .as_ref()
            .unwrap()
            .query_one("SELECT 1", &[])
            .await
            .unwrap();
    }
    drop(held);

    own.cluster.stop().unwrap();
    let during = async {
        let client = pool.get().await?;
        client.query_one("SELECT 1", &[]).await?;
        Ok::<_, Error>(())
    }
    .await
    .unwrap_err();
    let message = during.to_string();
    assert!(
        message.contains("is the server running") || message.contains("retry the call"),
        "unclear error during the outage: {message}"
    );

    own.cluster.start().unwrap();
    for attempt in 0..12 {
        let client = pool
            .get()
            .await
            .unwrap_or_else(|e| panic!("attempt {attempt} after recovery: {e}"));
        let one: i32 = client
            .query_one("SELECT 1", &[])
            .await
            .unwrap_or_else(|e| panic!("attempt {attempt}: a dead connection was handed out: {e}"))
            .get(0);
        assert_eq!(one, 1);
    }
}

#[tokio::test]
async fn a_killed_lock_holder_does_not_block_migrations() {
    let db = TestDatabase::empty().await.unwrap();
    let psql = pgbake::cluster::find_bin_dir().unwrap().join("psql");
    // A session like a migrator's: it holds the lock while a long statement runs, and the
    // server checks for a vanished client every second.
    let mut holder = Command::new(psql)
        .args([
            "-X",
            "-q",
            "--dbname",
            &db.url,
            "-c",
            "SET client_connection_check_interval = '1s'",
            "-c",
            &format!("SELECT pg_advisory_lock({})", pgbake::MIGRATION_LOCK_KEY),
            "-c",
            "SELECT pg_sleep(600)",
        ])
        .spawn()
        .unwrap();
    let client = db.connect().await.unwrap();
    for _ in 0..100 {
        if pgbake::lock_holder(&client).await.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        pgbake::lock_holder(&client).await.is_some(),
        "psql never took the lock"
    );
    holder.kill().unwrap();
    holder.wait().unwrap();
    let set = migration_set(&[(1, "a", "CREATE TABLE a (x int);")]);
    let report = Migrator::new(set)
        .lock_timeout(Duration::from_secs(20))
        .run(&db.pool)
        .await
        .unwrap();
    assert_eq!(report.applied.len(), 1);
}

#[tokio::test]
async fn a_lock_timeout_inside_a_migration_is_reported_and_applies_nothing() {
    let db = TestDatabase::empty().await.unwrap();
    let mut client = db.connect().await.unwrap();
    Migrator::new(migration_set(&[(1, "t", "CREATE TABLE t (x int);")]))
        .run_on(&mut client)
        .await
        .unwrap();
    // Another session reads t in an open transaction: ALTER TABLE must wait for it.
    let mut blocker = db.connect().await.unwrap();
    let transaction = blocker.transaction().await.unwrap();
    transaction
        .batch_execute("LOCK TABLE t IN ACCESS SHARE MODE")
        .await
        .unwrap();

    let set = migration_set(&[
        (1, "t", "CREATE TABLE t (x int);"),
        (
            2,
            "add",
            "SET LOCAL lock_timeout = '300ms';\nCREATE TABLE side (y int);\nALTER TABLE t ADD COLUMN y int;",
        ),
    ]);
    let error = Migrator::new(set).run_on(&mut client).await.unwrap_err();
    match &error {
        Error::MigrationFailed {
            version, sqlstate, ..
        } => {
            assert_eq!((*version, sqlstate.as_str()), (2, "55P03"));
        }
        other => panic!("expected a lock timeout, got {other}"),
    }
    assert!(error.to_string().contains("nothing was applied"), "{error}");
    transaction.rollback().await.unwrap();
    let (history, side): (i64, bool) = {
        let row = client
            .query_one(
                "SELECT (SELECT count(*) FROM refinery_schema_history), to_regclass('side') IS NOT NULL",
                &[],
            )
            .await
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!((history, side), (1, false));
}

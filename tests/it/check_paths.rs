//! `migrate check` walks linearly and still sees what only an upgrade path shows: state one
//! migration leaves in its session changes what the next one does in a fresh install.

use pgbake::Config;
use pgbake::testing::server;

#[tokio::test]
async fn an_upgrade_that_differs_from_a_fresh_install_is_caught_at_its_version() {
    let _one_at_a_time = crate::reversibility::CHECKS.lock().await;
    // V1 leaves a session setting behind: in a fresh install V2's default reads `\\` as an
    // escape, in an upgrade from V1 (a new session) as two backslashes.
    let set = crate::migration_set(&[
        (1, "schema", "SET standard_conforming_strings = off;"),
        (2, "table", r"CREATE TABLE t (x text DEFAULT 'a\\b');"),
        (3, "later", "CREATE TABLE u (y bigint);"),
    ]);
    let config = Config::new(&server().unwrap().admin_url).unwrap();
    let mut steps = Vec::new();
    let results = pgbake::check_migrations_with_progress(&config, set, &mut |step| {
        steps.push((step.done, step.total))
    })
    .await
    .unwrap();
    assert_eq!(steps, [(1, 3), (2, 3), (3, 3)]);
    let failed: Vec<&str> = results
        .iter()
        .filter(|r| r.difference.is_some())
        .map(|r| r.name.as_str())
        .collect();
    // Caught at the version whose upgrade first differs; the database it leaves differs from a
    // fresh install from then on, as an upgrade from V2 would too.
    assert_eq!(
        failed,
        [
            "upgrade from V1__schema = fresh install",
            "upgrade from V2__table = fresh install"
        ],
        "{results:?}"
    );
}

#[tokio::test]
async fn a_failing_down_script_is_a_failed_check_not_an_aborted_run() {
    let _one_at_a_time = crate::reversibility::CHECKS.lock().await;
    let set: &'static [pgbake::EmbeddedMigration] =
        Box::leak(Box::new([pgbake::EmbeddedMigration {
            version: 1,
            name: "broken_down",
            up: pgbake::EmbeddedScript {
                sql: "CREATE TABLE a (x bigint);",
                no_transaction: false,
                statements: &[],
            },
            down: Some(pgbake::EmbeddedScript {
                sql: "DROP TABLE not_there;",
                no_transaction: false,
                statements: &[],
            }),
        }]));
    let config = Config::new(&server().unwrap().admin_url).unwrap();
    let results = pgbake::check_migrations(&config, set).await.unwrap();
    let failed = results
        .iter()
        .find(|r| r.name == "V1__broken_down: up, down, up")
        .and_then(|r| r.difference.as_deref())
        .unwrap_or_default();
    assert!(failed.contains("the down script failed"), "{results:?}");
}

//! Reversibility: up, down, up leaves the same schema, and every upgrade path equals a
//! fresh install (`pgbake migrate check`).

use pgbake::testing::server;
use pgbake::{Config, EmbeddedMigration, EmbeddedScript};

use crate::{pgbake, text};

/// The checks create and drop scratch databases; one at a time, so a test can see that
/// none are left behind.
pub static CHECKS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn admin_config() -> Config {
    Config::new(&server().unwrap().admin_url).unwrap()
}

#[tokio::test]
async fn every_reference_migration_reverts_cleanly_and_upgrades_match_a_fresh_install() {
    let _one_at_a_time = CHECKS.lock().await;
    let results = pgbake::check_migrations(&admin_config(), pgbake::MIGRATIONS)
        .await
        .unwrap();
    let failures: Vec<String> = results
        .iter()
        .filter_map(|r| r.difference.as_ref().map(|d| format!("{}:\n{d}", r.name)))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // One up/down/up check and one upgrade-path check per migration.
    assert_eq!(results.len(), pgbake::MIGRATIONS.len() * 2);
}

#[tokio::test]
async fn a_down_script_that_forgets_something_is_caught() {
    let _one_at_a_time = CHECKS.lock().await;
    let set: &'static [EmbeddedMigration] = Box::leak(Box::new([EmbeddedMigration {
        version: 1,
        name: "leaky",
        up: EmbeddedScript {
            sql: "CREATE TABLE a (x int); CREATE TABLE b (y int);",
            no_transaction: false,
            statements: &[],
        },
        // Forgets table b.
        down: Some(EmbeddedScript {
            sql: "DROP TABLE a;",
            no_transaction: false,
            statements: &[],
        }),
    }]));
    let results = pgbake::check_migrations(&admin_config(), set)
        .await
        .unwrap();
    let leaky = results
        .iter()
        .find(|r| r.name.starts_with("V1__leaky: up, down, up"))
        .unwrap();
    let difference = leaky.difference.as_deref().expect("the leak must be found");
    assert!(
        difference.contains("down left a different schema"),
        "{difference}"
    );
    assert!(difference.contains("CREATE TABLE public.b"), "{difference}");
    // Scratch databases are dropped afterwards.
    let admin = pgbake::testing::connect(&server().unwrap().admin_url)
        .await
        .unwrap();
    let left: i64 = crate::value(
        &admin,
        "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgbake_check_%'",
    )
    .await;
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_command_reports_each_check() {
    let _one_at_a_time = CHECKS.lock().await;
    let url = server().unwrap().admin_url.clone();
    let output = pgbake(&["migrate", "check"], &[("DATABASE_URL", &url)]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(
        stdout.contains("ok    V2__companies_and_users: up, down, up"),
        "{stdout}"
    );
    assert!(stdout.contains("0 failed"), "{stdout}");
}

#[tokio::test]
async fn migrate_check_drops_only_the_scratch_databases_it_created() {
    let _one_at_a_time = CHECKS.lock().await;
    let admin = pgbake::testing::connect(&server().unwrap().admin_url)
        .await
        .unwrap();
    let check =
        tokio::spawn(async { pgbake::check_migrations(&admin_config(), pgbake::MIGRATIONS).await });
    // Another run's scratch database whose name extends this run's prefix (a run with a
    // longer tag): a pattern match (`LIKE prefix%`, where `_` is any character) takes it.
    let mut decoy = None;
    for _ in 0..200 {
        let fresh: Option<String> = admin
            .query_opt(
                "SELECT datname::text FROM pg_database WHERE datname LIKE 'pgbake\\_check\\_%\\_fresh'",
                &[],
            )
            .await
            .unwrap()
            .map(|r| r.get(0));
        if let Some(fresh) = fresh {
            let name = format!("{}9_other_run", fresh.trim_end_matches("_fresh"));
            admin
                .batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .await
                .unwrap();
            decoy = Some(name);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let decoy = decoy.expect("the check's scratch database never appeared");
    check.await.unwrap().unwrap();
    let remaining: Vec<String> = crate::column(
        &admin,
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'pgbake\\_check\\_%'",
    )
    .await;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS \"{decoy}\""))
        .await
        .unwrap();
    assert_eq!(
        remaining,
        vec![decoy],
        "the check dropped another run's database or left its own"
    );
}

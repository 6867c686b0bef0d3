//! Destructive commands are guarded the same way everywhere: revert targets, `--yes`,
//! production in any spelling, bounded lock waits of down scripts, an empty DATABASE_URL.

use std::time::{Duration, Instant};

use pgbake::testing::TestDatabase;

use crate::{pgbake, pgbake_in, temp_dir, text};

async fn applied(db: &TestDatabase) -> i64 {
    db.connect()
        .await
        .unwrap()
        .query_one("SELECT count(*) FROM refinery_schema_history", &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn down_refuses_unapplied_targets_asks_for_yes_and_holds_in_production() {
    let db = TestDatabase::new().await.unwrap();
    let all = pgbake::MIGRATIONS.len() as i64;
    let env = [("DATABASE_URL", db.url.as_str())];
    for target in ["--to=0", "--to=-7", "--to=2024010100000"] {
        let output = pgbake(&["migrate", "down", target, "--yes"], &env);
        let stderr = text(&output.stderr);
        assert!(!output.status.success(), "{target}: {stderr}");
        assert!(stderr.contains("is not an applied migration"), "{stderr}");
        assert!(stderr.contains("--all"), "{stderr}");
    }
    let no_yes = pgbake(&["migrate", "down", "--to", "1"], &env);
    let stdout = text(&no_yes.stdout);
    assert!(!no_yes.status.success());
    assert!(
        text(&no_yes.stderr).contains("without --yes"),
        "{}",
        text(&no_yes.stderr)
    );
    assert!(stdout.contains("plan: revert 5 migration(s)"), "{stdout}");
    assert_eq!(
        applied(&db).await,
        all,
        "a refused revert changed the history"
    );

    let dump = temp_dir("guards").join("x.sql.gz");
    std::fs::write(&dump, b"x").unwrap();
    for spelling in ["production", "prod", "Production\n", " PRODUCTION ", "Prod"] {
        let production = [env[0], ("PGBAKE_ENV", spelling)];
        for args in [
            &["migrate", "down", "--to", "1", "--yes"][..],
            &["migrate", "down", "--all", "--yes"][..],
            &["db", "drop", "--yes"][..],
            &["db", "reset", "--yes"][..],
            &["restore", dump.to_str().unwrap(), "--yes", "--clean"][..],
        ] {
            let output = pgbake(args, &production);
            let stderr = text(&output.stderr);
            assert!(!output.status.success(), "{spelling:?} {args:?}");
            assert!(
                stderr.contains("production"),
                "{spelling:?} {args:?}: {stderr}"
            );
        }
        assert_eq!(applied(&db).await, all, "{spelling:?} let a revert through");
    }
    // Not even one step in production; a dry run still shows the plan.
    let one = pgbake(
        &["migrate", "down", "--steps", "1"],
        &[env[0], ("PGBAKE_ENV", "production")],
    );
    assert!(!one.status.success());
    assert!(
        text(&one.stderr).contains("nothing was changed"),
        "{}",
        text(&one.stderr)
    );
    let dry = pgbake(
        &["migrate", "down", "--steps", "1", "--dry-run"],
        &[env[0], ("PGBAKE_ENV", "production")],
    );
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert!(text(&dry.stdout).contains("plan: revert 1 migration(s)"));
    assert_eq!(applied(&db).await, all, "a revert ran in production");
    let everything = pgbake(&["migrate", "down", "--all", "--yes"], &env);
    assert!(everything.status.success(), "{}", text(&everything.stderr));
    assert_eq!(applied(&db).await, 0);
}

#[tokio::test]
async fn a_down_script_waits_for_a_lock_only_briefly() {
    let db = TestDatabase::new().await.unwrap();
    let env = [("DATABASE_URL", db.url.as_str())];
    // V6's down script first; then V5's drops health_check, which a reader holds.
    assert!(
        pgbake(&["migrate", "down", "--steps", "1"], &env)
            .status
            .success()
    );
    let reader = db.connect().await.unwrap();
    reader
        .batch_execute("BEGIN; SELECT * FROM health_check")
        .await
        .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pgbake"))
        .args(["migrate", "down", "--steps", "1"])
        .env("DATABASE_URL", &db.url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let waited = started.elapsed();
    if child.try_wait().unwrap().is_none() {
        let _ = child.kill();
    }
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output.stderr);
    assert!(
        waited < Duration::from_secs(15),
        "the down script waited {waited:?} for the lock"
    );
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("55P03") && stderr.contains("lock"),
        "{stderr}"
    );
    reader.batch_execute("COMMIT").await.unwrap();
    assert_eq!(
        applied(&db).await,
        pgbake::MIGRATIONS.len() as i64 - 1,
        "V5 must stay applied"
    );
}

#[test]
fn an_empty_database_url_is_an_error_and_production_never_falls_back() {
    let dir = temp_dir("empty-url");
    for value in ["", "   ", "\n"] {
        for args in [&["migrate"][..], &["health"][..]] {
            let output = pgbake_in(Some(&dir), args, &[("DATABASE_URL", value)]);
            let stderr = text(&output.stderr);
            assert!(!output.status.success(), "{args:?} with {value:?}");
            assert!(
                stderr.contains("invalid DATABASE_URL: set but empty"),
                "{stderr}"
            );
        }
    }
    let production = pgbake_in(Some(&dir), &["migrate"], &[("PGBAKE_ENV", "prod")]);
    let stderr = text(&production.stderr);
    assert!(!production.status.success());
    assert!(
        stderr.contains("DATABASE_URL is not set and PGBAKE_ENV is production"),
        "{stderr}"
    );
    assert!(!dir.join(".pgbake").exists(), "a local server was set up");
    let _ = std::fs::remove_dir_all(dir);
}

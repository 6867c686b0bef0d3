//! The `pgbake` binary: `migrate` output, exit codes, N processes at once, bad environment.

use std::process::{Command, Output};

use pgbake::testing::TestDatabase;

fn pgbake(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pgbake"));
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("MIGRATION_DATABASE_URL");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn migrate_prints_one_line_per_migration_then_up_to_date() {
    let db = TestDatabase::empty().await.unwrap();
    let first = pgbake(&["migrate"], &[("DATABASE_URL", &db.url)]);
    let stdout = text(&first.stdout);
    assert!(first.status.success(), "{stdout}{}", text(&first.stderr));
    for migration in pgbake::MIGRATIONS {
        let line = format!("applied V{}__{} in ", migration.version, migration.name);
        assert!(stdout.contains(&line), "missing `{line}` in:\n{stdout}");
    }
    let second = pgbake(&["migrate"], &[("DATABASE_URL", &db.url)]);
    assert!(second.status.success());
    assert!(
        text(&second.stdout).contains("is up to date"),
        "{}",
        text(&second.stdout)
    );
}

#[tokio::test]
async fn processes_booting_together_apply_each_migration_once() {
    let db = TestDatabase::empty().await.unwrap();
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_pgbake"))
                .arg("migrate")
                .env("DATABASE_URL", &db.url)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut applied_lines = 0;
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
        applied_lines += text(&output.stdout)
            .lines()
            .filter(|l| l.starts_with("applied "))
            .count();
    }
    assert_eq!(applied_lines, pgbake::MIGRATIONS.len());
}

#[test]
fn a_bad_environment_variable_is_named() {
    let output = pgbake(
        &["migrate"],
        &[
            ("DATABASE_URL", "postgres://u@127.0.0.1:1/x"),
            ("DB_MAX_CONNECTIONS", "lots"),
        ],
    );
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("invalid DB_MAX_CONNECTIONS: `lots` is not a whole number"),
        "{stderr}"
    );
}

#[test]
fn a_dead_server_fails_with_a_hint() {
    let port = pgbake::cluster::free_port().unwrap();
    let url = format!("postgres://postgres@127.0.0.1:{port}/app");
    let output = pgbake(
        &["migrate"],
        &[("DATABASE_URL", &url), ("DB_CONNECT_RETRIES", "0")],
    );
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(stderr.contains("is the server running"), "{stderr}");
}

#[test]
fn describe_and_lint_work_without_a_database() {
    let sql = format!("{}/sql", env!("CARGO_MANIFEST_DIR"));
    let described = pgbake(&["describe", "--sql", &sql, "--format", "json"], &[]);
    assert!(described.status.success(), "{}", text(&described.stderr));
    let json: serde_json::Value = serde_json::from_slice(&described.stdout).unwrap();
    assert_eq!(json["errors"].as_array().unwrap().len(), 0);
    let user_by_email = json["queries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == "user_by_email")
        .expect("users::user_by_email is described");
    assert_eq!(user_by_email["module"], "users");
    assert_eq!(user_by_email["params"][0]["pg_type"], "text");
    assert_eq!(user_by_email["columns"][0]["rust_type"], "uuid::Uuid");

    let lint = pgbake(&["lint", "--sql", &sql, "--deny"], &[]);
    assert!(lint.status.success(), "{}", text(&lint.stdout));
    assert!(
        text(&lint.stdout).starts_with("0 finding(s)"),
        "{}",
        text(&lint.stdout)
    );

    let missing = pgbake(&["describe", "--sql", "/no/such/folder"], &[]);
    assert!(!missing.status.success());
    assert!(
        text(&missing.stderr).contains("is not a folder"),
        "{}",
        text(&missing.stderr)
    );
}

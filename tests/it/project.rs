//! The installed `pgbake` command on a project of its own: it reads that folder's `sql/`,
//! says what it applied as it goes, which script failed, when a history belongs to a
//! different migration set, and survives a closed pipe.

use std::path::Path;
use std::process::Stdio;

use pgbake::testing::TestDatabase;
use pgbake::{Error, Migrator};

use crate::{migration_set, pgbake_in, temp_dir, text};

/// A project folder with `sql/migrations/` holding `files` (name, text).
fn project(label: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = temp_dir(label);
    let migrations = dir.join("sql/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    for (name, sql) in files {
        std::fs::write(migrations.join(name), sql).unwrap();
    }
    dir
}

const TICKETS: &[(&str, &str)] = &[
    (
        "V1__tickets.sql",
        "CREATE TABLE tickets (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL);\n",
    ),
    (
        "V1__tickets.down.sql",
        "SET LOCAL lock_timeout = '5s';\nDROP TABLE tickets;\n",
    ),
    (
        "V2__ticket_notes.sql",
        "CREATE TABLE ticket_notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL);\n",
    ),
    (
        "V2__ticket_notes.down.sql",
        "SET LOCAL lock_timeout = '5s';\nDROP TABLE ticket_notes;\n",
    ),
];

async fn public_tables(db: &TestDatabase) -> Vec<String> {
    let client = db.connect().await.unwrap();
    crate::column(&client, crate::PUBLIC_TABLES).await
}

fn run(dir: &Path, args: &[&str], db: &TestDatabase) -> (bool, String, String) {
    let output = pgbake_in(Some(dir), args, &[("DATABASE_URL", &db.url)]);
    (
        output.status.success(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

#[tokio::test]
async fn the_installed_command_migrates_reports_and_reverts_the_projects_own_folder() {
    let dir = project("own-project", TICKETS);
    let db = TestDatabase::empty().await.unwrap();

    let (ok, stdout, stderr) = run(&dir, &["migrate"], &db);
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("applied V1__tickets in "), "{stdout}");
    assert!(stdout.contains("applied V2__ticket_notes in "), "{stdout}");
    assert_eq!(
        public_tables(&db).await,
        ["refinery_schema_history", "ticket_notes", "tickets"],
        "only the project's own schema"
    );

    let (ok, stdout, stderr) = run(&dir, &["migrate", "status", "--json"], &db);
    assert!(ok, "{stdout}{stderr}");
    let status: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let names: Vec<&str> = status["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tickets", "ticket_notes"]);

    let (ok, stdout, stderr) = run(&dir, &["migrate", "down", "--steps", "1"], &db);
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("reverted V2__ticket_notes"), "{stdout}");
    assert_eq!(
        public_tables(&db).await,
        ["refinery_schema_history", "tickets"]
    );

    // `--sql DIR` reads another folder, from anywhere.
    let elsewhere = temp_dir("own-project-elsewhere");
    let sql = dir.join("sql");
    let (ok, stdout, stderr) = run(
        &elsewhere,
        &["migrate", "--sql", sql.to_str().unwrap()],
        &db,
    );
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("applied V2__ticket_notes"), "{stdout}");

    // A folder without migrations says where it looked and what to do.
    let (ok, _, stderr) = run(&elsewhere, &["migrate", "status"], &db);
    assert!(!ok);
    assert!(
        stderr.contains("no migrations folder at sql/migrations")
            && stderr.contains("run pgbake in your project's folder"),
        "{stderr}"
    );

    // What the build refuses, the command refuses, and nothing runs.
    std::fs::write(dir.join("sql/migrations/V3__bad name.sql"), "SELECT 1;\n").unwrap();
    let (ok, _, stderr) = run(&dir, &["migrate"], &db);
    assert!(!ok);
    assert!(stderr.contains("V3__bad name.sql"), "{stderr}");
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&elsewhere);
}

#[tokio::test]
async fn a_failing_migration_is_reported_after_what_was_applied_naming_its_script() {
    let mut files = TICKETS.to_vec();
    files.push((
        "V3__broken.sql",
        "SELECT 1;\nSELECT * FROM no_such_table;\n",
    ));
    let dir = project("failing-up", &files);
    let db = TestDatabase::empty().await.unwrap();
    let (ok, stdout, stderr) = run(&dir, &["migrate"], &db);
    assert!(!ok);
    assert!(stdout.contains("applied V1__tickets in "), "{stdout}");
    assert!(stdout.contains("applied V2__ticket_notes in "), "{stdout}");
    assert!(
        stderr.contains("migration V3__broken failed in its up script (V3__broken.sql) at line 2"),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 migration(s) were applied before this one"),
        "{stderr}"
    );

    // A failing down script says so.
    std::fs::remove_file(dir.join("sql/migrations/V3__broken.sql")).unwrap();
    std::fs::write(
        dir.join("sql/migrations/V2__ticket_notes.down.sql"),
        "SET LOCAL lock_timeout = '5s';\nDROP TABLE no_such_table;\n",
    )
    .unwrap();
    let (ok, stdout, stderr) = run(&dir, &["migrate", "down", "--steps", "1"], &db);
    assert!(!ok, "{stdout}");
    assert!(
        stderr.contains(
            "migration V2__ticket_notes failed in its down script (V2__ticket_notes.down.sql)"
        ),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn another_applications_history_is_a_different_migration_set_never_an_edit() {
    // The database holds pgbake's reference schema (V1__foundation).
    let db = TestDatabase::new().await.unwrap();
    let tickets = migration_set(&[(1, "tickets", "CREATE TABLE tickets (id bigint);")]);
    let error = Migrator::new(tickets).run(&db.pool).await.unwrap_err();
    assert!(
        matches!(&error, Error::DifferentMigrationSet { version: 1, name: "tickets", applied_version: 1, applied_name } if applied_name == "foundation"),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains("different migration set")
            && message.contains("`foundation`")
            && message.contains("`tickets`")
            && !message.contains("edited"),
        "{message}"
    );
    // Returned from `main`, the error prints its sentence, not its fields.
    assert_eq!(format!("{error:?}"), message);

    let dir = project("different-set", TICKETS);
    let (ok, _, stderr) = run(&dir, &["migrate"], &db);
    assert!(!ok);
    assert!(
        stderr.contains("different migration set") && !stderr.contains("edited"),
        "{stderr}"
    );
    let (ok, stdout, _) = run(&dir, &["migrate", "status"], &db);
    assert!(!ok, "a problem exits 1");
    assert!(stdout.contains("different migration set"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_history_sharing_no_version_with_the_build_is_a_different_migration_set_not_a_missing_file()
 {
    // The database holds pgbake's reference schema (V1__foundation, V2…); the user's crate
    // numbers its migrations with timestamps.
    let db = TestDatabase::new().await.unwrap();
    let tickets = migration_set(&[
        (
            20240101120000,
            "tickets",
            "CREATE TABLE tickets (id bigint);",
        ),
        (20240102090000, "notes", "CREATE TABLE notes (id bigint);"),
    ]);
    let error = Migrator::new(tickets).run(&db.pool).await.unwrap_err();
    assert!(
        matches!(&error, Error::DifferentMigrationSet { applied_version: 1, applied_name, version: 20240101120000, name: "tickets" } if applied_name == "foundation"),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains("different migration set")
            && message.contains("V1__foundation")
            && message.contains("V20240101120000__tickets")
            && !message.contains("missing")
            && !message.contains("restore"),
        "{message}"
    );
    // Reverting refuses the same way, before touching anything.
    let client = db.connect().await.unwrap();
    let error = pgbake::plan_revert(&client, tickets, pgbake::RevertTarget::Steps(1))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::DifferentMigrationSet { .. }),
        "{error}"
    );

    // The command says so too, and `status` marks the database's rows that way.
    let dir = project(
        "no-common-version",
        &[(
            "V20240101120000__tickets.sql",
            "CREATE TABLE tickets (id bigint);\n",
        )],
    );
    let (ok, _, stderr) = run(&dir, &["migrate"], &db);
    assert!(!ok);
    assert!(
        stderr.contains("different migration set")
            && stderr.contains("V1__foundation")
            && !stderr.contains("restore its file"),
        "{stderr}"
    );
    let (ok, stdout, _) = run(&dir, &["migrate", "status"], &db);
    assert!(!ok, "a problem exits 1");
    assert!(
        stdout.contains("different migration set") && !stdout.contains("missing from this build"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn db_reset_without_a_seed_folder_migrates_and_seeds_nothing() {
    let dir = project("reset-no-seeds", TICKETS);
    let db = TestDatabase::empty().await.unwrap();
    let (ok, stdout, stderr) = run(&dir, &["db", "reset", "--yes"], &db);
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("applied 2 migration(s)"), "{stdout}");
    assert!(stdout.contains("nothing to seed"), "{stdout}");
    assert_eq!(
        public_tables(&db).await,
        ["refinery_schema_history", "ticket_notes", "tickets"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn no_command_panics_when_its_reader_goes_away() {
    let dir = project("broken-pipe", TICKETS);
    let db = TestDatabase::empty().await.unwrap();
    let commands: &[&[&str]] = &[
        &["migrate"],
        &["migrate", "status", "--json"],
        &["migrate", "status"],
        &["migrate", "--dry-run"],
        &["health", "--json"],
        &["lint"],
        &["describe"],
        &["--help"],
    ];
    for args in commands {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pgbake"))
            .args(*args)
            .current_dir(&dir)
            .env("DATABASE_URL", &db.url)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // `| head` that read nothing: the pipe is closed before the command writes.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = text(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(output.status.code(), Some(101), "{args:?}: {stderr}");
    }
    // The work was still done.
    assert_eq!(
        public_tables(&db).await,
        ["refinery_schema_history", "ticket_notes", "tickets"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

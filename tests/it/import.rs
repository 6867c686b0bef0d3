//! `pgbake migrate import` and `adopt`: another tool's folder, applied the way that tool does
//! (its SQL, its history table), is imported and adopted; then `migrate` applies only what is
//! new, `status` is clean, and the lint looks only past the baseline.

use std::path::Path;

use pgbake::cli::Tool;
use pgbake::testing::TestDatabase;

use crate::adoption::{
    apply_like_diesel, apply_like_refinery, apply_like_sectioned, apply_like_sqlx, fixture,
    load_migrations,
};
use crate::{pgbake, temp_dir, text};

const NEW_MIGRATION: &str = "CREATE TABLE notes (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    priority integer NOT NULL,\n    body text NOT NULL\n);\n";

fn import(tool: &str, from: &Path, sql: &Path) -> std::process::Output {
    pgbake(
        &[
            "migrate",
            "import",
            "--from",
            tool,
            from.to_str().unwrap(),
            "--sql",
            sql.to_str().unwrap(),
        ],
        &[],
    )
}

fn migration_files(sql: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(sql.join("migrations"))
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn every_tool_folder_is_imported_adopted_and_only_new_migrations_apply() {
    for (tool, name, count) in [
        (Tool::Diesel, "diesel", 5),
        (Tool::Sqlx, "sqlx", 5),
        (Tool::Goose, "goose", 3),
        (Tool::Dbmate, "dbmate", 3),
        (Tool::Refinery, "refinery", 3),
    ] {
        let db = TestDatabase::empty().await.unwrap();
        let mut client = db.connect().await.unwrap();
        match tool {
            Tool::Diesel => apply_like_diesel(&client, &fixture(name)).await,
            Tool::Sqlx => apply_like_sqlx(&client, &fixture(name)).await,
            Tool::Refinery => apply_like_refinery(&client, &fixture(name)).await,
            Tool::Goose | Tool::Dbmate => apply_like_sectioned(&client, name, &fixture(name)).await,
        }
        let sql = temp_dir(&format!("import-{name}"));
        let output = import(name, &fixture(name), &sql);
        let stdout = text(&output.stdout);
        assert!(
            output.status.success(),
            "{name}: {stdout}{}",
            text(&output.stderr)
        );
        assert!(
            stdout.contains(&format!("imported {count} {name} migration(s)")),
            "{stdout}"
        );
        assert!(stdout.contains("lint baseline: "), "{stdout}");
        std::fs::write(
            sql.join("migrations/V20990101000000__add_notes.sql"),
            NEW_MIGRATION,
        )
        .unwrap();

        // The imported folder builds; only the new migration is linted, and its
        // `priority integer` is not a key.
        let analysis = pgbake_codegen::Builder::new(&sql).analyze();
        let problems: Vec<String> = analysis.diagnostics.iter().map(|d| d.render()).collect();
        assert!(problems.is_empty(), "{name}: {}", problems.join("\n"));
        assert!(analysis.lints.is_empty(), "{name}: {:?}", analysis.lints);
        let migrations = load_migrations(&sql);
        assert_eq!(migrations.len(), count + 1, "{name}");

        let adopted = pgbake::cli::adopt(&mut client, migrations, tool, false)
            .await
            .unwrap();
        assert_eq!(adopted.len(), count, "{name}");
        let report = pgbake::Migrator::new(migrations)
            .run_on(&mut client)
            .await
            .unwrap();
        let applied: Vec<i64> = report.applied.iter().map(|m| m.version).collect();
        assert_eq!(applied, [20990101000000], "{name}");
        assert_eq!(report.already_applied, count, "{name}");
        let status = pgbake::migration_status(&client, migrations).await.unwrap();
        assert!(
            status
                .iter()
                .all(|row| row.problem.is_none() && row.applied_on.is_some()),
            "{name}: {status:?}"
        );
        if tool != Tool::Refinery {
            let again = pgbake::cli::adopt(&mut client, migrations, tool, false)
                .await
                .unwrap_err();
            assert!(again.to_string().contains("already has"), "{name}: {again}");
        }
        let _ = std::fs::remove_dir_all(&sql);
    }
}

#[tokio::test]
async fn import_writes_pgbake_names_markers_and_down_scripts() {
    let sql = temp_dir("import-diesel-layout");
    let output = import("diesel", &fixture("diesel"), &sql);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert_eq!(
        migration_files(&sql),
        [
            "V1__diesel_initial_setup.down.sql",
            "V1__diesel_initial_setup.sql",
            "V20190226002946__create_user.down.sql",
            "V20190226002946__create_user.sql",
            // Its down script holds only a comment: no down script.
            "V20210225112959__remove_categories.sql",
            "V20260602122008__follow_accept_id.down.sql",
            "V20260602122008__follow_accept_id.sql",
            "V20260603120211__post_index_concurrently.down.sql",
            "V20260603120211__post_index_concurrently.sql",
        ]
    );
    let concurrent = std::fs::read_to_string(
        sql.join("migrations/V20260603120211__post_index_concurrently.sql"),
    )
    .unwrap();
    assert!(
        concurrent.starts_with(
            "-- pgbake:no-transaction\n-- pgbake:imported-from diesel 202606031202110000\n"
        ),
        "{concurrent}"
    );
    assert!(
        stdout.contains("skipped"),
        "the .keep file is reported: {stdout}"
    );
    let config = std::fs::read_to_string(sql.join("pgbake.toml")).unwrap();
    assert!(
        config.contains("lint_baseline = 20260603120211"),
        "{config}"
    );

    // sqlx: `-- no-transaction` becomes pgbake's marker; the simple and reversible forms mix.
    let sqlx = temp_dir("import-sqlx-layout");
    assert!(import("sqlx", &fixture("sqlx"), &sqlx).status.success());
    let index = std::fs::read_to_string(
        sqlx.join("migrations/V20250101120000__repositories_hostname_index.sql"),
    )
    .unwrap();
    assert!(index.starts_with("-- pgbake:no-transaction\n"), "{index}");
    assert!(!index.contains("-- no-transaction"), "{index}");
    // goose: one file, two sections, NO TRANSACTION for both.
    let goose = temp_dir("import-goose-layout");
    assert!(import("goose", &fixture("goose"), &goose).status.success());
    let down = std::fs::read_to_string(goose.join("migrations/V2__accounts_email_index.down.sql"))
        .unwrap();
    assert_eq!(
        down.trim(),
        "-- pgbake:no-transaction\nDROP INDEX CONCURRENTLY accounts_email_lower;"
    );
    for dir in [sql, sqlx, goose] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test]
async fn collisions_and_unreadable_input_write_nothing() {
    let sql = temp_dir("import-collision");
    assert!(import("diesel", &fixture("diesel"), &sql).status.success());
    let before = migration_files(&sql);
    let again = import("diesel", &fixture("diesel"), &sql);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("collides with"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(migration_files(&sql), before);

    // A file that is not UTF-8, among good ones: nothing is written.
    let source = temp_dir("import-unreadable-source");
    for entry in std::fs::read_dir(fixture("sqlx")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), source.join(entry.file_name())).unwrap();
    }
    std::fs::write(source.join("20260101000000_latin1.sql"), b"SELECT '\xe9';").unwrap();
    let empty = temp_dir("import-unreadable-target");
    let output = import("sqlx", &source, &empty);
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("20260101000000_latin1.sql: not UTF-8"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(migration_files(&empty).is_empty());
    assert!(!empty.join("pgbake.toml").exists());
    for dir in [sql, source, empty] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test]
async fn adopt_refuses_a_history_with_versions_the_folder_lacks_and_changes_nothing() {
    let db = TestDatabase::empty().await.unwrap();
    let mut client = db.connect().await.unwrap();
    apply_like_diesel(&client, &fixture("diesel")).await;
    // A migration diesel applied that the imported folder does not have.
    client
        .batch_execute("INSERT INTO __diesel_schema_migrations (version) VALUES ('20300101000000')")
        .await
        .unwrap();
    let sql = temp_dir("adopt-missing");
    assert!(import("diesel", &fixture("diesel"), &sql).status.success());
    let migrations = load_migrations(&sql);
    let error = pgbake::cli::adopt(&mut client, migrations, Tool::Diesel, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("20300101000000") && error.contains("nothing was changed"),
        "{error}"
    );
    let history: bool = crate::value(
        &client,
        "SELECT to_regclass('refinery_schema_history') IS NOT NULL",
    )
    .await;
    assert!(
        !history,
        "adopt created pgbake's history table although it refused"
    );
    // The wrong tool: no such history table.
    let error = pgbake::cli::adopt(&mut client, migrations, Tool::Sqlx, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("no _sqlx_migrations table"), "{error}");
    let _ = std::fs::remove_dir_all(&sql);
}

/// `pgbake migrate adopt` and `pgbake migrate check` as a user types them, on a folder
/// imported from diesel and a database diesel migrated.
#[tokio::test]
async fn the_adopt_and_check_commands_take_over_and_check_an_imported_history() {
    let db = TestDatabase::empty().await.unwrap();
    let client = db.connect().await.unwrap();
    apply_like_diesel(&client, &fixture("diesel")).await;
    let sql = temp_dir("adopt-command");
    assert!(import("diesel", &fixture("diesel"), &sql).status.success());
    let sql_arg = sql.to_str().unwrap();
    let command = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--sql", sql_arg]);
        let output = pgbake(&all, &[("DATABASE_URL", &db.url)]);
        let stdout = text(&output.stdout);
        let stderr = text(&output.stderr);
        (output.status.success(), stdout, stderr)
    };
    let has_history = || async {
        crate::value::<bool>(
            &client,
            "SELECT to_regclass('refinery_schema_history') IS NOT NULL",
        )
        .await
    };

    let (ok, stdout, stderr) = command(&["migrate", "adopt", "--from", "diesel", "--dry-run"]);
    assert!(ok, "{stdout}{stderr}");
    assert_eq!(stdout.matches("would record V").count(), 5, "{stdout}");
    assert!(!has_history().await, "a dry run created the history table");

    let (ok, stdout, stderr) = command(&["migrate", "adopt", "--from", "diesel"]);
    assert!(ok, "{stdout}{stderr}");
    assert_eq!(stdout.matches("recorded V").count(), 5, "{stdout}");
    assert!(stdout.contains("(applied by diesel as "), "{stdout}");
    let recorded: i64 = crate::value(&client, "SELECT count(*) FROM refinery_schema_history").await;
    assert_eq!(recorded, 5);

    // Only the new migration applies.
    std::fs::write(
        sql.join("migrations/V20990101000000__add_notes.sql"),
        NEW_MIGRATION,
    )
    .unwrap();
    let (ok, stdout, stderr) = command(&["migrate"]);
    assert!(ok, "{stdout}{stderr}");
    assert_eq!(stdout.matches("applied V").count(), 1, "{stdout}");
    assert!(
        stdout.contains("applied V20990101000000__add_notes"),
        "{stdout}"
    );
    let (ok, stdout, stderr) = command(&["migrate", "status"]);
    assert!(ok, "{stdout}{stderr}");

    // Adopting twice refuses.
    let (ok, _, stderr) = command(&["migrate", "adopt", "--from", "diesel"]);
    assert!(!ok);
    assert!(stderr.contains("already has"), "{stderr}");

    // The imported history's down scripts revert their migrations, and every upgrade path
    // ends where a fresh install does.
    let (ok, stdout, stderr) = command(&["migrate", "check"]);
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("of 6 migration(s), 0 failed"),
        "{stdout}{stderr}"
    );
    assert!(stdout.contains("up, down, up"), "{stdout}");
    let _ = std::fs::remove_dir_all(&sql);
}

//! Every `pgbake` command a user runs, end to end against a real server.

use std::time::{Duration, SystemTime};

use pgbake::testing::{TestDatabase, replace_database};

use crate::{pgbake, pgbake_in, reference_project, table_fingerprints, temp_dir, text};

use crate::seeds_dir;

#[tokio::test]
async fn dry_run_prints_the_plan_and_changes_nothing() {
    let db = TestDatabase::empty().await.unwrap();
    let output = pgbake(&["migrate", "--dry-run"], &[("DATABASE_URL", &db.url)]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(stdout.contains("-- would apply V1__foundation"), "{stdout}");
    assert!(
        stdout.contains("CREATE FUNCTION uuid_generate_v7()"),
        "the SQL is not shown:\n{stdout}"
    );
    let client = db.connect().await.unwrap();
    let history: bool = crate::value(
        &client,
        "SELECT to_regclass('refinery_schema_history') IS NOT NULL",
    )
    .await;
    assert!(!history, "a dry run created the history table");
}

#[tokio::test]
async fn target_status_and_problems() {
    let db = TestDatabase::empty().await.unwrap();
    let env = [("DATABASE_URL", db.url.as_str())];
    let output = pgbake(&["migrate", "--target", "2"], &env);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("applied V2__") && !stdout.contains("applied V3__"),
        "{stdout}"
    );

    let status = pgbake(&["migrate", "status"], &env);
    let table = text(&status.stdout);
    assert!(status.status.success(), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("3 ") && l.contains("pending")),
        "{table}"
    );

    // An applied migration whose recorded checksum differs counts as edited.
    let client = db.connect().await.unwrap();
    client
        .batch_execute("UPDATE refinery_schema_history SET checksum = '1' WHERE version = 2")
        .await
        .unwrap();
    let status = pgbake(&["migrate", "status", "--json"], &env);
    assert!(!status.status.success(), "a problem must make status fail");
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["problems"], 1);
    assert_eq!(json["migrations"][1]["problem"], "edited since applied");
    assert_eq!(json["migrations"][2]["state"], "pending");

    let refused = pgbake(&["migrate"], &env);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("V2__companies_and_users was edited"),
        "{}",
        text(&refused.stderr)
    );
}

#[test]
fn migrate_new_creates_both_files_and_refuses_bad_names() {
    let dir = temp_dir("new");
    let migrations = dir.join("sql/migrations");
    let output = pgbake_in(Some(&dir), &["migrate", "new", "add_invoices"], &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let mut names: Vec<String> = std::fs::read_dir(&migrations)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    let parsed = pgbake_codegen::parse_migration_file_name(&names[0]).unwrap();
    assert_eq!(parsed.name, "add_invoices");
    assert!(
        parsed.version > 20_260_000_000_000,
        "version is a UTC timestamp: {}",
        parsed.version
    );
    assert!(names[0].ends_with(".down.sql") || names[1].ends_with(".down.sql"));

    let again = pgbake_in(Some(&dir), &["migrate", "new", "add_invoices"], &[]);
    assert!(again.status.success());
    assert_eq!(
        std::fs::read_dir(&migrations).unwrap().count(),
        4,
        "same-second versions must not clash"
    );

    let bad = pgbake_in(Some(&dir), &["migrate", "new", "Add Invoices!"], &[]);
    assert!(!bad.status.success());
    let stderr = text(&bad.stderr);
    assert!(
        stderr.contains("pgbake migrate new add_invoices"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(&migrations).unwrap().count(),
        4,
        "a refused name created files"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn down_reverts_newest_first_and_up_again_restores() {
    let db = TestDatabase::new().await.unwrap();
    let env = [("DATABASE_URL", db.url.as_str())];
    let output = pgbake(&["migrate", "down", "--steps", "2", "--yes"], &env);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let last = pgbake::MIGRATIONS.len();
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("reverted"))
        .collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with(&format!("reverted V{last}__")),
        "{stdout}"
    );
    let client = db.connect().await.unwrap();
    let incident_table: bool =
        crate::value(&client, "SELECT to_regclass('app_config') IS NULL").await;
    assert!(incident_table, "the down script of V5 did not run");

    let output = pgbake(&["migrate", "down", "--to", "1", "--yes"], &env);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let tables: i64 = crate::value(&client, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'refinery_schema_history'").await;
    assert_eq!(tables, 0);
    let up = pgbake(&["migrate"], &env);
    assert!(up.status.success(), "{}", text(&up.stderr));
}

#[tokio::test]
async fn down_refuses_before_changing_anything_when_a_down_script_is_missing() {
    let db = TestDatabase::empty().await.unwrap();
    let mut client = db.connect().await.unwrap();
    let with_down: &'static [pgbake::EmbeddedMigration] = Box::leak(Box::new([
        pgbake::EmbeddedMigration {
            version: 1,
            name: "a",
            up: pgbake::EmbeddedScript {
                sql: "CREATE TABLE a (x int);",
                no_transaction: false,
                statements: &[],
            },
            down: None,
        },
        pgbake::EmbeddedMigration {
            version: 2,
            name: "b",
            up: pgbake::EmbeddedScript {
                sql: "CREATE TABLE b (x int);",
                no_transaction: false,
                statements: &[],
            },
            down: Some(pgbake::EmbeddedScript {
                sql: "DROP TABLE b;",
                no_transaction: false,
                statements: &[],
            }),
        },
    ]));
    pgbake::Migrator::new(with_down)
        .run_on(&mut client)
        .await
        .unwrap();
    let error = pgbake::revert(
        &mut client,
        with_down,
        pgbake::RevertTarget::Steps(2),
        Duration::from_secs(5),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, pgbake::Error::NoDownScript { version: 1, .. }),
        "{error}"
    );
    let b_exists: bool = crate::value(&client, "SELECT to_regclass('b') IS NOT NULL").await;
    assert!(b_exists, "V2 was reverted although V1 could not be");
}

#[tokio::test]
async fn baseline_adopts_an_existing_database() {
    let db = TestDatabase::new().await.unwrap();
    let env = [("DATABASE_URL", db.url.as_str())];
    let refused = pgbake(&["migrate", "baseline", "3"], &env);
    assert!(
        !refused.status.success(),
        "baseline must refuse a database with history"
    );

    let client = db.connect().await.unwrap();
    client
        .batch_execute("DROP TABLE refinery_schema_history")
        .await
        .unwrap();
    let last = pgbake::MIGRATIONS.last().unwrap().version.to_string();
    let output = pgbake(&["migrate", "baseline", &last], &env);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("marked V1__foundation as applied (not run)"));
    let up = pgbake(&["migrate"], &env);
    assert!(
        text(&up.stdout).contains("is up to date"),
        "{}",
        text(&up.stdout)
    );
}

#[tokio::test]
async fn db_create_drop_and_reset_with_guards() {
    let db = TestDatabase::empty().await.unwrap();
    let url = replace_database(&db.url, &format!("{}_cli", db.name));
    let env = [("DATABASE_URL", url.as_str())];
    let created = pgbake(&["db", "create"], &env);
    assert!(created.status.success(), "{}", text(&created.stderr));
    assert!(text(&created.stdout).contains("created database"));
    assert!(text(&pgbake(&["db", "create"], &env).stdout).contains("already exists"));

    let migrate = pgbake(&["migrate"], &env);
    assert!(migrate.status.success());
    let target = pgbake::testing::connect(&url).await.unwrap();
    target
        .batch_execute("INSERT INTO companies (name, slug) VALUES ('Keep', 'keep')")
        .await
        .unwrap();

    let no_yes = pgbake(&["db", "reset"], &env);
    assert!(!no_yes.status.success());
    let production = pgbake(
        &["db", "reset", "--yes"],
        &[env[0], ("PGBAKE_ENV", "production")],
    );
    assert!(!production.status.success());
    assert!(text(&production.stderr).contains("PGBAKE_ENV is production"));
    let production_drop = pgbake(
        &["db", "drop", "--yes"],
        &[env[0], ("PGBAKE_ENV", "production")],
    );
    assert!(!production_drop.status.success());
    let kept: i64 = crate::value(
        &target,
        "SELECT count(*) FROM companies WHERE slug = 'keep'",
    )
    .await;
    assert_eq!(kept, 1, "a refused reset changed the database");
    drop(target);

    let reset = pgbake(&["db", "reset", "--yes", "--seeds", &seeds_dir()], &env);
    assert!(reset.status.success(), "{}", text(&reset.stderr));
    let target = pgbake::testing::connect(&url).await.unwrap();
    let (kept, users): (i64, i64) = {
        let row = target
            .query_one("SELECT (SELECT count(*) FROM companies WHERE slug = 'keep'), (SELECT count(*) FROM users)", &[])
            .await
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!((kept, users), (0, 2), "reset must drop, migrate and seed");
    drop(target);

    let dropped = pgbake(&["db", "drop", "--yes"], &env);
    assert!(dropped.status.success(), "{}", text(&dropped.stderr));
    let admin = pgbake::testing::connect(&pgbake::testing::server().unwrap().admin_url)
        .await
        .unwrap();
    let exists = admin
        .query_opt(
            "SELECT 1 FROM pg_database WHERE datname = $1",
            &[&format!("{}_cli", db.name)],
        )
        .await
        .unwrap();
    assert!(exists.is_none());
}

#[tokio::test]
async fn seed_is_idempotent_and_hashes_the_admin_password() {
    let db = TestDatabase::new().await.unwrap();
    let seeds = seeds_dir();
    let env = [("DATABASE_URL", db.url.as_str())];
    let first = pgbake(&["seed", "--dir", &seeds], &env);
    let stdout = text(&first.stdout);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let password = stdout
        .lines()
        .find_map(|l| {
            l.split_once("created with password: ")
                .map(|(_, p)| p.trim().to_string())
        })
        .unwrap_or_else(|| panic!("no generated password in:\n{stdout}"));

    let client = db.connect().await.unwrap();
    let hash: String = crate::value(
        &client,
        "SELECT password_hash FROM users WHERE email = 'admin@example.com'",
    )
    .await;
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    use argon2::PasswordVerifier;
    let parsed = argon2::PasswordHash::new(&hash).unwrap();
    argon2::Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .unwrap();

    let before = table_fingerprints(&client).await;
    let second = pgbake(&["seed", "--dir", &seeds], &env);
    assert!(second.status.success());
    assert!(
        !text(&second.stdout).contains("password"),
        "the password is shown only once"
    );
    assert!(
        text(&second.stdout).contains("0 row(s) added"),
        "{}",
        text(&second.stdout)
    );
    assert_eq!(
        table_fingerprints(&client).await,
        before,
        "a second seed changed data"
    );
}

#[tokio::test]
async fn seed_uses_the_admin_password_from_the_environment() {
    let db = TestDatabase::new().await.unwrap();
    let env = [
        ("DATABASE_URL", db.url.as_str()),
        ("PGBAKE_ADMIN_PASSWORD", "correct horse battery"),
    ];
    let output = pgbake(&["seed", "--dir", &seeds_dir()], &env);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        !text(&output.stdout).contains("correct horse"),
        "the password must not be printed"
    );
    let client = db.connect().await.unwrap();
    let hash: String = crate::value(
        &client,
        "SELECT password_hash FROM users WHERE user_slug = 'admin'",
    )
    .await;
    use argon2::PasswordVerifier;
    argon2::Argon2::default()
        .verify_password(
            b"correct horse battery",
            &argon2::PasswordHash::new(&hash).unwrap(),
        )
        .unwrap();
}

#[tokio::test]
async fn backup_then_restore_gives_identical_data_and_prunes_old_backups() {
    let db = crate::seeded_database().await;
    let env = [("DATABASE_URL", db.url.as_str())];
    let dir = temp_dir("backup");
    // An old backup of this database, an old one of another database, an unrelated file.
    let old = dir.join(format!("{}_backup_20200101T000000Z.sql.gz", db.name));
    let other = dir.join("otherdb_backup_20200101T000000Z.sql.gz");
    let unrelated = dir.join("notes.txt");
    for path in [&old, &other, &unrelated] {
        std::fs::write(path, b"x").unwrap();
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(10 * 86_400))
            .unwrap();
    }

    for format in ["sql-gz", "custom"] {
        let output = pgbake(&["backup", dir.to_str().unwrap(), "--format", format], &env);
        let stdout = text(&output.stdout);
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert!(
            stdout.contains(" to ") && stdout.contains(&db.name),
            "{stdout}"
        );
    }
    assert!(!old.exists(), "a backup older than --keep-days was kept");
    assert!(
        other.exists() && unrelated.exists(),
        "pruning touched files that are not this database's backups"
    );

    let source = db.connect().await.unwrap();
    let expected = table_fingerprints(&source).await;
    let mut backups: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&db.name)
        })
        .collect();
    backups.sort();
    assert_eq!(backups.len(), 2, "{backups:?}");
    for backup in &backups {
        let fresh = TestDatabase::empty().await.unwrap();
        let fresh_env = [("DATABASE_URL", fresh.url.as_str())];
        let restored = pgbake(&["restore", backup.to_str().unwrap(), "--yes"], &fresh_env);
        assert!(restored.status.success(), "{}", text(&restored.stderr));
        let target = fresh.connect().await.unwrap();
        assert_eq!(
            table_fingerprints(&target).await,
            expected,
            "restore of {} differs",
            backup.display()
        );

        // A second restore into the now non-empty database is refused and changes nothing.
        target
            .batch_execute("INSERT INTO companies (name, slug) VALUES ('Extra', 'extra')")
            .await
            .unwrap();
        let before = table_fingerprints(&target).await;
        let refused = pgbake(&["restore", backup.to_str().unwrap(), "--yes"], &fresh_env);
        assert!(!refused.status.success());
        assert!(
            text(&refused.stderr).contains("--clean"),
            "{}",
            text(&refused.stderr)
        );
        assert_eq!(table_fingerprints(&target).await, before);
        let without_yes = pgbake(
            &["restore", backup.to_str().unwrap(), "--clean"],
            &fresh_env,
        );
        assert!(!without_yes.status.success());
        assert_eq!(table_fingerprints(&target).await, before);

        let clean = pgbake(
            &["restore", backup.to_str().unwrap(), "--yes", "--clean"],
            &fresh_env,
        );
        assert!(clean.status.success(), "{}", text(&clean.stderr));
        assert_eq!(table_fingerprints(&target).await, expected);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn health_is_zero_only_when_healthy() {
    let db = TestDatabase::new().await.unwrap();
    let healthy = pgbake(&["health", "--json"], &[("DATABASE_URL", &db.url)]);
    assert!(
        healthy.status.success(),
        "{}{}",
        text(&healthy.stdout),
        text(&healthy.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&healthy.stdout).unwrap();
    assert_eq!(json["healthy"], true);
    assert_eq!(json["migrations"]["pending"], 0);
    assert!(
        json["server_version"]
            .as_str()
            .unwrap()
            .starts_with(char::is_numeric)
    );

    let empty = TestDatabase::empty().await.unwrap();
    let pending = pgbake(&["health"], &[("DATABASE_URL", &empty.url)]);
    assert!(!pending.status.success());
    assert!(
        text(&pending.stdout).contains("UNHEALTHY"),
        "{}",
        text(&pending.stdout)
    );

    let port = pgbake::cluster::free_port().unwrap();
    let dead = pgbake(
        &["health"],
        &[
            (
                "DATABASE_URL",
                &format!("postgres://postgres@127.0.0.1:{port}/x"),
            ),
            ("DB_CONNECT_RETRIES", "0"),
        ],
    );
    assert!(!dead.status.success());
}

#[test]
fn dev_start_status_stop_manage_a_local_server() {
    let dir = reference_project("dev");
    // Stops the server and deletes the folder even when an assertion fails.
    struct Cleanup(std::path::PathBuf);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            pgbake_in(Some(&self.0), &["dev", "stop"], &[]);
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _cleanup = Cleanup(dir.clone());
    let status = pgbake_in(Some(&dir), &["dev", "status"], &[]);
    assert!(!status.status.success(), "no server yet");
    let start = pgbake_in(Some(&dir), &["dev", "start"], &[]);
    assert!(start.status.success(), "{}", text(&start.stderr));
    assert!(
        text(&start.stdout).contains("DATABASE_URL=postgres://"),
        "{}",
        text(&start.stdout)
    );
    let migrate = pgbake_in(Some(&dir), &["migrate"], &[]);
    assert!(migrate.status.success(), "{}", text(&migrate.stderr));
    assert!(text(&migrate.stdout).contains("applied V1__foundation"));
    let status = pgbake_in(Some(&dir), &["dev", "status"], &[]);
    assert!(status.status.success());
    assert!(text(&status.stdout).contains("running"));
    let stop = pgbake_in(Some(&dir), &["dev", "stop"], &[]);
    assert!(stop.status.success(), "{}", text(&stop.stderr));
    let status = pgbake_in(Some(&dir), &["dev", "status"], &[]);
    assert!(!status.status.success());
    assert!(text(&status.stdout).contains("stopped"));
}

//! Restore never destroys what it cannot replace: damaged, cut-short, foreign and hostile
//! files change nothing; `--clean` replaces only the backup's objects; privileges survive.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use pgbake::testing::TestDatabase;

use crate::{pgbake, table_fingerprints, temp_dir, text};

fn gunzip(path: &Path) -> Vec<u8> {
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut text)
        .unwrap();
    text
}

fn gzip(path: &Path, bytes: &[u8]) {
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::default(),
    );
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap();
}

/// The backups `pgbake backup` made in `dir`, `.sql.gz` first.
fn backups(dir: &Path) -> (PathBuf, PathBuf) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort_by_key(|p| !p.to_string_lossy().ends_with(".sql.gz"));
    (files[0].clone(), files[1].clone())
}

/// Fingerprints of the public tables plus the two schemas the backup never had.
async fn state(client: &tokio_postgres::Client) -> (Vec<(String, i64, String)>, i64) {
    let others: i64 = crate::value(
        client,
        "SELECT (SELECT count(*) FROM reporting.daily) + (SELECT count(*) FROM audit.log)",
    )
    .await;
    (table_fingerprints(client).await, others)
}

#[tokio::test]
async fn bad_files_change_nothing_and_clean_replaces_only_the_backups_objects() {
    let db = crate::seeded_database().await;
    let env = [("DATABASE_URL", db.url.as_str())];
    let dir = temp_dir("restore-bad");
    let d = dir.to_str().unwrap();
    assert!(pgbake(&["backup", d], &env).status.success());
    assert!(
        pgbake(&["backup", d, "--format", "custom"], &env)
            .status
            .success()
    );
    let (plain, custom) = backups(&dir);

    // After the backup: schemas it never had, and a change it would undo.
    let client = db.connect().await.unwrap();
    client
        .batch_execute(
            "CREATE SCHEMA reporting; CREATE TABLE reporting.daily (n int); INSERT INTO reporting.daily VALUES (1);
             CREATE SCHEMA audit; CREATE TABLE audit.log (n int); INSERT INTO audit.log VALUES (1), (2);
             INSERT INTO companies (name, slug) VALUES ('After', 'after');",
        )
        .await
        .unwrap();
    let before = state(&client).await;

    let sql = gunzip(&plain);
    let text_sql = String::from_utf8(sql.clone()).unwrap();
    let marker = dir.join("pwned");
    let bad = |name: &str| dir.join(name);
    std::fs::write(bad("empty.sql.gz"), b"").unwrap();
    std::fs::write(bad("readme.sql.gz"), b"# pgbake\n\nOwn your schema.\n").unwrap();
    let mut damaged = std::fs::read(&custom).unwrap();
    let middle = damaged.len() / 2;
    let end = (middle + 4096).min(damaged.len());
    for byte in &mut damaged[middle..end] {
        *byte = 0x5a;
    }
    std::fs::write(bad("damaged.dump"), &damaged).unwrap();
    gzip(&bad("cut.sql.gz"), &sql[..sql.len() * 9 / 10]);
    let compressed = std::fs::read(&plain).unwrap();
    std::fs::write(bad("cut-gzip.sql.gz"), &compressed[..compressed.len() - 40]).unwrap();
    let complete = "-- PostgreSQL database dump complete";
    let hostile = |command: &str| text_sql.replacen(complete, &format!("{command}\n{complete}"), 1);
    gzip(
        &bad("shell.sql.gz"),
        hostile(&format!("\\! touch {}", marker.display())).as_bytes(),
    );
    gzip(
        &bad("inline.sql.gz"),
        hostile(&format!("SELECT 1; \\! touch {}", marker.display())).as_bytes(),
    );
    gzip(&bad("commit.sql.gz"), hostile("COMMIT;").as_bytes());

    let cases = [
        ("empty.sql.gz", "the file is empty"),
        ("readme.sql.gz", "not gzip-compressed"),
        ("damaged.dump", "pg_restore cannot read the archive"),
        ("cut.sql.gz", "closing line"),
        ("cut-gzip.sql.gz", "gzip data is damaged or cut short"),
        ("shell.sql.gz", "meta-command"),
        ("inline.sql.gz", "meta-command"),
        ("commit.sql.gz", "ends the restore's transaction"),
    ];
    for (name, expected) in cases {
        let output = pgbake(
            &["restore", bad(name).to_str().unwrap(), "--yes", "--clean"],
            &env,
        );
        let stderr = text(&output.stderr);
        assert!(!output.status.success(), "{name} was restored:\n{stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(stderr.contains("nothing was changed"), "{name}: {stderr}");
        assert_eq!(state(&client).await, before, "{name} changed the database");
        assert!(!marker.exists(), "{name} ran a shell command");
    }

    // A good backup replaces its own objects, and only those.
    let expected_public = {
        let fresh = TestDatabase::empty().await.unwrap();
        let fresh_env = [("DATABASE_URL", fresh.url.as_str())];
        let restored = pgbake(&["restore", plain.to_str().unwrap(), "--yes"], &fresh_env);
        assert!(restored.status.success(), "{}", text(&restored.stderr));
        table_fingerprints(&fresh.connect().await.unwrap()).await
    };
    for file in [&plain, &custom] {
        let output = pgbake(
            &["restore", file.to_str().unwrap(), "--yes", "--clean"],
            &env,
        );
        assert!(output.status.success(), "{}", text(&output.stderr));
        let (public, others) = state(&client).await;
        assert_eq!(public, expected_public, "{}", file.display());
        assert_eq!(others, 3, "--clean touched schemas the backup never had");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_failing_restore_rolls_back_its_drops() {
    for format in FORMATS {
        a_failing_restore_rolls_back(format).await;
    }
}

async fn a_failing_restore_rolls_back(format: &str) {
    let (db, dir, plain) = seeded_backup("restore-fail", format).await;
    let env = [("DATABASE_URL", db.url.as_str())];
    // A view of another schema depends on a table the backup drops and recreates: the
    // restore fails half-way, after its DROPs, and must leave everything as it was.
    let client = db.connect().await.unwrap();
    client
        .batch_execute("CREATE SCHEMA reporting; CREATE VIEW reporting.people AS SELECT email FROM public.users")
        .await
        .unwrap();
    let before = table_fingerprints(&client).await;
    let output = pgbake(
        &["restore", plain.to_str().unwrap(), "--yes", "--clean"],
        &env,
    );
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "{format}: {stderr}");
    assert!(stderr.contains("rolled back"), "{format}: {stderr}");
    assert!(stderr.contains("depend"), "{format}: {stderr}");
    assert_eq!(table_fingerprints(&client).await, before);
    let view: i64 = crate::value(&client, "SELECT count(*) FROM reporting.people").await;
    assert_eq!(view, 2);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_restored_database_serves_the_app_role_and_health_checks_its_access() {
    for format in FORMATS {
        restored_privileges_serve_the_app_role(format).await;
    }
}

async fn restored_privileges_serve_the_app_role(format: &str) {
    let (_source, dir, file) = seeded_backup("restore-privileges", format).await;

    let fresh = TestDatabase::empty().await.unwrap();
    let restored = pgbake(
        &["restore", file.to_str().unwrap(), "--yes"],
        &[("DATABASE_URL", fresh.url.as_str())],
    );
    assert!(
        restored.status.success(),
        "{format}: {}",
        text(&restored.stderr)
    );
    let role = format!("pgbake_restore_app_{}", format.replace('-', "_"));
    fresh
        .create_login_role(&role, "IN ROLE pgbake_app")
        .await
        .unwrap();
    let port = fresh.config.pg_config().get_ports()[0];
    let app_url = format!(
        "postgres://{role}@127.0.0.1:{port}/{}?sslmode=disable",
        fresh.name
    );
    let app = pgbake::testing::connect(&app_url).await.unwrap();
    let users: i64 = crate::value(&app, "SELECT count(*) FROM users").await;
    assert_eq!(
        users, 2,
        "{format}: the app role cannot read the restored rows"
    );

    let health_env = [
        ("DATABASE_URL", app_url.as_str()),
        ("MIGRATION_DATABASE_URL", fresh.url.as_str()),
    ];
    let healthy = pgbake(&["health"], &health_env);
    assert!(
        healthy.status.success(),
        "{}{}",
        text(&healthy.stdout),
        text(&healthy.stderr)
    );
    fresh
        .connect()
        .await
        .unwrap()
        .batch_execute("REVOKE SELECT ON users FROM pgbake_app")
        .await
        .unwrap();
    let unhealthy = pgbake(&["health"], &health_env);
    let stdout = text(&unhealthy.stdout);
    assert!(!unhealthy.status.success(), "{stdout}");
    assert!(stdout.contains("cannot read public.users"), "{stdout}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Both backup formats: psql restores the first, pg_restore the second.
const FORMATS: [&str; 2] = ["sql-gz", "custom"];

/// A seeded reference database, a folder, and the one backup of it written there in `format`.
async fn seeded_backup(
    label: &str,
    format: &str,
) -> (TestDatabase, std::path::PathBuf, std::path::PathBuf) {
    let db = crate::seeded_database().await;
    let env = [("DATABASE_URL", db.url.as_str())];
    let dir = temp_dir(label);
    assert!(
        pgbake(&["backup", dir.to_str().unwrap(), "--format", format], &env)
            .status
            .success()
    );
    let file = crate::only_file(&dir);
    (db, dir, file)
}

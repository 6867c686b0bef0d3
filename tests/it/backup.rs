//! Backups cannot collide, leak or point elsewhere: concurrent runs, file modes, retention
//! by exact name, stale temporary files, and children that ignore the `PG*` variables.

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, SystemTime};

use pgbake::testing::TestDatabase;

use crate::servers::OwnCluster;
use crate::{pgbake, temp_dir, text};

fn gunzip(path: &std::path::Path) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn age(path: &std::path::Path, days: u64) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(days * 86_400))
        .unwrap();
}

#[tokio::test]
async fn concurrent_backups_get_private_files_of_their_own_and_prune_only_their_names() {
    let db = TestDatabase::new().await.unwrap();
    let parent = temp_dir("backup-modes");
    let dir = parent.join("new-folder");
    // Files retention must keep: a manual dump, a legal-hold copy, another database's.
    let keep = [
        format!("{}_backup_manual.sql.gz", db.name),
        format!("{}_backup_20200101T000000Z_legal_hold.sql.gz", db.name),
        "otherdb_backup_20200101T000000Z.sql.gz".to_string(),
    ];
    let old = format!("{}_backup_20200101T000000Z.sql.gz", db.name);
    // A temporary file of a killed run (its process is gone).
    let mut dead = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = dead.id();
    dead.wait().unwrap();
    let stale = format!(
        ".{}_backup_20200101T000000Z.sql.gz.{dead_pid}-abc.partial",
        db.name
    );

    let run = |args: Vec<String>| {
        let url = db.url.clone();
        std::thread::spawn(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            pgbake(&args, &[("DATABASE_URL", &url)])
        })
    };
    // The first run creates the folder; then the other files appear.
    let first = run(vec!["backup".into(), dir.display().to_string()])
        .join()
        .unwrap();
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!(
        std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    for name in keep.iter().chain([&old, &stale]) {
        std::fs::write(dir.join(name), b"x").unwrap();
        age(&dir.join(name), 10);
    }
    let runs: Vec<_> = (0..6)
        .map(|i| {
            let format = if i % 2 == 0 { "sql-gz" } else { "custom" };
            run(vec![
                "backup".into(),
                dir.display().to_string(),
                "--format".into(),
                format.into(),
            ])
        })
        .collect();
    for run in runs {
        let output = run.join().unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
    }
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let ours: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with(&format!("{}_backup_20", db.name)) && !keep.contains(n))
        .collect();
    assert_eq!(ours.len(), 7, "every run has its own file: {names:?}");
    assert!(!names.contains(&old), "the old backup was kept: {names:?}");
    assert!(
        !names.contains(&stale),
        "the stale temporary file was kept: {names:?}"
    );
    assert!(!names.iter().any(|n| n.ends_with(".partial")), "{names:?}");
    for name in &keep {
        assert!(names.contains(name), "retention deleted {name}");
    }
    for name in ours {
        let path = dir.join(name);
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600,
            "{name}"
        );
        if name.ends_with(".sql.gz") {
            assert!(
                gunzip(&path).contains("-- PostgreSQL database dump complete"),
                "{name} is corrupt"
            );
        }
    }

    let huge = pgbake(
        &[
            "backup",
            dir.to_str().unwrap(),
            "--keep-days",
            "99999999999",
        ],
        &[("DATABASE_URL", &db.url)],
    );
    let stderr = text(&huge.stderr);
    assert!(!huge.status.success());
    assert!(
        stderr.contains("--keep-days") && !stderr.contains("panicked"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        names.len(),
        "a refused run wrote a file"
    );
    let _ = std::fs::remove_dir_all(parent);
}

#[tokio::test]
async fn children_reach_the_server_pgbake_resolved_whatever_pg_variables_say() {
    // Server A answers where the URL points (no port: 5432), server B where PGPORT points.
    let address = "127.0.0.3";
    std::net::TcpListener::bind((address, 5432))
        .expect("this test needs 127.0.0.3:5432 free (a URL without a port means 5432)");
    let a = OwnCluster::start_at("server-a", address, 5432, |_| {});
    let b = OwnCluster::start_at(
        "server-b",
        address,
        pgbake::cluster::free_port().unwrap(),
        |_| {},
    );
    for (server, label) in [(&a, "from-A"), (&b, "from-B")] {
        let admin = pgbake::testing::connect(&server.cluster.url("postgres"))
            .await
            .unwrap();
        admin.batch_execute("CREATE DATABASE shop").await.unwrap();
        let shop = pgbake::testing::connect(&server.cluster.url("shop"))
            .await
            .unwrap();
        shop.batch_execute(&format!(
            "CREATE TABLE marker (label text); INSERT INTO marker VALUES ('{label}')"
        ))
        .await
        .unwrap();
    }
    let dir = temp_dir("backup-pgport");
    let b_port = b.cluster.port.to_string();
    let hostile = [
        ("PGPORT", b_port.as_str()),
        ("PGHOST", "127.0.0.1"),
        ("PGDATABASE", "postgres"),
        ("PGUSER", "nobody"),
        ("PGSSLMODE", "require"),
        ("PGPASSWORD", "wrong"),
    ];
    let with = |url: &str| {
        let mut env = vec![("DATABASE_URL", url.to_string())];
        env.extend(hostile.iter().map(|(k, v)| (*k, v.to_string())));
        env
    };
    let shop = format!("postgres://postgres@{address}/shop?sslmode=disable");
    let env = with(&shop);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let backup = pgbake(&["backup", dir.to_str().unwrap()], &env);
    assert!(backup.status.success(), "{}", text(&backup.stderr));
    let file = crate::only_file(&dir);
    let dump = gunzip(&file);
    assert!(
        dump.contains("from-A") && !dump.contains("from-B"),
        "pg_dump went to server B"
    );

    let copy = format!("postgres://postgres@{address}/copy?sslmode=disable");
    let env = with(&copy);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert!(pgbake(&["db", "create"], &env).status.success());
    let restore = pgbake(&["restore", file.to_str().unwrap(), "--yes"], &env);
    assert!(restore.status.success(), "{}", text(&restore.stderr));
    let restored = pgbake::testing::connect(&a.cluster.url("copy"))
        .await
        .unwrap();
    let label: String = crate::value(&restored, "SELECT label FROM marker").await;
    assert_eq!(label, "from-A");
    let b_admin = pgbake::testing::connect(&b.cluster.url("postgres"))
        .await
        .unwrap();
    let in_b = b_admin
        .query_opt("SELECT 1 FROM pg_database WHERE datname = 'copy'", &[])
        .await
        .unwrap();
    assert!(in_b.is_none(), "the restore went to server B");
    let _ = std::fs::remove_dir_all(dir);
}

/// A server that accepts connections and never answers (a dead load balancer, a stuck
/// proxy): `backup` and `restore` give up after the connect timeout instead of hanging, and
/// `backup` leaves no file behind.
#[test]
fn a_silent_server_times_out_instead_of_hanging() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for connection in listener.incoming() {
            held.push(connection);
        }
    });
    let url = format!("postgres://postgres@127.0.0.1:{port}/app?sslmode=disable");
    let dir = temp_dir("backup-silent");
    let dump = dir.join("app.sql.gz");
    {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(
            std::fs::File::create(&dump).unwrap(),
            flate2::Compression::default(),
        );
        gz.write_all(b"SELECT 1;\n-- PostgreSQL database dump complete\n")
            .unwrap();
        gz.finish().unwrap();
    }
    let out = dir.join("out");
    for args in [
        vec!["backup", out.to_str().unwrap()],
        vec!["restore", dump.to_str().unwrap(), "--yes"],
    ] {
        let started = std::time::Instant::now();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pgbake"))
            .args(&args)
            .env("DATABASE_URL", &url)
            .env("DB_CONNECT_TIMEOUT", "2")
            .env("DB_CONNECT_RETRIES", "0")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                panic!("{args:?} still waits for a silent server after 60 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let output = child.wait_with_output().unwrap();
        let stderr = text(&output.stderr);
        assert!(!output.status.success(), "{args:?}");
        eprintln!("{args:?}: {stderr}");
        assert!(
            ["timeout", "timed out", "no answer within"]
                .iter()
                .any(|said| stderr.contains(said)),
            "{args:?}: {stderr}"
        );
    }
    let written = std::fs::read_dir(&out).map_or(0, |entries| entries.count());
    assert_eq!(written, 0, "a failed backup left a file");
    let _ = std::fs::remove_dir_all(dir);
}

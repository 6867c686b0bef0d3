//! Every command of the README's table against a server that only accepts TLS: with
//! `verify-full` and the CA, each succeeds; with the default `prefer`, every session the
//! commands open (pgbake's own and pg_dump's, psql's, pg_restore's) is encrypted.

use std::process::Output;

use pgbake::Config;

use crate::servers::tls_only_server;
use crate::{pgbake, temp_dir, text};

use crate::seeds_dir;

#[track_caller]
fn ok(output: Output, what: &str) -> String {
    assert!(
        output.status.success(),
        "`{what}` failed over TLS:\n{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

#[tokio::test]
async fn every_command_works_against_a_tls_only_server_with_verify_full() {
    let (server, ca) = tls_only_server("tls-only");
    let port = server.cluster.port;
    let url = |database: &str, tls: &str| {
        format!(
            "postgres://postgres@localhost:{port}/{database}?sslmode={tls}&sslrootcert={}",
            ca.display()
        )
    };
    let app = url("app", "verify-full");
    let env = [("DATABASE_URL", app.as_str())];
    let run = |args: &[&str]| pgbake(args, &env);

    ok(run(&["db", "create"]), "db create");
    ok(run(&["migrate"]), "migrate");
    ok(run(&["migrate", "status"]), "migrate status");
    ok(run(&["migrate", "drift"]), "migrate drift");
    ok(run(&["seed", "--dir", &seeds_dir()]), "seed");
    ok(run(&["health"]), "health");
    let backups = temp_dir("tls-backups");
    let dir = backups.to_str().unwrap();
    ok(run(&["backup", dir]), "backup");
    ok(
        run(&["backup", dir, "--format", "custom"]),
        "backup --format custom",
    );
    ok(run(&["migrate", "down", "--steps", "1"]), "migrate down");
    ok(run(&["migrate"]), "migrate (again)");
    ok(run(&["migrate", "check"]), "migrate check");

    // adopt: a database diesel migrated, taken over by the command over TLS.
    let adopt_url = url("adopted", "verify-full");
    let adopt_env = [("DATABASE_URL", adopt_url.as_str())];
    ok(pgbake(&["db", "create"], &adopt_env), "db create (adopt)");
    let adopted = pgbake::connect_direct(&Config::new(&adopt_url).unwrap())
        .await
        .unwrap();
    let diesel = crate::adoption::fixture("diesel");
    crate::adoption::apply_like_diesel(&adopted, &diesel).await;
    let project = temp_dir("tls-adopt");
    let sql = project.join("sql");
    let sql = sql.to_str().unwrap();
    let import = [
        "migrate",
        "import",
        "--from",
        "diesel",
        diesel.to_str().unwrap(),
        "--sql",
        sql,
    ];
    ok(pgbake(&import, &[]), "migrate import");
    let adopt = ["migrate", "adopt", "--from", "diesel", "--sql", sql];
    ok(pgbake(&adopt, &adopt_env), "migrate adopt");
    ok(
        pgbake(&["migrate", "--sql", sql], &adopt_env),
        "migrate (adopted)",
    );
    let _ = std::fs::remove_dir_all(project);

    let mut files: Vec<_> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    for (index, file) in files.iter().enumerate() {
        let copy = url(&format!("copy{index}"), "verify-full");
        let copy_env = [("DATABASE_URL", copy.as_str())];
        ok(pgbake(&["db", "create"], &copy_env), "db create (copy)");
        ok(
            pgbake(&["restore", file.to_str().unwrap(), "--yes"], &copy_env),
            "restore",
        );
        ok(
            pgbake(
                &["restore", file.to_str().unwrap(), "--yes", "--clean"],
                &copy_env,
            ),
            "restore --clean",
        );
        // baseline adopts a database without history.
        let client = pgbake::connect_direct(&Config::new(&copy).unwrap())
            .await
            .unwrap();
        client
            .batch_execute("DROP TABLE refinery_schema_history")
            .await
            .unwrap();
        let last = pgbake::MIGRATIONS.last().unwrap().version.to_string();
        ok(
            pgbake(&["migrate", "baseline", &last], &copy_env),
            "baseline",
        );
        ok(pgbake(&["db", "drop", "--yes"], &copy_env), "db drop");
    }
    ok(
        run(&["db", "reset", "--yes", "--seeds", &seeds_dir()]),
        "db reset",
    );

    // The default sslmode (prefer) encrypts every session: pgbake's and its children's.
    let log_before = server.log().len();
    let prefer = format!("postgres://postgres@127.0.0.1:{port}/app");
    let prefer_env = [("DATABASE_URL", prefer.as_str())];
    ok(
        pgbake(&["migrate", "status"], &prefer_env),
        "status (prefer)",
    );
    ok(pgbake(&["backup", dir], &prefer_env), "backup (prefer)");
    ok(pgbake(&["health"], &prefer_env), "health (prefer)");
    let prefer_copy = format!("postgres://postgres@127.0.0.1:{port}/prefer_copy");
    let prefer_copy_env = [("DATABASE_URL", prefer_copy.as_str())];
    ok(
        pgbake(&["db", "create"], &prefer_copy_env),
        "db create (prefer)",
    );
    for (file, clean) in files.iter().zip([false, true]) {
        let mut args = vec!["restore", file.to_str().unwrap(), "--yes"];
        if clean {
            args.push("--clean");
        }
        ok(pgbake(&args, &prefer_copy_env), "restore (prefer)");
    }
    let log = server.log();
    let sessions: Vec<&str> = log[log_before..]
        .lines()
        .filter(|l| l.contains("connection authorized"))
        .collect();
    // status, backup's pg_dump, health, db create, and each restore's check and psql or
    // pg_restore session.
    assert!(sessions.len() >= 7, "{}", &log[log_before..]);
    for session in &sessions {
        assert!(
            session.contains("SSL enabled"),
            "a plaintext session: {session}"
        );
    }
    for mode in ["prefer", "allow", "require"] {
        let config = Config::new(&format!(
            "postgres://postgres@127.0.0.1:{port}/app?sslmode={mode}"
        ))
        .unwrap();
        let client = pgbake::connect_direct(&config).await.unwrap();
        let ssl: bool = crate::value(
            &client,
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        )
        .await;
        assert!(ssl, "sslmode={mode}: the session is not encrypted");
        let pool = pgbake::connect(&config).await.unwrap();
        let ssl: bool = pool
            .get()
            .await
            .unwrap()
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        assert!(ssl, "sslmode={mode} (pool): the session is not encrypted");
    }
    let _ = std::fs::remove_dir_all(backups);
}

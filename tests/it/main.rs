//! Integration tests against a real PostgreSQL: a throwaway cluster (or DATABASE_URL),
//! one fresh database per test.

mod adoption;
mod backup;
mod check_paths;
mod cli;
mod connect;
mod dev;
mod exercise;
mod failures;
mod faults;
mod guards;
mod harness;
mod import;
mod lifecycle;
mod load;
mod migrate;
mod on_pool;
mod parameters;
mod pgbouncer;
mod privileges;
mod project;
mod queries;
mod readme;
mod restore;
mod reversibility;
mod schema_diff;
mod servers;
mod small;
mod tls;
mod tls_commands;
mod types;

use std::process::{Command, Output};

use pgbake::{EmbeddedMigration, EmbeddedScript};

/// A migration set built at run time, for tests that need their own migrations.
pub fn migration_set(migrations: &[(i64, &str, &str)]) -> &'static [EmbeddedMigration] {
    let set: Vec<EmbeddedMigration> = migrations
        .iter()
        .map(|(version, name, sql)| EmbeddedMigration {
            version: *version,
            name: leak(name),
            up: EmbeddedScript {
                sql: leak(sql),
                no_transaction: false,
                statements: &[],
            },
            down: None,
        })
        .collect();
    Box::leak(set.into_boxed_slice())
}

pub fn leak(text: &str) -> &'static str {
    Box::leak(text.to_string().into_boxed_str())
}

/// Advisory locks held in the current database by any session.
pub async fn advisory_locks(client: &tokio_postgres::Client) -> i64 {
    client
        .query_one(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

/// Runs the `pgbake` binary with exactly these variables (DATABASE_URL and friends unset otherwise).
pub fn pgbake(args: &[&str], env: &[(&str, &str)]) -> Output {
    pgbake_in(None, args, env)
}

/// Runs the `pgbake` binary in folder `cwd`.
pub fn pgbake_in(cwd: Option<&std::path::Path>, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pgbake"));
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("MIGRATION_DATABASE_URL")
        .env_remove("PGBAKE_ENV")
        .env_remove("PGBAKE_ADMIN_PASSWORD");
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scratch project folder whose `sql/` is this repository's reference schema (the
/// `pgbake` command reads the `sql/` of the folder it runs in).
pub fn reference_project(label: &str) -> std::path::PathBuf {
    let dir = temp_dir(label);
    std::os::unix::fs::symlink(concat!(env!("CARGO_MANIFEST_DIR"), "/sql"), dir.join("sql"))
        .unwrap();
    dir
}

/// The reference schema's seed folder.
pub fn seeds_dir() -> String {
    format!("{}/sql/seeds", env!("CARGO_MANIFEST_DIR"))
}

/// A database with the reference schema, seeded by `pgbake seed`.
pub async fn seeded_database() -> pgbake::testing::TestDatabase {
    let db = pgbake::testing::TestDatabase::new().await.unwrap();
    let seed = pgbake(
        &["seed", "--dir", &seeds_dir()],
        &[("DATABASE_URL", &db.url)],
    );
    assert!(seed.status.success(), "{}", text(&seed.stderr));
    db
}

/// The one file in `dir`.
pub fn only_file(dir: &std::path::Path) -> std::path::PathBuf {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.pop().unwrap()
}

/// A fresh empty folder under the system temp folder, readable by the server's user.
pub fn temp_dir(label: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "pgbake-it-{label}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A session of its own that holds pgbake's migration lock on `db`, and its backend PID.
pub async fn hold_migration_lock(
    db: &pgbake::testing::TestDatabase,
) -> (tokio_postgres::Client, i32) {
    let holder = db.connect().await.unwrap();
    holder
        .execute(
            "SELECT pg_advisory_lock($1)",
            &[&pgbake::MIGRATION_LOCK_KEY],
        )
        .await
        .unwrap();
    let pid: i32 = crate::value(&holder, "SELECT pg_backend_pid()").await;
    (holder, pid)
}

/// The first column of the one row `sql` returns.
pub async fn value<T>(client: &tokio_postgres::Client, sql: &str) -> T
where
    T: for<'a> tokio_postgres::types::FromSql<'a>,
{
    client
        .query_one(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .get(0)
}

/// The names of the tables in the public schema, sorted (for `column`).
pub const PUBLIC_TABLES: &str =
    "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1";

/// The first column of every row `sql` returns.
pub async fn column<T>(client: &tokio_postgres::Client, sql: &str) -> Vec<T>
where
    T: for<'a> tokio_postgres::types::FromSql<'a>,
{
    client
        .query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// Row count and an md5 of every row, per table of the public schema: equal fingerprints
/// mean equal data.
pub async fn table_fingerprints(client: &tokio_postgres::Client) -> Vec<(String, i64, String)> {
    let tables: Vec<String> = crate::column(
        client,
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
    .await;
    let mut out = Vec::new();
    for table in tables {
        let row = client
            .query_one(
                &format!(
                    "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t"
                ),
                &[],
            )
            .await
            .unwrap();
        out.push((table, row.get(0), row.get(1)));
    }
    out
}

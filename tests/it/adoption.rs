//! Shared pieces of the import/adopt tests: a migration set read from a `sql/` folder at run
//! time, and the other tools' own ways of applying a folder (their SQL, their history rows).

use std::path::Path;

use pgbake::{EmbeddedMigration, EmbeddedScript};

/// The migrations of `sql_dir` as the build would embed them (leaked for `'static`).
pub fn load_migrations(sql_dir: &Path) -> &'static [EmbeddedMigration] {
    let analysis = pgbake_codegen::Builder::new(sql_dir).analyze();
    let script = |script: &pgbake_codegen::Script| EmbeddedScript {
        sql: crate::leak(&script.text),
        no_transaction: script.no_transaction,
        statements: Box::leak(
            script
                .statements
                .iter()
                .map(|s| crate::leak(s))
                .collect::<Vec<_>>()
                .into_boxed_slice(),
        ),
    };
    let set: Vec<EmbeddedMigration> = analysis
        .migrations
        .iter()
        .map(|m| EmbeddedMigration {
            version: m.version,
            name: crate::leak(&m.name),
            up: script(&m.up),
            down: m.down.as_ref().map(script),
        })
        .collect();
    Box::leak(set.into_boxed_slice())
}

/// Times `pgbake::check_migrations` on the folder named by `PGBAKE_MEASURE_SQL` (a measurement,
/// not a test: `cargo test --test it measure_check -- --ignored --nocapture`).
#[tokio::test]
#[ignore]
async fn measure_check_on_a_large_history() {
    let Ok(dir) = std::env::var("PGBAKE_MEASURE_SQL") else {
        panic!("set PGBAKE_MEASURE_SQL to a sql/ folder");
    };
    let migrations = load_migrations(Path::new(&dir));
    let url = std::env::var("PGBAKE_MEASURE_URL")
        .unwrap_or_else(|_| pgbake::testing::server().unwrap().admin_url.clone());
    let config = pgbake::Config::new(&url).unwrap();
    let started = std::time::Instant::now();
    let results = pgbake::check_migrations(&config, migrations).await.unwrap();
    let failed = results.iter().filter(|r| r.difference.is_some()).count();
    println!(
        "migrate check: {} migrations, {} checks, {failed} failed, {:.1} s",
        migrations.len(),
        results.len(),
        started.elapsed().as_secs_f64()
    );
    for result in results.iter().filter(|r| r.difference.is_some()).take(5) {
        println!(
            "FAIL {}\n{}",
            result.name,
            result.difference.as_deref().unwrap_or_default()
        );
    }
}

/// The fixture folder of `tool`.
pub fn fixture(tool: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(tool)
}

/// Runs `sql` as the tools do: in a transaction with the history row, or statement by
/// statement (simple protocol) when the tool's marker says so.
async fn run_as_tool(
    client: &tokio_postgres::Client,
    sql: &str,
    history_row: &str,
    in_transaction: bool,
) {
    if in_transaction {
        client
            .batch_execute(&format!("BEGIN;\n{sql}\n;\n{history_row};\nCOMMIT;"))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    } else {
        client
            .batch_execute(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        client.batch_execute(history_row).await.unwrap();
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sorted_entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

/// diesel's `migration run`: `__diesel_schema_migrations`, one transaction per folder (unless
/// `metadata.toml` says `run_in_transaction = false`), the version without its dashes.
pub async fn apply_like_diesel(client: &tokio_postgres::Client, dir: &Path) {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (\
               version VARCHAR(50) PRIMARY KEY NOT NULL, \
               run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
        )
        .await
        .unwrap();
    for folder in sorted_entries(dir).into_iter().filter(|p| p.is_dir()) {
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        let version = name.split('_').next().unwrap().replace('-', "");
        let metadata = std::fs::read_to_string(folder.join("metadata.toml")).unwrap_or_default();
        let in_transaction = !metadata.contains("run_in_transaction = false");
        let row = format!("INSERT INTO __diesel_schema_migrations (version) VALUES ('{version}')");
        run_as_tool(client, &read(&folder.join("up.sql")), &row, in_transaction).await;
    }
}

/// sqlx's `migrate run`: `_sqlx_migrations` with the SHA-384 of each script, in a transaction
/// unless the first line is `-- no-transaction`.
pub async fn apply_like_sqlx(client: &tokio_postgres::Client, dir: &Path) {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, \
             description TEXT NOT NULL, installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), \
             success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL)",
        )
        .await
        .unwrap();
    let mut ups: Vec<(i64, String, std::path::PathBuf)> = Vec::new();
    for path in sorted_entries(dir) {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if file.ends_with(".down.sql") || !file.ends_with(".sql") {
            continue;
        }
        let stem = file.trim_end_matches(".sql").trim_end_matches(".up");
        let (version, description) = stem.split_once('_').unwrap();
        ups.push((
            version.parse().unwrap(),
            description.replace('_', " "),
            path,
        ));
    }
    ups.sort();
    for (version, description, path) in ups {
        let sql = read(&path);
        let row = format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES ({version}, '{description}', TRUE, sha384(convert_to($sqlx${sql}$sqlx$, 'UTF8')), 1000)"
        );
        run_as_tool(client, &sql, &row, !sql.starts_with("-- no-transaction")).await;
    }
}

/// goose's `up` and dbmate's `up`: the section between the up and down directives.
pub async fn apply_like_sectioned(client: &tokio_postgres::Client, tool: &str, dir: &Path) {
    let (table, up, down) = if tool == "goose" {
        (
            "CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, \
             is_applied boolean NOT NULL, tstamp timestamp NULL DEFAULT now()); \
             INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, TRUE)",
            "-- +goose Up",
            "-- +goose Down",
        )
    } else {
        (
            "CREATE TABLE IF NOT EXISTS schema_migrations (version varchar(128) PRIMARY KEY)",
            "-- migrate:up",
            "-- migrate:down",
        )
    };
    client.batch_execute(table).await.unwrap();
    for path in sorted_entries(dir) {
        let text = read(&path);
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let digits = file.split('_').next().unwrap();
        let section = text.split(up).nth(1).unwrap();
        let section = section.split(down).next().unwrap();
        let section = section.split_once('\n').map_or("", |(_, rest)| rest);
        let in_transaction =
            !text.contains("NO TRANSACTION") && !text.contains("transaction:false");
        let row = if tool == "goose" {
            format!(
                "INSERT INTO goose_db_version (version_id, is_applied) VALUES ({}, TRUE)",
                digits.parse::<i64>().unwrap()
            )
        } else {
            format!("INSERT INTO schema_migrations (version) VALUES ('{digits}')")
        };
        run_as_tool(client, section, &row, in_transaction).await;
    }
}

/// refinery's `migrate`: `refinery_schema_history` with 32-bit versions and its checksums.
pub async fn apply_like_refinery(client: &tokio_postgres::Client, dir: &Path) {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS refinery_schema_history (version INT4 PRIMARY KEY, \
             name VARCHAR(255), applied_on VARCHAR(255), checksum VARCHAR(255))",
        )
        .await
        .unwrap();
    let mut files: Vec<(i64, String, std::path::PathBuf)> = sorted_entries(dir)
        .into_iter()
        .map(|path| {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let (version, name) = file[1..].trim_end_matches(".sql").split_once("__").unwrap();
            (version.parse().unwrap(), name.to_string(), path)
        })
        .collect();
    files.sort();
    for (version, name, path) in files {
        let sql = read(&path);
        let checksum = refinery::Migration::unapplied(&format!("V{version}__{name}"), &sql)
            .unwrap()
            .checksum();
        let row = format!(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
             VALUES ({version}, '{name}', '2024-01-01T00:00:00Z', '{checksum}')"
        );
        run_as_tool(client, &sql, &row, true).await;
    }
}

/// Adopts a database another tool migrated, from the folder named by `PGBAKE_ADOPT_SQL`, and
/// prints what `migrate` would then apply (a manual run against a real history:
/// `PGBAKE_ADOPT_URL=… PGBAKE_ADOPT_TOOL=diesel cargo test --test it adopt_a_real -- --ignored --nocapture`).
#[tokio::test]
#[ignore]
async fn adopt_a_real_history() {
    let sql = std::env::var("PGBAKE_ADOPT_SQL").expect("PGBAKE_ADOPT_SQL");
    let url = std::env::var("PGBAKE_ADOPT_URL").expect("PGBAKE_ADOPT_URL");
    let tool = match std::env::var("PGBAKE_ADOPT_TOOL").as_deref() {
        Ok("sqlx") => pgbake::cli::Tool::Sqlx,
        _ => pgbake::cli::Tool::Diesel,
    };
    let migrations = load_migrations(Path::new(&sql));
    let mut client = pgbake::testing::connect(&url).await.unwrap();
    let started = std::time::Instant::now();
    let adopted = pgbake::cli::adopt(&mut client, migrations, tool, false)
        .await
        .unwrap();
    let pending = pgbake::Migrator::new(migrations)
        .plan(&client)
        .await
        .unwrap();
    println!(
        "adopted {} of {} migrations in {:.2} s; {} pending, first {:?}",
        adopted.len(),
        migrations.len(),
        started.elapsed().as_secs_f64(),
        pending.len(),
        pending.first().map(|m| m.label())
    );
}

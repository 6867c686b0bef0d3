//! `pgbake migrate adopt --from <tool>`: takes over a database another tool migrated. It reads
//! that tool's history table, checks that every version applied there is among pgbake's
//! migrations (imported with `pgbake migrate import`), and records the same migrations in
//! pgbake's history with pgbake's checksums — in one transaction, under the migration lock —
//! so the next `pgbake migrate` applies only what is new. The other tool's table is kept.

use std::collections::BTreeMap;

use crate::EmbeddedMigration;
use crate::migrate::{HISTORY_TABLE, MIGRATION_LOCK_KEY};

use super::import::{Tool, imported_from};

/// A migration the other tool applied, matched with pgbake's.
#[derive(Debug, Clone)]
pub struct Adopted {
    /// The version in the other tool's history.
    pub tool_version: String,
    /// pgbake's migration.
    pub migration: &'static EmbeddedMigration,
    /// When the other tool applied it (RFC 3339), when it recorded that.
    pub applied_on: Option<String>,
}

/// One applied version of the other tool's history.
#[derive(Debug, Clone)]
struct ToolRow {
    version: String,
    applied_on: Option<String>,
}

/// The other tool's history table.
pub fn history_table(tool: Tool) -> &'static str {
    match tool {
        Tool::Sqlx => "_sqlx_migrations",
        Tool::Diesel => "__diesel_schema_migrations",
        Tool::Refinery => "refinery_schema_history",
        Tool::Dbmate => "schema_migrations",
        Tool::Goose => "goose_db_version",
    }
}

const UTC_TEXT: &str = r#"'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'"#;

/// Records in pgbake's history every migration `tool` applied to the database of `client`.
/// Checks everything first; on any refusal nothing changes. With `dry_run`, only checks.
pub async fn adopt(
    client: &mut tokio_postgres::Client,
    migrations: &'static [EmbeddedMigration],
    tool: Tool,
    dry_run: bool,
) -> anyhow::Result<Vec<Adopted>> {
    client.batch_execute("BEGIN").await?;
    let result = adopt_in_transaction(client, migrations, tool, dry_run).await;
    let end = if result.is_ok() && !dry_run {
        "COMMIT"
    } else {
        "ROLLBACK"
    };
    let ended = client.batch_execute(end).await;
    let adopted = result?;
    ended?;
    Ok(adopted)
}

async fn adopt_in_transaction(
    client: &tokio_postgres::Client,
    migrations: &'static [EmbeddedMigration],
    tool: Tool,
    dry_run: bool,
) -> anyhow::Result<Vec<Adopted>> {
    let locked: bool = client
        .query_one(
            "SELECT pg_try_advisory_xact_lock($1)",
            &[&MIGRATION_LOCK_KEY],
        )
        .await?
        .get(0);
    if !locked {
        anyhow::bail!(
            "another process is migrating this database (it holds pgbake's migration lock); nothing was changed: retry when it is done"
        );
    }
    let rows = read_tool_history(client, tool).await?;
    let adopted = match_versions(tool, &rows, migrations)?;
    if tool != Tool::Refinery {
        let existing = crate::read_history(client).await?;
        if !existing.is_empty() {
            anyhow::bail!(
                "{HISTORY_TABLE} already has {} row(s) (newest V{}): this database is already migrated by pgbake; nothing was changed",
                existing.len(),
                existing.iter().map(|r| r.version).max().unwrap_or_default()
            );
        }
    }
    if dry_run {
        return Ok(adopted);
    }
    if tool == Tool::Refinery {
        // The same table: keep refinery's rows, with pgbake's names and checksums and room
        // for pgbake's 64-bit versions.
        client
            .batch_execute(&format!(
                "ALTER TABLE {HISTORY_TABLE} ALTER COLUMN version TYPE int8"
            ))
            .await?;
        for row in &adopted {
            client
                .execute(
                    &format!(
                        "UPDATE {HISTORY_TABLE} SET version = $1, name = $2, checksum = $3 WHERE version::text = $4"
                    ),
                    &[
                        &row.migration.version,
                        &row.migration.name,
                        &row.migration.checksum().to_string(),
                        &row.tool_version,
                    ],
                )
                .await?;
        }
        return Ok(adopted);
    }
    crate::ensure_history_table(client).await?;
    for row in &adopted {
        let applied_on = row.applied_on.clone().unwrap_or_else(|| {
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
        });
        client
            .execute(
                &format!(
                    "INSERT INTO {HISTORY_TABLE} (version, name, applied_on, checksum) VALUES ($1, $2, $3, $4)"
                ),
                &[
                    &row.migration.version,
                    &row.migration.name,
                    &applied_on,
                    &row.migration.checksum().to_string(),
                ],
            )
            .await?;
    }
    Ok(adopted)
}

/// The versions `tool` considers applied, in its order.
async fn read_tool_history(
    client: &tokio_postgres::Client,
    tool: Tool,
) -> anyhow::Result<Vec<ToolRow>> {
    let table = history_table(tool);
    let exists: bool = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])
        .await?
        .get(0);
    if !exists {
        anyhow::bail!(
            "this database has no {table} table, so {} never migrated it (pick the tool that did with --from); nothing was changed",
            tool.name()
        );
    }
    let sql = match tool {
        Tool::Sqlx => {
            let dirty: Vec<i64> = client
                .query(
                    "SELECT version FROM _sqlx_migrations WHERE NOT success ORDER BY version",
                    &[],
                )
                .await?
                .iter()
                .map(|row| row.get(0))
                .collect();
            if let Some(version) = dirty.first() {
                anyhow::bail!(
                    "sqlx recorded migration {version} as failed (success = false): the database is in a partial state; \
                     fix it with sqlx first (or repair the row), then adopt; nothing was changed"
                );
            }
            format!(
                "SELECT version::text, to_char(installed_on AT TIME ZONE 'UTC', {UTC_TEXT}) FROM _sqlx_migrations ORDER BY version"
            )
        }
        Tool::Diesel => format!(
            "SELECT version::text, to_char(run_on, {UTC_TEXT}) FROM __diesel_schema_migrations ORDER BY version"
        ),
        Tool::Refinery => {
            "SELECT version::text, applied_on::text FROM refinery_schema_history ORDER BY version"
                .into()
        }
        Tool::Dbmate => {
            "SELECT version::text, NULL::text FROM schema_migrations ORDER BY version".into()
        }
        // goose appends a row per up and per down; the newest row of a version decides.
        Tool::Goose => format!(
            "SELECT version_id::text, to_char(tstamp, {UTC_TEXT}) FROM ( \
               SELECT DISTINCT ON (version_id) version_id, is_applied, tstamp FROM goose_db_version \
               WHERE version_id > 0 ORDER BY version_id, id DESC) newest \
             WHERE is_applied ORDER BY version_id"
        ),
    };
    Ok(client
        .query(&sql, &[])
        .await?
        .iter()
        .map(|row| ToolRow {
            version: row.get(0),
            applied_on: row.get(1),
        })
        .collect())
}

/// Each applied version's pgbake migration: the one whose `-- pgbake:imported-from` line names
/// it, or else (a folder converted by hand) the one with the same version number.
fn match_versions(
    tool: Tool,
    rows: &[ToolRow],
    migrations: &'static [EmbeddedMigration],
) -> anyhow::Result<Vec<Adopted>> {
    let mut by_tool_version: BTreeMap<&str, &'static EmbeddedMigration> = BTreeMap::new();
    for migration in migrations {
        if let Some((from, version)) = imported_from(migration.up.sql)
            && from == tool
        {
            by_tool_version.insert(version, migration);
        }
    }
    let mut adopted = Vec::new();
    let mut missing = Vec::new();
    for row in rows {
        let found = by_tool_version
            .get(row.version.as_str())
            .copied()
            .or_else(|| {
                let number: i64 = row.version.parse().ok()?;
                migrations
                    .iter()
                    .find(|m| m.version == number && imported_from(m.up.sql).is_none())
            });
        match found {
            Some(migration) => adopted.push(Adopted {
                tool_version: row.version.clone(),
                migration,
                applied_on: row.applied_on.clone(),
            }),
            None => missing.push(row.version.clone()),
        }
    }
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(10).map(String::as_str).collect();
        anyhow::bail!(
            "{} applied {} version(s) that pgbake's migrations lack: {}{}; nothing was changed: \
             import the folder {} migrated this database from (`pgbake migrate import --from {}`), rebuild, then adopt",
            tool.name(),
            missing.len(),
            shown.join(", "),
            if missing.len() > shown.len() {
                ", …"
            } else {
                ""
            },
            tool.name(),
            tool.name()
        );
    }
    let mut seen = BTreeMap::new();
    for row in &adopted {
        if let Some(other) = seen.insert(row.migration.version, &row.tool_version) {
            anyhow::bail!(
                "{} versions {other} and {} both match V{}; nothing was changed",
                tool.name(),
                row.tool_version,
                row.migration.version
            );
        }
    }
    adopted.sort_by_key(|row| row.migration.version);
    Ok(adopted)
}

#[derive(Debug, clap::Args)]
pub struct AdoptArgs {
    /// The tool that migrated the database.
    #[arg(long = "from", value_enum, value_name = "TOOL")]
    from: Tool,
    /// Check and print what would be recorded; change nothing.
    #[arg(long)]
    dry_run: bool,
}

pub async fn run(
    args: AdoptArgs,
    migrations: &'static [EmbeddedMigration],
) -> anyhow::Result<std::process::ExitCode> {
    let config = super::database::migration_config().await?;
    let mut client = crate::connect_direct(&config).await?;
    let adopted = adopt(&mut client, migrations, args.from, args.dry_run).await?;
    let verb = if args.dry_run {
        "would record"
    } else {
        "recorded"
    };
    for row in &adopted {
        outln!(
            "{verb} {} (applied by {} as {})",
            row.migration.label(),
            args.from.name(),
            row.tool_version
        );
    }
    let newest = adopted.iter().map(|row| row.migration.version).max();
    let gaps: Vec<String> = migrations
        .iter()
        .filter(|m| newest.is_some_and(|newest| m.version < newest))
        .filter(|m| !adopted.iter().any(|row| row.migration.version == m.version))
        .map(EmbeddedMigration::label)
        .collect();
    if !gaps.is_empty() {
        outln!(
            "warning: {} never applied {} (older than the newest it applied); `pgbake migrate` will refuse them \
             unless you pass --allow-out-of-order",
            args.from.name(),
            gaps.join(", ")
        );
    }
    outln!(
        "{}: {verb} {} migration(s) of {} in {HISTORY_TABLE}; {} pending{}",
        config.display_target(),
        adopted.len(),
        args.from.name(),
        migrations.len() - adopted.len(),
        if args.dry_run {
            "; dry run: nothing was changed".to_string()
        } else {
            format!(
                " (`pgbake migrate` applies them); {} is kept",
                history_table(args.from)
            )
        }
    );
    Ok(std::process::ExitCode::SUCCESS)
}

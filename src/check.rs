//! `pgbake migrate check`: every down script really reverts its migration, and every
//! upgrade path ends with the same schema as a fresh install — checked on scratch
//! databases with `pg_dump --schema-only`.
//!
//! The work is linear in the number of migrations. Two scratch databases advance side by
//! side, one version per step: the fresh install applies every migration in one session (as
//! `migrate` on an empty database does) and is dumped after each version; the walker applies
//! each migration in a new session (as an upgrade from the previous version does), runs its
//! down script, checks that the schema is the previous version's again, applies it once more
//! and compares the result with the fresh install at that version. An upgrade from version k
//! to the newest is the walker's path from k on, so every upgrade path is compared with a
//! fresh install at every version it passes — three dumps per migration instead of an
//! upgrade replayed from every earlier version.

use crate::migrate::{EmbeddedMigration, Migrator};
use crate::{Config, Error, RevertTarget};

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// What was compared, e.g. `V3__roles: up, down, up`.
    pub name: String,
    /// `None` when the schemas were identical; otherwise the first differing lines.
    pub difference: Option<String>,
}

/// Progress of [`check_migrations_with_progress`], after each migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckStep {
    /// Migrations checked so far.
    pub done: usize,
    /// Migrations to check.
    pub total: usize,
    /// The migration just checked (`V3__roles`).
    pub migration: String,
    /// Checks failed so far.
    pub failed: usize,
    /// Time since the check started.
    pub elapsed: std::time::Duration,
}

/// Runs the reversibility and upgrade-path checks for `migrations` on scratch databases of
/// the server `config` points at (they are dropped afterwards, also on failure).
pub async fn check_migrations(
    config: &Config,
    migrations: &'static [EmbeddedMigration],
) -> Result<Vec<CheckResult>, Error> {
    check_migrations_with_progress(config, migrations, &mut |_| {}).await
}

/// [`check_migrations`], calling `progress` after each migration.
pub async fn check_migrations_with_progress(
    config: &Config,
    migrations: &'static [EmbeddedMigration],
    progress: &mut (dyn FnMut(&CheckStep) + Send),
) -> Result<Vec<CheckResult>, Error> {
    let admin = crate::connect_direct(&config.with_database("postgres")).await?;
    // A random tag makes the names this run's own; the run drops exactly the databases it
    // created (never by pattern, so another run's scratch databases are safe).
    let prefix = format!("pgbake_check_{}", uuid::Uuid::new_v4().simple());
    let mut scratch = Scratch {
        admin: &admin,
        prefix,
        created: Vec::new(),
    };
    let result = run_checks(config, &mut scratch, migrations, progress).await;
    let mut cleanup = Ok(());
    for name in std::mem::take(&mut scratch.created) {
        let dropped = admin
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(&name)
            ))
            .await;
        if let Err(error) = dropped {
            cleanup = Err(error);
        }
    }
    let results = result?;
    cleanup?;
    Ok(results)
}

/// The scratch databases of one check run.
struct Scratch<'a> {
    admin: &'a tokio_postgres::Client,
    prefix: String,
    created: Vec<String>,
}

impl Scratch<'_> {
    /// Creates `<prefix>_<suffix>` from `template` and remembers it for the final cleanup.
    async fn create(&mut self, suffix: &str, template: &str) -> Result<String, Error> {
        let name = format!("{}_{suffix}", self.prefix);
        self.admin
            .batch_execute(&format!(
                "CREATE DATABASE {} TEMPLATE {}",
                quote_ident(&name),
                quote_ident(template)
            ))
            .await?;
        self.created.push(name.clone());
        Ok(name)
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn run_checks(
    config: &Config,
    scratch: &mut Scratch<'_>,
    migrations: &'static [EmbeddedMigration],
    progress: &mut (dyn FnMut(&CheckStep) + Send),
) -> Result<Vec<CheckResult>, Error> {
    let started = std::time::Instant::now();
    let mut results = Vec::new();
    // The fresh install, one session from the first migration to the last (what `migrate`
    // does on an empty database), dumped after each version.
    let fresh = config.with_database(&scratch.create("fresh", "template0").await?);
    let mut fresh_client = crate::connect_direct(&fresh).await?;
    crate::ensure_history_table(&fresh_client).await?;
    // The walker: each migration applied in a session of its own (what an upgrade from the
    // previous version does), reverted with its down script and applied again.
    let walker = config.with_database(&scratch.create("walk", "template0").await?);
    crate::ensure_history_table(&crate::connect_direct(&walker).await?).await?;
    let mut previous = dump(&walker).await?;
    for (index, migration) in migrations.iter().enumerate() {
        let target = Migrator::new(migrations).target(Some(migration.version));
        let (fresh_schema, walked) = tokio::join!(
            async {
                target.run_on(&mut fresh_client).await?;
                dump(&fresh).await
            },
            walk_one(&walker, migrations, migration, &target)
        );
        let (fresh_schema, walked) = (fresh_schema?, walked?);
        let from = match index {
            0 => "an empty database".to_string(),
            _ => migrations[index - 1].label(),
        };
        let upgrade = |schema: &str| CheckResult {
            name: format!("upgrade from {from} = fresh install"),
            difference: difference_of(&fresh_schema, schema),
        };
        match walked {
            Walked::NoDown(schema) => {
                results.push(upgrade(&schema));
                results.push(CheckResult {
                    name: format!("{}: no down script (not reversible)", migration.label()),
                    difference: None,
                });
                previous = schema;
            }
            Walked::UpFailed { .. } | Walked::DownFailed(_) => {
                let difference = match walked {
                    Walked::UpFailed { reverted, error } => {
                        let mut difference = format!("up after down failed: {error}");
                        if let Some(leftover) = difference_of(&previous, &reverted) {
                            difference
                                .push_str(&format!("\ndown left a different schema:\n{leftover}"));
                        }
                        difference
                    }
                    Walked::DownFailed(error) => format!("the down script failed: {error}"),
                    _ => unreachable!("matched above"),
                };
                results.push(CheckResult {
                    name: format!("{}: up, down, up", migration.label()),
                    difference: Some(difference),
                });
                results.push(CheckResult {
                    name: "later migrations: not checked (fix the down script above first)".into(),
                    difference: Some("the walk stopped here".into()),
                });
                return Ok(results);
            }
            Walked::Reverted { reverted, again } => {
                results.push(upgrade(&again));
                results.push(CheckResult {
                    name: format!("{}: up, down, up", migration.label()),
                    difference: difference_of(&previous, &reverted)
                        .map(|d| format!("down left a different schema:\n{d}")),
                });
                previous = again;
            }
        }
        progress(&CheckStep {
            done: index + 1,
            total: migrations.len(),
            migration: migration.label(),
            failed: results.iter().filter(|r| r.difference.is_some()).count(),
            elapsed: started.elapsed(),
        });
    }
    Ok(results)
}

/// What one step of the walker saw.
enum Walked {
    /// Applied; no down script.
    NoDown(String),
    /// Applied, reverted (`reverted` is the schema then) and applied again (`again`).
    Reverted { reverted: String, again: String },
    /// Applying it again after its down script failed.
    UpFailed { reverted: String, error: Error },
    /// Its down script failed.
    DownFailed(Error),
}

/// Applies `migration` on the walker in a session of its own, then down and up again.
async fn walk_one(
    walker: &Config,
    migrations: &'static [EmbeddedMigration],
    migration: &EmbeddedMigration,
    target: &Migrator,
) -> Result<Walked, Error> {
    target
        .run_on(&mut crate::connect_direct(walker).await?)
        .await?;
    if migration.down.is_none() {
        return Ok(Walked::NoDown(dump(walker).await?));
    }
    if let Err(error) = crate::revert(
        &mut crate::connect_direct(walker).await?,
        migrations,
        RevertTarget::Steps(1),
        std::time::Duration::from_secs(30),
    )
    .await
    {
        return Ok(Walked::DownFailed(error));
    }
    let reverted = dump(walker).await?;
    // Again in a new session, as the next deploy would.
    if let Err(error) = target
        .run_on(&mut crate::connect_direct(walker).await?)
        .await
    {
        return Ok(Walked::UpFailed { reverted, error });
    }
    Ok(Walked::Reverted {
        reverted,
        again: dump(walker).await?,
    })
}

/// [`schema_dump`] off the async threads, so the fresh install and the walker dump in parallel.
async fn dump(config: &Config) -> Result<String, Error> {
    let config = config.clone();
    tokio::task::spawn_blocking(move || schema_dump(&config))
        .await
        .map_err(|e| Error::LocalCluster(format!("pg_dump did not finish: {e}")))?
}

/// `pg_dump --schema-only` of the database, without comments, SET lines, blank lines and
/// `\restrict` keys (which carry versions, dates and random keys rather than schema).
pub fn schema_dump(config: &Config) -> Result<String, Error> {
    let mut pg_dump = crate::libpq::libpq_command(config, "pg_dump")?;
    let output = pg_dump
        .command
        .args(["--schema-only", "--no-owner"])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| Error::LocalCluster(format!("cannot run pg_dump: {e}")))?;
    if !output.status.success() {
        return Err(Error::LocalCluster(format!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(normalize_dump(&String::from_utf8_lossy(&output.stdout)))
}

fn normalize_dump(dump: &str) -> String {
    dump.lines()
        .filter(|line| {
            let line = line.trim();
            !(line.is_empty()
                || line.starts_with("--")
                || line.starts_with("SET ")
                || line.starts_with("SELECT pg_catalog.set_config")
                || line.starts_with("\\restrict")
                || line.starts_with("\\unrestrict"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first lines where two dumps differ, or `None` when they are the same.
fn difference_of(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let missing: Vec<String> = expected
        .iter()
        .filter(|l| !actual.contains(l))
        .take(10)
        .map(|l| format!("- {l}"))
        .collect();
    let extra: Vec<String> = actual
        .iter()
        .filter(|l| !expected.contains(l))
        .take(10)
        .map(|l| format!("+ {l}"))
        .collect();
    let mut lines = missing;
    lines.extend(extra);
    if lines.is_empty() {
        lines.push("(same statements in a different order)".into());
    }
    Some(lines.join("\n"))
}

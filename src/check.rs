//! `pgbake migrate check`: every down script really reverts its migration, and every
//! upgrade path ends with the same schema as a fresh install — checked on scratch
//! databases with `pg_dump --schema-only`.

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

/// Runs the reversibility and upgrade-path checks for `migrations` on scratch databases of
/// the server `config` points at (they are dropped afterwards, also on failure).
pub async fn check_migrations(
    config: &Config,
    migrations: &'static [EmbeddedMigration],
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
    let result = run_checks(config, &mut scratch, migrations).await;
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

    async fn drop(&mut self, name: &str) -> Result<(), Error> {
        self.admin
            .batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", quote_ident(name)))
            .await?;
        self.created.retain(|n| n != name);
        Ok(())
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn run_checks(
    config: &Config,
    scratch: &mut Scratch<'_>,
    migrations: &'static [EmbeddedMigration],
) -> Result<Vec<CheckResult>, Error> {
    let mut results = Vec::new();
    let fresh = scratch.create("fresh", "template0").await?;
    let fresh_config = config.with_database(&fresh);
    Migrator::new(migrations)
        .run_on(&mut crate::connect_direct(&fresh_config).await?)
        .await?;
    let fresh_schema = schema_dump(&fresh_config)?;

    // Walk up one migration at a time; at each step run up, down, up when there is a
    // down script, and compare the upgrade from the previous version with a fresh install.
    let walker = scratch.create("walk", "template0").await?;
    let walker_config = config.with_database(&walker);
    // The history table exists from the first migrate on; make it part of every "before".
    crate::ensure_history_table(&crate::connect_direct(&walker_config).await?).await?;
    for (index, migration) in migrations.iter().enumerate() {
        // Upgrade from version index (the previous migration) to the newest.
        let clone = scratch.create(&format!("from_{index}"), &walker).await?;
        let clone_config = config.with_database(&clone);
        Migrator::new(migrations)
            .run_on(&mut crate::connect_direct(&clone_config).await?)
            .await?;
        let from = if index == 0 {
            "an empty database".to_string()
        } else {
            migrations[index - 1].label()
        };
        results.push(CheckResult {
            name: format!("upgrade from {from} = fresh install"),
            difference: difference_of(&fresh_schema, &schema_dump(&clone_config)?),
        });
        scratch.drop(&clone).await?;

        let before = schema_dump(&walker_config)?;
        let target = Migrator::new(migrations).target(Some(migration.version));
        let mut client = crate::connect_direct(&walker_config).await?;
        target.run_on(&mut client).await?;
        if migration.down.is_none() {
            results.push(CheckResult {
                name: format!("{}: no down script (not reversible)", migration.label()),
                difference: None,
            });
            continue;
        }
        let after = schema_dump(&walker_config)?;
        crate::revert(
            &mut client,
            migrations,
            RevertTarget::Steps(1),
            std::time::Duration::from_secs(30),
        )
        .await?;
        let reverted = schema_dump(&walker_config)?;
        if let Err(error) = target.run_on(&mut client).await {
            // The down script left something behind that the up script trips over.
            let mut difference = format!("up after down failed: {error}");
            if let Some(leftover) = difference_of(&before, &reverted) {
                difference.push_str(&format!("\ndown left a different schema:\n{leftover}"));
            }
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
        let again = schema_dump(&walker_config)?;
        let difference = difference_of(&before, &reverted)
            .map(|d| format!("down left a different schema:\n{d}"))
            .or_else(|| {
                difference_of(&after, &again)
                    .map(|d| format!("up after down gave a different schema:\n{d}"))
            });
        results.push(CheckResult {
            name: format!("{}: up, down, up", migration.label()),
            difference,
        });
    }
    Ok(results)
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

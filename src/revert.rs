//! Reverting migrations with their `.down.sql` scripts, and adopting an existing database.

use std::time::{Duration, Instant};

use crate::migrate::{EmbeddedMigration, HISTORY_TABLE, ensure_history_table, read_history};
use crate::{AppliedMigration, Error};

/// How far `down` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevertTarget {
    /// Revert the newest N applied migrations.
    Steps(usize),
    /// Revert every applied migration newer than this version, which must be applied (it
    /// stays applied); any other version is refused.
    To(i64),
    /// Revert every applied migration.
    All,
}

/// The longest wait of a down script for a table lock (`SET LOCAL lock_timeout`; a script
/// that sets its own keeps that): a revert queued behind a long transaction fails fast
/// instead of blocking every reader of the table meanwhile. The same bound the migration
/// lint asks of up scripts.
pub const DOWN_LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// The applied migrations `target` would revert, newest first. Refuses, before anything
/// changes, when one of them has no down script or is missing from this build, or when the
/// database holds a different migration set.
pub async fn plan_revert(
    client: &tokio_postgres::Client,
    migrations: &'static [EmbeddedMigration],
    target: RevertTarget,
) -> Result<Vec<&'static EmbeddedMigration>, Error> {
    let history = read_history(client).await?;
    if let Some(error) = crate::migrate::different_migration_set(&history, migrations) {
        return Err(error);
    }
    let mut applied: Vec<i64> = history.iter().map(|r| r.version).collect();
    applied.sort_unstable_by(|a, b| b.cmp(a));
    let chosen: Vec<i64> = match target {
        RevertTarget::Steps(n) => applied.into_iter().take(n).collect(),
        RevertTarget::To(version) if !applied.contains(&version) => {
            return Err(Error::RevertTargetNotApplied { version, applied });
        }
        RevertTarget::To(version) => applied.into_iter().filter(|v| *v > version).collect(),
        RevertTarget::All => applied,
    };
    let mut plan = Vec::new();
    for version in chosen {
        let Some(migration) = migrations.iter().find(|m| m.version == version) else {
            let name = history
                .iter()
                .find(|r| r.version == version)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            return Err(Error::MigrationMissing { version, name });
        };
        if migration.down.is_none() {
            return Err(Error::NoDownScript {
                version,
                name: migration.name,
            });
        }
        plan.push(migration);
    }
    Ok(plan)
}

/// Runs the down scripts of `plan` in order (newest first), each in one transaction with
/// the removal of its history row, under the migration lock.
pub async fn revert(
    client: &mut tokio_postgres::Client,
    migrations: &'static [EmbeddedMigration],
    target: RevertTarget,
    lock_timeout: Duration,
) -> Result<Vec<AppliedMigration>, Error> {
    crate::migrate::with_migration_lock(client, lock_timeout, async |client| {
        revert_locked(client, migrations, target).await
    })
    .await
}

async fn revert_locked(
    client: &mut tokio_postgres::Client,
    migrations: &'static [EmbeddedMigration],
    target: RevertTarget,
) -> Result<Vec<AppliedMigration>, Error> {
    let plan = plan_revert(client, migrations, target).await?;
    let mut reverted = Vec::new();
    for migration in plan {
        let down = migration
            .down
            .expect("plan_revert only keeps migrations with a down script");
        let started = Instant::now();
        let delete = format!(
            "DELETE FROM {HISTORY_TABLE} WHERE version = {}",
            migration.version
        );
        let lock_timeout = format!("'{}ms'", DOWN_LOCK_TIMEOUT.as_millis());
        if down.no_transaction {
            client
                .batch_execute(&format!("SET lock_timeout = {lock_timeout}"))
                .await?;
            let mut result = Ok(());
            for statement in down.statements {
                result = client.batch_execute(statement).await.map_err(|e| {
                    crate::migrate::migration_failed(
                        migration,
                        crate::ScriptKind::Down,
                        down.sql,
                        e,
                        Some(statement),
                    )
                });
                if result.is_err() {
                    break;
                }
            }
            client.batch_execute("RESET lock_timeout").await?;
            result?;
            client.batch_execute(&delete).await?;
        } else {
            let transaction = client.transaction().await?;
            transaction
                .batch_execute(&format!("SET LOCAL lock_timeout = {lock_timeout}"))
                .await?;
            transaction.batch_execute(down.sql).await.map_err(|e| {
                crate::migrate::migration_failed(
                    migration,
                    crate::ScriptKind::Down,
                    down.sql,
                    e,
                    Some(down.sql),
                )
            })?;
            transaction.batch_execute(&delete).await?;
            transaction.commit().await?;
        }
        let duration = started.elapsed();
        tracing::info!(
            version = migration.version,
            name = migration.name,
            ?duration,
            "reverted migration"
        );
        reverted.push(AppliedMigration {
            version: migration.version,
            name: migration.name.to_string(),
            duration,
        });
    }
    Ok(reverted)
}

/// Records every embedded migration up to `version` as applied without running it, for a
/// database that already has that schema. Refuses when the history is not empty.
pub async fn baseline(
    client: &mut tokio_postgres::Client,
    migrations: &'static [EmbeddedMigration],
    version: i64,
    lock_timeout: Duration,
) -> Result<Vec<&'static EmbeddedMigration>, Error> {
    if !migrations.iter().any(|m| m.version == version) {
        return Err(Error::config(
            "baseline version",
            format!(
                "this build has no migration V{version}; pick one listed by `pgbake migrate status`"
            ),
        ));
    }
    crate::migrate::with_migration_lock(client, lock_timeout, async |client| {
        ensure_history_table(client).await?;
        let history = read_history(client).await?;
        if let Some(newest) = history.iter().map(|r| r.version).max() {
            return Err(Error::config(
                "baseline version",
                format!("the database already has applied migrations (newest V{newest}); baseline only adopts a database without history"),
            ));
        }
        let chosen: Vec<&'static EmbeddedMigration> = migrations.iter().filter(|m| m.version <= version).collect();
        let transaction = client.transaction().await?;
        for migration in &chosen {
            transaction.batch_execute(&crate::migrate::history_insert(migration)).await?;
        }
        transaction.commit().await?;
        Ok(chosen)
    })
    .await
}

//! Where a database stands against the embedded migrations: applied, pending, and problems.

use crate::Error;
use crate::migrate::{EmbeddedMigration, HistoryRow, read_history};

/// One line of `pgbake migrate status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// The version.
    pub version: i64,
    /// The name (from the binary, or from the history when missing from the binary).
    pub name: String,
    /// When it was applied (RFC 3339), `None` when pending.
    pub applied_on: Option<String>,
    /// Whether this build has a `.down.sql` for it.
    pub has_down: bool,
    /// What is wrong with it, if anything.
    pub problem: Option<Problem>,
}

/// Something `migrate()` would refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Applied, but the file changed since.
    Edited,
    /// Applied under another name, or applied while the database and this build share no
    /// version: the database was migrated by a different migration set.
    DifferentMigrationSet,
    /// Applied, but this build does not have it.
    MissingFromBinary,
    /// Pending, but older than the newest applied migration.
    OutOfOrder,
}

impl Problem {
    /// Short description for tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::Edited => "edited since applied",
            Problem::DifferentMigrationSet => "the database has a different migration set",
            Problem::MissingFromBinary => "missing from this build",
            Problem::OutOfOrder => "pending but older than the newest applied",
        }
    }
}

/// Every migration known to the database or the binary, in version order, with its state.
pub async fn migration_status(
    client: &tokio_postgres::Client,
    migrations: &[EmbeddedMigration],
) -> Result<Vec<MigrationStatus>, Error> {
    let history = read_history(client).await?;
    Ok(compare(&history, migrations))
}

/// Compares the history table with the embedded set (pure; used by status and health).
pub fn compare(history: &[HistoryRow], migrations: &[EmbeddedMigration]) -> Vec<MigrationStatus> {
    let newest_applied = history.iter().map(|r| r.version).max();
    let mut rows: Vec<MigrationStatus> = Vec::new();
    for migration in migrations {
        let applied = history.iter().find(|r| r.version == migration.version);
        let problem = match applied {
            Some(row) if row.name != migration.name => Some(Problem::DifferentMigrationSet),
            Some(row) if row.checksum != migration.checksum() => Some(Problem::Edited),
            Some(_) => None,
            None if newest_applied.is_some_and(|newest| migration.version < newest) => {
                Some(Problem::OutOfOrder)
            }
            None => None,
        };
        rows.push(MigrationStatus {
            version: migration.version,
            name: migration.name.to_string(),
            applied_on: applied.map(|r| r.applied_on.clone()),
            has_down: migration.down.is_some(),
            problem,
        });
    }
    let foreign = matches!(
        crate::migrate::different_migration_set(history, migrations),
        Some(Error::DifferentMigrationSet { applied_version, version, .. }) if applied_version != version
    );
    for row in history {
        if !migrations.iter().any(|m| m.version == row.version) {
            rows.push(MigrationStatus {
                version: row.version,
                name: row.name.clone(),
                applied_on: Some(row.applied_on.clone()),
                has_down: false,
                problem: Some(if foreign {
                    Problem::DifferentMigrationSet
                } else {
                    Problem::MissingFromBinary
                }),
            });
        }
    }
    rows.sort_by_key(|r| r.version);
    rows
}

//! Runs the embedded migrations: one advisory lock, one transaction per migration, checks, report.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use refinery::AsyncMigrate;
use refinery::Migration as RefineryMigration;
use refinery_core::traits::r#async::AsyncTransaction;

use crate::error::ScriptKind;
use crate::{Error, Pool};

/// The history table (refinery's layout: version, name, applied_on, checksum).
pub const HISTORY_TABLE: &str = "refinery_schema_history";

/// Advisory lock key held while migrating (the bytes of "pgbake").
pub const MIGRATION_LOCK_KEY: i64 = 0x7067_6261_6b65;

/// One migration compiled into the binary by pgbake's build step.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedMigration {
    /// Version from `V<version>__<name>.sql`.
    pub version: i64,
    /// Name from the file name.
    pub name: &'static str,
    /// The up script.
    pub up: EmbeddedScript,
    /// The `.down.sql` script, when there is one.
    pub down: Option<EmbeddedScript>,
}

/// The text of one script, normalised at build time (no BOM, LF line ends).
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedScript {
    /// The whole script.
    pub sql: &'static str,
    /// Whether it starts with `-- pgbake:no-transaction`.
    pub no_transaction: bool,
    /// For no-transaction scripts: the statements, run one by one.
    pub statements: &'static [&'static str],
}

impl EmbeddedMigration {
    /// `V<version>__<name>`.
    pub fn label(&self) -> String {
        format!("V{}__{}", self.version, self.name)
    }

    /// The checksum stored in the history table (refinery's: name, version and text).
    pub fn checksum(&self) -> u64 {
        self.refinery().checksum()
    }

    fn refinery(&self) -> RefineryMigration {
        // The build step already normalises; doing it here too keeps hand-built sets
        // (tests, other build tools) from counting CRLF or a BOM as an edit.
        let sql = self.up.sql.strip_prefix('\u{feff}').unwrap_or(self.up.sql);
        let sql = if sql.contains('\r') {
            sql.replace("\r\n", "\n").into()
        } else {
            std::borrow::Cow::Borrowed(sql)
        };
        RefineryMigration::unapplied(&self.label(), &sql)
            .expect("the build step only embeds names that follow the naming rule")
    }
}

/// What [`migrate`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MigrationReport {
    /// Migrations applied by this call, in order.
    pub applied: Vec<AppliedMigration>,
    /// How many were already applied before this call.
    pub already_applied: usize,
}

/// One migration applied by this call.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedMigration {
    /// Its version.
    pub version: i64,
    /// Its name.
    pub name: String,
    /// Time spent running it, including its history row.
    pub duration: Duration,
}

/// A row of the history table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    /// Applied version.
    pub version: i64,
    /// Name recorded.
    pub name: String,
    /// When it was applied (RFC 3339 text, as refinery stores it).
    pub applied_on: String,
    /// Checksum recorded.
    pub checksum: u64,
}

/// Applies `migrations` (the `MIGRATIONS` your build script generated from your
/// `sql/migrations/`) with the default settings: `Migrator::new(migrations).run(pool)`.
/// Safe to call from every replica at boot: one applies, the others wait and find nothing
/// left to do.
pub async fn migrate(
    pool: &Pool,
    migrations: &'static [EmbeddedMigration],
) -> Result<MigrationReport, Error> {
    Migrator::new(migrations).run(pool).await
}

/// Runs a set of embedded migrations, with settings.
#[derive(Debug, Clone)]
pub struct Migrator {
    migrations: &'static [EmbeddedMigration],
    allow_out_of_order: bool,
    lock_timeout: Duration,
    target: Option<i64>,
}

impl Migrator {
    /// A migrator for `migrations` (the `MIGRATIONS` your build script generated),
    /// waiting at most 60 s for the migration lock.
    pub fn new(migrations: &'static [EmbeddedMigration]) -> Migrator {
        Migrator {
            migrations,
            allow_out_of_order: false,
            lock_timeout: Duration::from_secs(60),
            target: None,
        }
    }

    /// Apply pending migrations older than the newest applied one instead of refusing.
    pub fn allow_out_of_order(mut self, allow: bool) -> Migrator {
        self.allow_out_of_order = allow;
        self
    }

    /// Longest wait for another process's migration lock.
    pub fn lock_timeout(mut self, timeout: Duration) -> Migrator {
        self.lock_timeout = timeout;
        self
    }

    /// Stop after this version (apply nothing newer).
    pub fn target(mut self, version: Option<i64>) -> Migrator {
        self.target = version;
        self
    }

    /// The migrations this migrator knows, in version order.
    pub fn migrations(&self) -> &'static [EmbeddedMigration] {
        self.migrations
    }

    /// Takes a connection out of `pool` (it is closed afterwards, so the session-level
    /// lock can never outlive this call), locks, checks and applies.
    pub async fn run(&self, pool: &Pool) -> Result<MigrationReport, Error> {
        let object = pool.get().await?.into_deadpool();
        let mut client = deadpool_postgres::Object::take(object);
        self.run_on(&mut client).await
    }

    /// Same as [`Migrator::run`] on a connection you opened; the lock is released before
    /// returning, also on error.
    pub async fn run_on(
        &self,
        client: &mut tokio_postgres::Client,
    ) -> Result<MigrationReport, Error> {
        self.run_on_with_progress(client, |_| {}).await
    }

    /// Same as [`Migrator::run_on`], calling `progress` as soon as each migration is applied
    /// (so a run that fails later has already said what it applied).
    pub async fn run_on_with_progress(
        &self,
        client: &mut tokio_postgres::Client,
        mut progress: impl FnMut(&AppliedMigration) + Send,
    ) -> Result<MigrationReport, Error> {
        with_migration_lock(client, self.lock_timeout, async |client| {
            self.apply_locked(client, &mut progress).await
        })
        .await
    }

    /// The migrations that are pending, after the same checks as [`Migrator::run`], without
    /// applying anything.
    pub async fn plan(
        &self,
        client: &tokio_postgres::Client,
    ) -> Result<Vec<&'static EmbeddedMigration>, Error> {
        let applied = read_history(client).await?;
        self.pending(&applied)
    }

    async fn apply_locked(
        &self,
        client: &mut tokio_postgres::Client,
        progress: &mut (dyn FnMut(&AppliedMigration) + Send),
    ) -> Result<MigrationReport, Error> {
        ensure_history_table(client).await?;
        let applied = read_history(client).await?;
        let pending = self.pending(&applied)?;
        let mut report = MigrationReport {
            applied: Vec::new(),
            already_applied: applied.len(),
        };
        if pending.is_empty() {
            tracing::info!(applied = applied.len(), "database is up to date");
        }
        for migration in pending {
            let started = Instant::now();
            apply_one(client, migration).await?;
            let duration = started.elapsed();
            tracing::info!(
                version = migration.version,
                name = migration.name,
                ?duration,
                "applied migration"
            );
            let applied = AppliedMigration {
                version: migration.version,
                name: migration.name.to_string(),
                duration,
            };
            progress(&applied);
            report.applied.push(applied);
        }
        Ok(report)
    }

    /// Checks the history against the embedded set and returns what to apply, in order.
    fn pending(&self, applied: &[HistoryRow]) -> Result<Vec<&'static EmbeddedMigration>, Error> {
        let embedded: BTreeMap<i64, &'static EmbeddedMigration> =
            self.migrations.iter().map(|m| (m.version, m)).collect();
        if let Some(error) = different_migration_set(applied, self.migrations) {
            return Err(error);
        }
        for row in applied {
            match embedded.get(&row.version) {
                None => {
                    return Err(Error::MigrationMissing {
                        version: row.version,
                        name: row.name.clone(),
                    });
                }
                Some(migration) => {
                    let checksum = migration.checksum();
                    if checksum != row.checksum {
                        return Err(Error::MigrationEdited {
                            version: row.version,
                            name: migration.name,
                            applied_checksum: row.checksum,
                            file_checksum: checksum,
                        });
                    }
                }
            }
        }
        let newest_applied = applied.iter().map(|r| r.version).max();
        let mut pending = Vec::new();
        for (version, migration) in embedded {
            if applied.iter().any(|r| r.version == version) {
                continue;
            }
            if self.target.is_some_and(|target| version > target) {
                break;
            }
            if let Some(newest) = newest_applied
                && version < newest
                && !self.allow_out_of_order
            {
                return Err(Error::MigrationOutOfOrder {
                    version,
                    name: migration.name,
                    newest_applied: newest,
                });
            }
            pending.push(migration);
        }
        Ok(pending)
    }
}

/// The error when `applied` comes from another migration set than `migrations`: a version
/// both have under different names, or (both non-empty) no version in common at all. Sharing
/// some versions under the same names is the same set: an applied version this build lacks
/// is then a missing file, as refinery's `abort_missing` and Flyway's `validate` see it.
pub(crate) fn different_migration_set(
    applied: &[HistoryRow],
    migrations: &[EmbeddedMigration],
) -> Option<Error> {
    let renamed = applied.iter().find_map(|row| {
        let migration = migrations.iter().find(|m| m.version == row.version)?;
        (migration.name != row.name).then_some((row, migration))
    });
    let lowest_applied = applied.iter().min_by_key(|r| r.version);
    let lowest_here = migrations.iter().min_by_key(|m| m.version);
    let (row, migration) = match (renamed, lowest_applied, lowest_here) {
        (Some(pair), _, _) => pair,
        (None, Some(row), Some(migration))
            if !applied
                .iter()
                .any(|r| migrations.iter().any(|m| m.version == r.version)) =>
        {
            (row, migration)
        }
        _ => return None,
    };
    Some(Error::DifferentMigrationSet {
        applied_version: row.version,
        applied_name: row.name.clone(),
        version: migration.version,
        name: migration.name,
    })
}

/// Creates the history table when it does not exist (refinery's definition).
pub async fn ensure_history_table(client: &tokio_postgres::Client) -> Result<(), Error> {
    let sql =
        <tokio_postgres::Client as AsyncMigrate>::assert_migrations_table_query(HISTORY_TABLE);
    client.batch_execute(&sql).await?;
    Ok(())
}

/// Reads the history table in version order (empty when it does not exist).
pub async fn read_history(client: &tokio_postgres::Client) -> Result<Vec<HistoryRow>, Error> {
    let exists: bool = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&HISTORY_TABLE])
        .await?
        .get(0);
    if !exists {
        return Ok(Vec::new());
    }
    let rows = client
        .query(
            &format!("SELECT version::int8, name, applied_on, checksum FROM {HISTORY_TABLE} ORDER BY version"),
            &[],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let version: i64 = row.get(0);
            let checksum: Option<String> = row.get(3);
            Ok(HistoryRow {
                version,
                name: row.get::<_, Option<String>>(1).unwrap_or_default(),
                applied_on: row.get::<_, Option<String>>(2).unwrap_or_default(),
                checksum: checksum
                    .as_deref()
                    .and_then(|c| c.parse().ok())
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Runs one migration and records it: in one transaction (refinery's driver), or statement
/// by statement for `-- pgbake:no-transaction` files, the history row last.
async fn apply_one(
    client: &mut tokio_postgres::Client,
    migration: &EmbeddedMigration,
) -> Result<(), Error> {
    let insert = history_insert(migration);
    if migration.up.no_transaction {
        for statement in migration.up.statements {
            client.batch_execute(statement).await.map_err(|e| {
                migration_failed(
                    migration,
                    ScriptKind::Up,
                    migration.up.sql,
                    e,
                    Some(statement),
                )
            })?;
        }
        client
            .batch_execute(&insert)
            .await
            .map_err(|e| migration_failed(migration, ScriptKind::Up, migration.up.sql, e, None))?;
    } else {
        AsyncTransaction::execute(client, [migration.up.sql, insert.as_str()].into_iter())
            .await
            .map_err(|e| {
                migration_failed(
                    migration,
                    ScriptKind::Up,
                    migration.up.sql,
                    e,
                    Some(migration.up.sql),
                )
            })?;
    }
    Ok(())
}

/// The history row, in refinery's format (RFC 3339 time, checksum as text).
pub(crate) fn history_insert(migration: &EmbeddedMigration) -> String {
    let applied_on = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    // The name follows `[a-z0-9_]+` (checked at build time), so it is safe to inline.
    format!(
        "INSERT INTO {HISTORY_TABLE} (version, name, applied_on, checksum) VALUES ({}, '{}', '{}', '{}')",
        migration.version,
        migration.name,
        applied_on,
        migration.checksum()
    )
}

/// The error for a failed script: SQLSTATE, message, and the line in `script` when the
/// server gave a position inside `statement` (a part of `script`).
pub(crate) fn migration_failed(
    migration: &EmbeddedMigration,
    kind: ScriptKind,
    script: &str,
    error: tokio_postgres::Error,
    sql: Option<&str>,
) -> Error {
    let (sqlstate, message, line, hint) = match error.as_db_error() {
        Some(db) => {
            let line = match (db.position(), sql) {
                (Some(tokio_postgres::error::ErrorPosition::Original(pos)), Some(sql)) => {
                    let statement_start = script.find(sql).unwrap_or(0);
                    let prefix: String = sql.chars().take((*pos as usize).saturating_sub(1)).collect();
                    Some(script[..statement_start].matches('\n').count() + prefix.matches('\n').count() + 1)
                }
                _ => None,
            };
            let hint = match (db.detail(), db.hint()) {
                (Some(d), Some(h)) => Some(format!("{d}; {h}")),
                (Some(d), None) => Some(d.to_string()),
                (None, Some(h)) => Some(h.to_string()),
                (None, None) => None,
            };
            let hint = match db.code().code() {
                "55P03" => Some(
                    "another session holds a lock this migration needs and lock_timeout ran out; nothing was applied: \
                     find the blocker in pg_stat_activity, or retry when it is done"
                        .to_string(),
                ),
                _ => hint,
            };
            (db.code().code().to_string(), db.message().to_string(), line, hint)
        }
        None => (
            "08006".to_string(),
            crate::error::describe_db_error(&error),
            None,
            Some("the connection failed; the migration was not recorded, run migrate again once the server is back".into()),
        ),
    };
    Error::MigrationFailed {
        version: migration.version,
        name: migration.name,
        script: kind,
        sqlstate,
        message,
        line,
        hint,
        source: error,
    }
}

/// Runs `work` holding the migration lock on `client`'s session, and releases the lock
/// before returning, also when `work` fails.
pub(crate) async fn with_migration_lock<T>(
    client: &mut tokio_postgres::Client,
    timeout: Duration,
    work: impl AsyncFnOnce(&mut tokio_postgres::Client) -> Result<T, Error>,
) -> Result<T, Error> {
    watch_for_client_exit(client).await;
    lock(client, timeout).await?;
    let result = work(client).await;
    let unlocked = unlock(client).await;
    let value = result?;
    unlocked?;
    Ok(value)
}

/// Makes the server notice within 2 s when this process dies in the middle of a long
/// statement (PostgreSQL 14+; older servers ignore it), so the migration lock held by this
/// session is released instead of staying held until the statement ends.
async fn watch_for_client_exit(client: &tokio_postgres::Client) {
    if let Err(error) = client
        .batch_execute("SET client_connection_check_interval = '2s'")
        .await
    {
        tracing::debug!(%error, "client_connection_check_interval is not available on this server");
    }
}

/// Takes the migration lock, polling until `timeout`; on timeout the error names the
/// server process that holds it.
async fn lock(client: &tokio_postgres::Client, timeout: Duration) -> Result<(), Error> {
    let started = Instant::now();
    let mut delay = Duration::from_millis(25);
    loop {
        let locked: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&MIGRATION_LOCK_KEY])
            .await?
            .get(0);
        if locked {
            return Ok(());
        }
        if started.elapsed() >= timeout {
            return Err(Error::MigrationLockTimeout {
                waited: started.elapsed(),
                holder_pid: lock_holder(client).await,
            });
        }
        if started.elapsed() > Duration::from_secs(2) && delay >= Duration::from_millis(400) {
            let holder_pid = lock_holder(client).await;
            tracing::info!(
                ?holder_pid,
                "waiting for another process to finish migrating"
            );
        }
        tokio::time::sleep(delay.min(timeout.saturating_sub(started.elapsed()))).await;
        delay = (delay * 2).min(Duration::from_millis(500));
    }
}

async fn unlock(client: &tokio_postgres::Client) -> Result<(), Error> {
    client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK_KEY])
        .await?;
    Ok(())
}

/// PID of the server process holding the migration lock in this database, if any.
pub async fn lock_holder(client: &tokio_postgres::Client) -> Option<i32> {
    client
        .query_opt(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
             AND ((classid::int8 << 32) | objid::int8) = $1 LIMIT 1",
            &[&MIGRATION_LOCK_KEY],
        )
        .await
        .ok()
        .flatten()
        .map(|row| row.get(0))
}

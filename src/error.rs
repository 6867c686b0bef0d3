//! The one error type of the runtime: keeps the SQLSTATE and the server's message, adds what to do.

use std::time::Duration;

/// Everything that can go wrong at runtime: configuration, connecting, migrating, querying.
///
/// `Display` and `Debug` print the same sentence (as `anyhow` does), so an error returned
/// from `main` reads like the `pgbake` command's messages, not like a struct.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An environment variable or URL setting has a value pgbake cannot use.
    #[error("invalid {variable}: {message}")]
    Config {
        /// The variable (or URL parameter) that is wrong, e.g. `DB_MAX_CONNECTIONS`.
        variable: String,
        /// What is wrong with it and what is expected.
        message: String,
    },

    /// No connection could be opened, after every retry.
    #[error("cannot connect to {target} after {attempts} attempt(s): {message}{}", hint_suffix(.hint))]
    Connect {
        /// `host:port/database` (never the password).
        target: String,
        /// How many attempts were made.
        attempts: u32,
        /// The server's or the network's message.
        message: String,
        /// SQLSTATE when the server answered (e.g. `28P01` for a wrong password).
        sqlstate: Option<String>,
        /// What to do about it.
        hint: Option<String>,
        /// The underlying error.
        #[source]
        source: Option<tokio_postgres::Error>,
    },

    /// Every pool connection stayed busy for the whole acquire timeout.
    #[error(
        "no pool connection became free within {0:?}; raise DB_MAX_CONNECTIONS or DB_ACQUIRE_TIMEOUT, or look for connections held too long"
    )]
    AcquireTimeout(Duration),

    /// The pool could not hand out a connection for another reason.
    #[error("connection pool error: {0}")]
    Pool(String),

    /// A statement failed on the server, or the connection broke.
    #[error("{}", describe_db_error(.0))]
    Db(#[from] tokio_postgres::Error),

    /// A `:one` query returned no row.
    #[error("query {query} returned no row; use `:opt` if no row is a normal outcome")]
    NoRows {
        /// `module::query`.
        query: &'static str,
    },

    /// An array column declared `Vec<T>` (the convention for arrays read from tables, whose
    /// schema cannot say whether elements are NULL) held a NULL element.
    #[error(
        "query {query}: column `{column}` holds a NULL array element, but its elements are not `Option`; add `-> ({column}[?])` to the query's `--!` header to read it as `Vec<Option<T>>`, or keep NULLs out of the array"
    )]
    NullArrayElement {
        /// `module::query`.
        query: &'static str,
        /// The output column.
        column: &'static str,
    },

    /// A migration's up or down script failed on the server; it was rolled back (unless
    /// marked no-transaction).
    #[error("migration V{version}__{name} failed in its {script} script ({}){}: {message} (SQLSTATE {sqlstate}){}",
        script.file_name(*.version, .name), line.map(|l| format!(" at line {l}")).unwrap_or_default(), hint_suffix(.hint))]
    MigrationFailed {
        /// Version of the failed migration.
        version: i64,
        /// Name of the failed migration.
        name: &'static str,
        /// Whether the up script or the down script failed.
        script: ScriptKind,
        /// SQLSTATE reported by the server (`XX000` when the connection failed).
        sqlstate: String,
        /// The server's message.
        message: String,
        /// Line in the migration file, when the server gave a position.
        line: Option<usize>,
        /// The server's detail and hint lines.
        hint: Option<String>,
        /// The underlying error.
        #[source]
        source: tokio_postgres::Error,
    },

    /// An applied migration's file changed after it was applied.
    #[error(
        "migration V{version}__{name} was edited after it was applied (checksum {applied_checksum} in the database, {file_checksum} in this build); restore the original file and put the change in a new migration"
    )]
    MigrationEdited {
        /// Version of the edited migration.
        version: i64,
        /// Name in this build.
        name: &'static str,
        /// Checksum recorded when it was applied.
        applied_checksum: u64,
        /// Checksum of the file in this build.
        file_checksum: u64,
    },

    /// The database was migrated by a different migration set: an applied version has
    /// another name in this build, or the history and this build share no version at all
    /// (another application's history, or a renumbered folder).
    #[error(
        "the database was migrated by a different migration set: {}; \
         point DATABASE_URL at this application's own database (or a new one), or deploy the build that migrated it; nothing was changed",
        different_set_evidence(*applied_version, applied_name, *version, name)
    )]
    DifferentMigrationSet {
        /// The database's version that shows it: the version both sets have under different
        /// names, or the database's lowest when they share none.
        applied_version: i64,
        /// Its name in the database's history table.
        applied_name: String,
        /// This build's counterpart: the same version, or this build's lowest.
        version: i64,
        /// Its name in this build.
        name: &'static str,
    },

    /// The database has a migration this build does not know.
    #[error(
        "migration V{version}__{name} is applied in the database but missing from this build; restore its file in sql/migrations/ or deploy a build that has it"
    )]
    MigrationMissing {
        /// Version of the missing migration.
        version: i64,
        /// Name recorded in the history table.
        name: String,
    },

    /// A pending migration is older than the newest applied one.
    #[error(
        "migration V{version}__{name} is pending but older than the newest applied migration V{newest_applied}; give it a version above {newest_applied}, or allow out-of-order migrations"
    )]
    MigrationOutOfOrder {
        /// Version of the pending migration.
        version: i64,
        /// Its name.
        name: &'static str,
        /// The newest version already applied.
        newest_applied: i64,
    },

    /// Another process held the migration lock for the whole wait.
    #[error("timed out after {waited:?} waiting for the migration lock{}; another process is migrating this database — wait for it, or end that session with pg_terminate_backend",
        holder_pid.map(|p| format!(" held by server process PID {p}")).unwrap_or_default())]
    MigrationLockTimeout {
        /// How long pgbake waited.
        waited: Duration,
        /// PID of the server process holding the lock, when it could be found.
        holder_pid: Option<i32>,
    },

    /// A migration to revert has no `.down.sql` script.
    #[error(
        "migration V{version}__{name} has no down script; add V{version}__{name}.down.sql to revert it"
    )]
    NoDownScript {
        /// Version without a down script.
        version: i64,
        /// Its name.
        name: &'static str,
    },

    /// A revert was asked to go down to a version that is not applied.
    #[error(
        "V{version} is not an applied migration, so reverting down to it is refused (applied: {}); \
         name a version that `pgbake migrate status` lists as applied, or revert everything explicitly \
         (`pgbake migrate down --all`); nothing was changed",
        list_versions(.applied)
    )]
    RevertTargetNotApplied {
        /// The version asked for.
        version: i64,
        /// The applied versions, newest first.
        applied: Vec<i64>,
    },

    /// A local PostgreSQL cluster could not be set up or started.
    #[error("local PostgreSQL: {0}")]
    LocalCluster(String),
}

/// Which script of a migration ran: its `.sql` (up) or its `.down.sql` (down).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptKind {
    /// `V<version>__<name>.sql`.
    Up,
    /// `V<version>__<name>.down.sql`.
    Down,
}

impl ScriptKind {
    /// The script's file name for migration `V<version>__<name>`.
    pub fn file_name(self, version: i64, name: &str) -> String {
        match self {
            ScriptKind::Up => format!("V{version}__{name}.sql"),
            ScriptKind::Down => format!("V{version}__{name}.down.sql"),
        }
    }
}

impl std::fmt::Display for ScriptKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ScriptKind::Up => "up",
            ScriptKind::Down => "down",
        })
    }
}

/// The message, as `Display` prints it: `fn main() -> Result<(), pgbake::Error>` then prints
/// `Error: <what went wrong and what to do>`.
impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl Error {
    /// The SQLSTATE code of a server error, when there is one.
    pub fn sqlstate(&self) -> Option<&str> {
        match self {
            Error::Db(e) => e.code().map(|c| c.code()),
            Error::MigrationFailed { sqlstate, .. } => Some(sqlstate),
            Error::Connect { sqlstate, .. } => sqlstate.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn config(variable: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Config {
            variable: variable.into(),
            message: message.into(),
        }
    }
}

fn list_versions(versions: &[i64]) -> String {
    if versions.is_empty() {
        return "none".into();
    }
    versions
        .iter()
        .map(|v| format!("V{v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn hint_suffix(hint: &Option<String>) -> String {
    hint.as_ref().map(|h| format!("; {h}")).unwrap_or_default()
}

/// The server's message with its SQLSTATE, detail and hint; or the client's message.
pub(crate) fn describe_db_error(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => {
            let mut text = format!("{} (SQLSTATE {})", db.message(), db.code().code());
            if let Some(detail) = db.detail() {
                text.push_str(&format!("; detail: {detail}"));
            }
            if let Some(hint) = db.hint() {
                text.push_str(&format!("; hint: {hint}"));
            }
            if db.code().code() == "26000" {
                text.push_str(
                    "; behind PgBouncer in transaction pooling mode, set DB_STATEMENT_MODE=unnamed",
                );
            }
            if matches!(db.code().code(), "57P01" | "57P02" | "57P03") {
                text.push_str(
                    "; the server is shutting down or restarting: retry the call (the pool opens a new connection)",
                );
            }
            text
        }
        None => {
            let mut text = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(inner) = source {
                text.push_str(&format!(": {inner}"));
                source = inner.source();
            }
            if error.is_closed() {
                text.push_str(
                    "; the connection was closed, the server may have restarted: retry the call",
                );
            }
            text
        }
    }
}

/// What shows that the database holds another migration set, for
/// [`Error::DifferentMigrationSet`].
fn different_set_evidence(
    applied_version: i64,
    applied_name: &str,
    version: i64,
    name: &str,
) -> String {
    if applied_version == version {
        format!("its V{version} is `{applied_name}`, this build's V{version} is `{name}`")
    } else {
        format!(
            "its history starts at V{applied_version}__{applied_name}, this build's at V{version}__{name}, and no version is in both"
        )
    }
}

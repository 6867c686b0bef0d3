#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// Generated code names the runtime `::pgbake`, inside this crate too.
extern crate self as pgbake;

mod check;
mod client;
mod codec;
mod config;
mod error;
mod libpq;
mod migrate;
mod pool;
mod revert;
mod status;
mod tls;
mod url;

#[cfg(feature = "cli")]
pub mod cli;
pub mod cluster;
pub mod dev;
pub mod queries;
#[cfg(feature = "testing")]
pub mod testing;

pub use check::{
    CheckResult, CheckStep, check_migrations, check_migrations_with_progress, schema_dump,
};
pub use client::{GenericClient, ParamKind, ParamType, Sql, StatementMode};
pub use codec::*;
pub use config::{Config, SslMode};
pub use error::Error;
pub use migrate::{
    AppliedMigration, EmbeddedMigration, EmbeddedScript, HISTORY_TABLE, HistoryRow,
    MIGRATION_LOCK_KEY, MigrationReport, Migrator, ensure_history_table, lock_holder, migrate,
    read_history,
};
pub use pool::{
    Client, Pool, Transaction, acquire, build_pool, connect, connect_direct, connect_url,
};
pub use revert::{RevertTarget, baseline, plan_revert, revert};
pub use status::{MigrationStatus, Problem, compare, migration_status};

/// The migrations of this crate's `sql/migrations/`, embedded at build time.
pub static MIGRATIONS: &[EmbeddedMigration] = generated_migrations::MIGRATIONS;

mod generated_migrations {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// Re-exports for generated code; not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use bytes;
    pub use chrono;
    pub use futures_util;
    pub use postgres_types;
    pub use rust_decimal;
    #[cfg(feature = "serde")]
    pub use serde;
    pub use serde_json;
    pub use tokio_postgres;
    pub use uuid;
}

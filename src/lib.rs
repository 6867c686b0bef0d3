#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// Generated code names the runtime `::pgbake`, inside this crate too.
#[cfg(feature = "reference")]
extern crate self as pgbake;

mod check;
mod client;
mod codec;
mod config;
mod error;
mod fetch;
mod libpq;
mod migrate;
mod param_oids;
mod pool;
mod revert;
mod shared;
mod status;
mod tls;
mod url;

#[cfg(feature = "cli")]
pub mod cli;
pub mod cluster;
pub mod dev;
#[cfg(feature = "reference")]
#[doc(hidden)]
pub mod queries;
#[cfg(feature = "testing")]
pub mod testing;

pub use check::{
    CheckResult, CheckStep, check_migrations, check_migrations_with_progress, schema_dump,
};
pub use client::{GenericClient, ParamKind, ParamType, SessionClient, Sql, StatementMode};
pub use codec::*;
pub use config::{Config, SslMode};
pub use error::{Error, ScriptKind};
pub use fetch::FromRow;
pub use migrate::{
    AppliedMigration, EmbeddedMigration, EmbeddedScript, HISTORY_TABLE, HistoryRow,
    MIGRATION_LOCK_KEY, MigrationReport, Migrator, ensure_history_table, lock_holder, migrate,
    read_history,
};
pub use pool::{
    Client, Pool, Transaction, acquire, build_pool, connect, connect_direct, connect_url,
};
pub use revert::{RevertTarget, baseline, plan_revert, revert};
pub use shared::RowStream;
pub use status::{MigrationStatus, Problem, compare, migration_status};

/// pgbake's reference schema (this repository's `sql/migrations/`), for its own tests and
/// benchmarks (feature `reference`); an application embeds its own set instead.
#[cfg(feature = "reference")]
#[doc(hidden)]
pub static MIGRATIONS: &[EmbeddedMigration] = generated_migrations::MIGRATIONS;

#[cfg(feature = "reference")]
mod generated_migrations {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// Re-exports for generated code; not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use crate::codec::{CompositeReader, CompositeWriter};
    pub use crate::fetch::{exec, many, one, opt, stream};
    pub use bit_vec;
    pub use bytes;
    pub use chrono;
    pub use cidr;
    pub use eui48;
    pub use futures_util;
    pub use postgres_types;
    pub use rust_decimal;
    #[cfg(feature = "serde")]
    pub use serde;
    pub use serde_json;
    pub use tokio_postgres;
    pub use uuid;

    /// The elements of an array column read as `Vec<T>`: a NULL element is an error that
    /// names the query, the column and the override that accepts it.
    pub fn non_null_elements<T>(
        elements: Vec<Option<T>>,
        query: &'static str,
        column: &'static str,
    ) -> Result<Vec<T>, crate::Error> {
        elements
            .into_iter()
            .map(|e| e.ok_or(crate::Error::NullArrayElement { query, column }))
            .collect()
    }
}

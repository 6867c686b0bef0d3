//! Integration tests against a real PostgreSQL: a throwaway cluster (or DATABASE_URL),
//! one fresh database per test.

mod cli;
mod connect;
mod harness;
mod migrate;

use pgbake::{EmbeddedMigration, EmbeddedScript};

/// A migration set built at run time, for tests that need their own migrations.
pub fn migration_set(migrations: &[(i64, &str, &str)]) -> &'static [EmbeddedMigration] {
    let set: Vec<EmbeddedMigration> = migrations
        .iter()
        .map(|(version, name, sql)| EmbeddedMigration {
            version: *version,
            name: leak(name),
            up: EmbeddedScript {
                sql: leak(sql),
                no_transaction: false,
                statements: &[],
            },
            down: None,
        })
        .collect();
    Box::leak(set.into_boxed_slice())
}

pub fn leak(text: &str) -> &'static str {
    Box::leak(text.to_string().into_boxed_str())
}

/// Advisory locks held in the current database by any session.
pub async fn advisory_locks(client: &tokio_postgres::Client) -> i64 {
    client
        .query_one(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

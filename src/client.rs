//! `GenericClient`: what generated queries run on — a pooled connection, a client or a transaction.

use std::future::Future;

use postgres_types::ToSql;
use tokio_postgres::{Row, RowStream, Statement};

/// Anything a generated query can run on: a pooled [`crate::Client`], a deadpool
/// transaction, or a plain `tokio_postgres` client or transaction.
///
/// On pooled connections, statements are prepared once per connection and cached; on
/// plain `tokio_postgres` clients they are prepared on each call.
pub trait GenericClient: Sync {
    /// Prepares `sql`, reusing this connection's cached statement when there is one.
    fn prepare_cached(
        &self,
        sql: &str,
    ) -> impl Future<Output = Result<Statement, tokio_postgres::Error>> + Send;
    /// Runs a statement and collects every row.
    fn query(
        &self,
        statement: &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> impl Future<Output = Result<Vec<Row>, tokio_postgres::Error>> + Send;
    /// Runs a statement that returns zero or one row (more than one is an error).
    fn query_opt(
        &self,
        statement: &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> impl Future<Output = Result<Option<Row>, tokio_postgres::Error>> + Send;
    /// Runs a statement and returns the number of rows it affected.
    fn execute(
        &self,
        statement: &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> impl Future<Output = Result<u64, tokio_postgres::Error>> + Send;
    /// Runs a statement and streams its rows.
    fn query_raw(
        &self,
        statement: &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> impl Future<Output = Result<RowStream, tokio_postgres::Error>> + Send;
}

// Each method first coerces `self` to the type whose inherent method it calls, so that
// method resolution can never pick this trait's method again.
macro_rules! forward_generic_client {
    ($ty:ty => $inner:ty, |$this:ident, $sql:ident| $prepare:expr) => {
        impl GenericClient for $ty {
            async fn prepare_cached(&self, $sql: &str) -> Result<Statement, tokio_postgres::Error> {
                let $this = self;
                $prepare
            }
            async fn query(
                &self,
                statement: &Statement,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<Vec<Row>, tokio_postgres::Error> {
                let inner: &$inner = self;
                inner.query(statement, params).await
            }
            async fn query_opt(
                &self,
                statement: &Statement,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<Option<Row>, tokio_postgres::Error> {
                let inner: &$inner = self;
                inner.query_opt(statement, params).await
            }
            async fn execute(
                &self,
                statement: &Statement,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<u64, tokio_postgres::Error> {
                let inner: &$inner = self;
                inner.execute(statement, params).await
            }
            async fn query_raw(
                &self,
                statement: &Statement,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<RowStream, tokio_postgres::Error> {
                let inner: &$inner = self;
                inner.query_raw(statement, params.iter().copied()).await
            }
        }
    };
}

forward_generic_client!(deadpool_postgres::Client => tokio_postgres::Client, |this, sql| {
    deadpool_postgres::ClientWrapper::prepare_cached(this, sql).await
});
forward_generic_client!(deadpool_postgres::ClientWrapper => tokio_postgres::Client, |this, sql| {
    deadpool_postgres::ClientWrapper::prepare_cached(this, sql).await
});
forward_generic_client!(deadpool_postgres::Transaction<'_> => tokio_postgres::Transaction<'_>, |this, sql| {
    deadpool_postgres::Transaction::prepare_cached(this, sql).await
});
forward_generic_client!(tokio_postgres::Client => tokio_postgres::Client, |this, sql| {
    tokio_postgres::Client::prepare(this, sql).await
});
forward_generic_client!(tokio_postgres::Transaction<'_> => tokio_postgres::Transaction<'_>, |this, sql| {
    tokio_postgres::Transaction::prepare(this, sql).await
});

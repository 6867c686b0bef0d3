//! Statements on `&Pool`: a few pooled connections shared by every caller, so concurrent
//! calls are pipelined on them (tokio-postgres sends a request without waiting for the
//! answers before it), and row streams that hold a connection of their own.
//!
//! A shared connection is a pooled [`Client`] behind an `Arc`: each slot keeps only a weak
//! reference, so the connection goes back to the pool as soon as no call is in flight on
//! it, and a connection that closed (killed backend, network) is replaced on the next call
//! while the calls already on it fail alone.

use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};

use futures_util::Stream;
use postgres_types::ToSql;
use tokio_postgres::Row;

use crate::client::{GenericClient, Sql, StatementMode};
use crate::{Client, Error, Pool};

/// The shared connections of one pool, handed out round-robin.
#[derive(Debug)]
pub(crate) struct Shared {
    slots: Box<[Slot]>,
    next: AtomicUsize,
}

#[derive(Debug, Default)]
struct Slot {
    current: Mutex<Weak<Client>>,
    /// Held while a new connection is taken for this slot, so concurrent callers wait for
    /// it instead of each taking one.
    filling: tokio::sync::Mutex<()>,
}

impl Shared {
    pub(crate) fn new(slots: usize) -> Shared {
        Shared {
            slots: (0..slots.max(1)).map(|_| Slot::default()).collect(),
            next: AtomicUsize::new(0),
        }
    }
}

impl Slot {
    fn live(&self) -> Option<Arc<Client>> {
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current.upgrade().filter(|client| !client.is_closed())
    }
}

impl Pool {
    /// A shared connection for one non-exclusive statement.
    async fn shared_client(&self) -> Result<Arc<Client>, Error> {
        let index = self.shared.next.fetch_add(1, Ordering::Relaxed) % self.shared.slots.len();
        let slot = &self.shared.slots[index];
        if let Some(client) = slot.live() {
            return Ok(client);
        }
        let _filling = slot.filling.lock().await;
        if let Some(client) = slot.live() {
            return Ok(client);
        }
        let client = Arc::new(self.get().await?);
        *slot.current.lock().unwrap_or_else(|e| e.into_inner()) = Arc::downgrade(&client);
        Ok(client)
    }
}

/// Statements on the pool itself run on its shared connections; a row stream takes a
/// connection of its own (a slow reader would otherwise hold up every call behind it).
impl GenericClient for Pool {
    fn statement_mode(&self) -> StatementMode {
        Pool::statement_mode(self)
    }

    async fn fetch_all(
        &self,
        sql: &'static Sql,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, Error> {
        self.shared_client().await?.fetch_all(sql, params).await
    }

    async fn fetch_opt(
        &self,
        sql: &'static Sql,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, Error> {
        self.shared_client().await?.fetch_opt(sql, params).await
    }

    async fn execute_sql(
        &self,
        sql: &'static Sql,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, Error> {
        self.shared_client().await?.execute_sql(sql, params).await
    }

    async fn fetch_stream(
        &self,
        sql: &'static Sql,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<RowStream, Error> {
        let client = self.get().await?;
        let rows = client.fetch_stream(sql, params).await?;
        Ok(RowStream {
            connection: Some(client),
            ..rows
        })
    }
}

/// The rows of a query as they arrive. On the pool it holds its connection until dropped.
pub struct RowStream {
    rows: Pin<Box<tokio_postgres::RowStream>>,
    connection: Option<Client>,
}

impl RowStream {
    pub(crate) fn new(rows: tokio_postgres::RowStream) -> RowStream {
        RowStream {
            rows: Box::pin(rows),
            connection: None,
        }
    }

    /// Rows affected, known once the stream has ended.
    pub fn rows_affected(&self) -> Option<u64> {
        self.rows.rows_affected()
    }
}

impl std::fmt::Debug for RowStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowStream")
            .field("own_connection", &self.connection.is_some())
            .finish_non_exhaustive()
    }
}

impl Stream for RowStream {
    type Item = Result<Row, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rows
            .as_mut()
            .poll_next(cx)
            .map(|row| row.map(|row| row.map_err(Error::from)))
    }
}

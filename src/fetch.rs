//! What every generated query function does, written once: run the statement through a
//! [`GenericClient`] and turn rows into the query's row struct. A generated function only
//! names its statement, binds its parameters and calls one of these.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::{Stream, StreamExt};
use postgres_types::ToSql;
use tokio_postgres::Row;

use crate::Error;
use crate::client::{GenericClient, Sql};

/// A generated row struct: built from one result row.
pub trait FromRow: Sized {
    /// Reads every column of `row`.
    fn from_row(row: &Row) -> Result<Self, Error>;
}

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// `:one`: exactly one row ([`Error::NoRows`] when there is none).
pub async fn one<R: FromRow>(
    db: &impl GenericClient,
    sql: &'static Sql,
    params: Params<'_>,
) -> Result<R, Error> {
    match db.fetch_opt(sql, params).await? {
        Some(row) => R::from_row(&row),
        None => Err(Error::NoRows { query: sql.name }),
    }
}

/// `:opt`: zero or one row.
pub async fn opt<R: FromRow>(
    db: &impl GenericClient,
    sql: &'static Sql,
    params: Params<'_>,
) -> Result<Option<R>, Error> {
    match db.fetch_opt(sql, params).await? {
        Some(row) => R::from_row(&row).map(Some),
        None => Ok(None),
    }
}

/// `:many`: every row, collected.
pub async fn many<R: FromRow>(
    db: &impl GenericClient,
    sql: &'static Sql,
    params: Params<'_>,
) -> Result<Vec<R>, Error> {
    db.fetch_all(sql, params)
        .await?
        .iter()
        .map(R::from_row)
        .collect()
}

/// `:many`, streamed: rows as they arrive.
pub async fn stream<R: FromRow>(
    db: &impl GenericClient,
    sql: &'static Sql,
    params: Params<'_>,
) -> Result<Rows<R>, Error> {
    let rows = db.fetch_stream(sql, params).await?;
    Ok(Rows {
        rows,
        row: PhantomData,
    })
}

/// The rows of a streamed query, each read into `R`.
pub struct Rows<R> {
    rows: crate::RowStream,
    row: PhantomData<fn() -> R>,
}

impl<R: FromRow> Stream for Rows<R> {
    type Item = Result<R, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rows
            .poll_next_unpin(cx)
            .map(|row| row.map(|row| row.and_then(|row| R::from_row(&row))))
    }
}

/// `:exec`: rows affected.
pub async fn exec(
    db: &impl GenericClient,
    sql: &'static Sql,
    params: Params<'_>,
) -> Result<u64, Error> {
    db.execute_sql(sql, params).await
}

impl crate::ParamType {
    /// A built-in (or extension base) type by `pg_type.typname`, or an array of it.
    pub const fn builtin(name: &'static str, array: bool) -> crate::ParamType {
        crate::ParamType {
            name,
            schema: "pg_catalog",
            array,
            kind: crate::ParamKind::Base,
        }
    }
}

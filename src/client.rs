//! What generated queries run on — a pooled connection, a transaction, or a plain
//! tokio-postgres client — and how statements are sent: prepared once per connection
//! and cached, or unnamed (for PgBouncer in transaction pooling mode).

use std::collections::HashMap;
use std::future::Future;
use std::sync::OnceLock;

use postgres_types::{Kind, ToSql, Type};

use crate::param_oids::with_types;
use tokio_postgres::Row;

/// How statements reach the server (`DB_STATEMENT_MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatementMode {
    /// Prepared once per connection and cached (named statements): the fastest.
    #[default]
    Prepared,
    /// Parse, bind and execute in one round trip with the unnamed statement: works through
    /// PgBouncer in transaction pooling mode, where a named statement prepared on one
    /// server connection is missing on the next.
    Unnamed,
}

/// A query as generated code hands it over: its name, its text with `$n` parameters, and
/// the parameter types inference decided (sent with every statement, prepared or unnamed,
/// so the server types each parameter as the build did).
#[derive(Debug)]
pub struct Sql {
    /// `module::query`.
    pub name: &'static str,
    /// The statement.
    pub text: &'static str,
    /// One entry per `$n`.
    pub param_types: &'static [ParamType],
}

/// The type of one parameter, as generated code names it.
#[derive(Debug, Clone, Copy)]
pub struct ParamType {
    /// `pg_type.typname` (of the element type for arrays).
    pub name: &'static str,
    /// Schema of a user-defined type (`public`); ignored for built-ins.
    pub schema: &'static str,
    /// Whether the parameter is an array of `name`.
    pub array: bool,
    /// What kind of type `name` is.
    pub kind: ParamKind,
}

/// The kind of a parameter type.
#[derive(Debug, Clone, Copy)]
pub enum ParamKind {
    /// A built-in or extension base type.
    Base,
    /// A user-defined enum with these labels.
    Enum(&'static [&'static str]),
    /// A domain over this built-in base type.
    Domain(&'static str),
}

impl ParamType {
    /// The `Type` the client library knows: a built-in's own (with its OID), or for a type
    /// created by a migration or an extension, one with OID 0, which statements replace
    /// with the type the server names (see `param_oids`) before they send it.
    pub fn to_type(&self) -> Type {
        let element = match self.kind {
            ParamKind::Base => {
                builtin(self.name).unwrap_or_else(|| inferred(self.name, Kind::Simple, self.schema))
            }
            ParamKind::Enum(labels) => inferred(
                self.name,
                Kind::Enum(labels.iter().map(|l| l.to_string()).collect()),
                self.schema,
            ),
            ParamKind::Domain(base) => {
                let base =
                    builtin(base).unwrap_or_else(|| inferred(base, Kind::Simple, "pg_catalog"));
                inferred(self.name, Kind::Domain(base), self.schema)
            }
        };
        if !self.array {
            return element;
        }
        if let ParamKind::Base = self.kind
            && let Some(array) = builtin(&format!("_{}", self.name))
        {
            return array;
        }
        inferred(
            &format!("_{}", self.name),
            Kind::Array(element),
            self.schema,
        )
    }
}

fn inferred(name: &str, kind: Kind, schema: &str) -> Type {
    Type::new(name.to_string(), 0, kind, schema.to_string())
}

/// Built-in types by name (every OID postgres-types knows).
fn builtin(name: &str) -> Option<Type> {
    static TYPES: OnceLock<HashMap<String, Type>> = OnceLock::new();
    TYPES
        .get_or_init(|| {
            (0..20_000)
                .filter_map(Type::from_oid)
                .map(|t| (t.name().to_string(), t))
                .collect()
        })
        .get(name)
        .cloned()
}

/// Anything a generated query can run on: the [`crate::Pool`] itself (statements share a
/// few pooled connections, pipelined), [`crate::Client`] and [`crate::Transaction`] (which
/// follow the pool's [`StatementMode`]), deadpool-postgres clients and transactions, and
/// plain tokio-postgres clients and transactions (prepared statements).
///
/// The method names differ from tokio-postgres's own so both can be in scope.
pub trait GenericClient: Sync {
    /// How this client sends statements.
    fn statement_mode(&self) -> StatementMode;
    /// Runs a query and collects every row.
    fn fetch_all(
        &self,
        sql: &'static Sql,
        params: &[&(dyn ToSql + Sync)],
    ) -> impl Future<Output = Result<Vec<Row>, crate::Error>> + Send;
    /// Runs a query that returns zero or one row (more than one is an error).
    fn fetch_opt(
        &self,
        sql: &'static Sql,
        params: &[&(dyn ToSql + Sync)],
    ) -> impl Future<Output = Result<Option<Row>, crate::Error>> + Send;
    /// Runs a statement and returns the number of rows it affected.
    fn execute_sql(
        &self,
        sql: &'static Sql,
        params: &[&(dyn ToSql + Sync)],
    ) -> impl Future<Output = Result<u64, crate::Error>> + Send;
    /// Runs a query and streams its rows (on the pool, over a connection of its own that
    /// the stream holds until it is dropped).
    fn fetch_stream(
        &self,
        sql: &'static Sql,
        params: &[&(dyn ToSql + Sync)],
    ) -> impl Future<Output = Result<crate::RowStream, crate::Error>> + Send;
}

/// A client that is one session of its own: everything [`GenericClient`] is except the
/// pool. `:copy` queries need one (COPY holds its connection until it ends): pass
/// `&pool.get().await?`, a transaction or a tokio-postgres client.
pub trait SessionClient: GenericClient {
    /// Starts `COPY … FROM STDIN` (prepared: COPY needs a session, so behind PgBouncer use
    /// session pooling or a direct connection for bulk loads).
    fn copy_in_sql(
        &self,
        sql: &'static Sql,
    ) -> impl Future<Output = Result<tokio_postgres::CopyInSink<bytes::Bytes>, crate::Error>> + Send;
}

/// Parameters paired with the types to send for an unnamed statement.
fn typed<'a>(
    params: &[&'a (dyn ToSql + Sync)],
    types: Vec<Type>,
) -> Vec<(&'a (dyn ToSql + Sync), Type)> {
    params.iter().copied().zip(types).collect()
}

// Each implementation first coerces `self` to the tokio-postgres type whose inherent
// methods it calls, and prepares through `$prepare` with the inferred parameter types
// (cached where the type has a cache). `$lookup` prepares the statement that names the
// user-defined types among them and `$forget` drops it from the cache (see `param_oids`).
macro_rules! generic_client {
    ($ty:ty => $inner:ty, mode = |$m:ident| $mode:expr,
     prepare = |$this:ident, $sql:ident, $types:ident| $prepare:expr,
     lookup = |$lthis:ident, $text:ident| $lookup:expr,
     forget = |$fthis:ident, $ftext:ident| $forget:expr) => {
        impl crate::param_oids::TypeLookup for $ty {
            async fn lookup(
                &self,
                text: &str,
            ) -> Result<tokio_postgres::Statement, tokio_postgres::Error> {
                let ($lthis, $text) = (self, text);
                $lookup
            }

            fn forget(&self, text: &str) -> bool {
                let ($fthis, $ftext) = (self, text);
                $forget
            }
        }

        impl GenericClient for $ty {
            fn statement_mode(&self) -> StatementMode {
                let $m = self;
                $mode
            }

            async fn fetch_all(
                &self,
                sql: &'static Sql,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<Vec<Row>, crate::Error> {
                let inner: &$inner = self;
                Ok(match self.statement_mode() {
                    StatementMode::Unnamed => {
                        with_types!(self, sql, |types| inner
                            .query_typed(sql.text, &typed(params, types))
                            .await)
                    }
                    StatementMode::Prepared => {
                        with_types!(self, sql, |types| {
                            let ($this, $sql, $types) = (self, sql.text, types);
                            match $prepare {
                                Ok(statement) => inner.query(&statement, params).await,
                                Err(error) => Err(error),
                            }
                        })
                    }
                })
            }

            async fn fetch_opt(
                &self,
                sql: &'static Sql,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<Option<Row>, crate::Error> {
                let inner: &$inner = self;
                Ok(match self.statement_mode() {
                    StatementMode::Unnamed => {
                        with_types!(self, sql, |types| inner
                            .query_typed_opt(sql.text, &typed(params, types))
                            .await)
                    }
                    StatementMode::Prepared => {
                        with_types!(self, sql, |types| {
                            let ($this, $sql, $types) = (self, sql.text, types);
                            match $prepare {
                                Ok(statement) => inner.query_opt(&statement, params).await,
                                Err(error) => Err(error),
                            }
                        })
                    }
                })
            }

            async fn execute_sql(
                &self,
                sql: &'static Sql,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<u64, crate::Error> {
                let inner: &$inner = self;
                Ok(match self.statement_mode() {
                    StatementMode::Unnamed => {
                        with_types!(self, sql, |types| inner
                            .execute_typed(sql.text, &typed(params, types))
                            .await)
                    }
                    StatementMode::Prepared => {
                        with_types!(self, sql, |types| {
                            let ($this, $sql, $types) = (self, sql.text, types);
                            match $prepare {
                                Ok(statement) => inner.execute(&statement, params).await,
                                Err(error) => Err(error),
                            }
                        })
                    }
                })
            }

            async fn fetch_stream(
                &self,
                sql: &'static Sql,
                params: &[&(dyn ToSql + Sync)],
            ) -> Result<crate::RowStream, crate::Error> {
                let inner: &$inner = self;
                let rows = match self.statement_mode() {
                    StatementMode::Unnamed => {
                        with_types!(self, sql, |types| inner
                            .query_typed_raw(sql.text, typed(params, types))
                            .await)
                    }
                    StatementMode::Prepared => {
                        with_types!(self, sql, |types| {
                            let ($this, $sql, $types) = (self, sql.text, types);
                            match $prepare {
                                Ok(statement) => {
                                    inner.query_raw(&statement, params.iter().copied()).await
                                }
                                Err(error) => Err(error),
                            }
                        })
                    }
                };
                Ok(crate::RowStream::new(rows))
            }
        }

        impl SessionClient for $ty {
            async fn copy_in_sql(
                &self,
                sql: &'static Sql,
            ) -> Result<tokio_postgres::CopyInSink<bytes::Bytes>, crate::Error> {
                let inner: &$inner = self;
                // COPY takes no parameters: its `param_types` are the columns' types.
                let ($this, $sql, $types) = (self, sql.text, Vec::<Type>::new());
                let statement = $prepare?;
                Ok(inner.copy_in(&statement).await?)
            }
        }
    };
}

generic_client!(crate::Client => tokio_postgres::Client, mode = |c| c.statement_mode(), prepare = |this, sql, types| {
    deadpool_postgres::ClientWrapper::prepare_typed_cached(this, sql, &types).await
}, lookup = |this, text| {
    deadpool_postgres::ClientWrapper::prepare_cached(this, text).await
}, forget = |this, text| {
    this.statement_cache.remove(text, &[]);
    true
});
generic_client!(crate::Transaction<'_> => tokio_postgres::Transaction<'_>, mode = |t| t.statement_mode(), prepare = |this, sql, types| {
    deadpool_postgres::Transaction::prepare_typed_cached(this, sql, &types).await
}, lookup = |this, text| {
    deadpool_postgres::Transaction::prepare_cached(this, text).await
}, forget = |this, text| {
    this.statement_cache.remove(text, &[]);
    true
});
generic_client!(deadpool_postgres::Client => tokio_postgres::Client, mode = |_c| StatementMode::Prepared, prepare = |this, sql, types| {
    deadpool_postgres::ClientWrapper::prepare_typed_cached(this, sql, &types).await
}, lookup = |this, text| {
    deadpool_postgres::ClientWrapper::prepare_cached(this, text).await
}, forget = |this, text| {
    this.statement_cache.remove(text, &[]);
    true
});
generic_client!(deadpool_postgres::ClientWrapper => tokio_postgres::Client, mode = |_c| StatementMode::Prepared, prepare = |this, sql, types| {
    deadpool_postgres::ClientWrapper::prepare_typed_cached(this, sql, &types).await
}, lookup = |this, text| {
    deadpool_postgres::ClientWrapper::prepare_cached(this, text).await
}, forget = |this, text| {
    this.statement_cache.remove(text, &[]);
    true
});
generic_client!(deadpool_postgres::Transaction<'_> => tokio_postgres::Transaction<'_>, mode = |_t| StatementMode::Prepared, prepare = |this, sql, types| {
    deadpool_postgres::Transaction::prepare_typed_cached(this, sql, &types).await
}, lookup = |this, text| {
    deadpool_postgres::Transaction::prepare_cached(this, text).await
}, forget = |this, text| {
    this.statement_cache.remove(text, &[]);
    true
});
generic_client!(tokio_postgres::Client => tokio_postgres::Client, mode = |_c| StatementMode::Prepared, prepare = |this, sql, types| {
    tokio_postgres::Client::prepare_typed(this, sql, &types).await
}, lookup = |this, text| {
    tokio_postgres::Client::prepare(this, text).await
}, forget = |_this, _text| false);
generic_client!(tokio_postgres::Transaction<'_> => tokio_postgres::Transaction<'_>, mode = |_t| StatementMode::Prepared, prepare = |this, sql, types| {
    tokio_postgres::Transaction::prepare_typed(this, sql, &types).await
}, lookup = |this, text| {
    tokio_postgres::Transaction::prepare(this, text).await
}, forget = |_this, _text| false);

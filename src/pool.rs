//! The deadpool-postgres pool: connect with retries, map failures to errors that say what to do.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, PoolError, RecyclingMethod, Runtime};

use crate::{Config, Error, StatementMode};

/// The connection pool: deadpool-postgres, plus the [`StatementMode`] its connections use.
/// Cloning is cheap (all clones share one pool).
///
/// Generated queries run on `&pool` directly: those statements share a few pooled
/// connections ([`Config::shared_connections`]), and concurrent calls are pipelined on them.
/// Transactions, `:copy`, `SET`, advisory locks, `LISTEN` and anything else that needs a
/// session of its own take a connection with [`Pool::get`].
#[derive(Debug, Clone)]
pub struct Pool {
    inner: deadpool_postgres::Pool,
    pub(crate) shared: std::sync::Arc<crate::shared::Shared>,
    mode: StatementMode,
    acquire_timeout: Duration,
    connect_timeout: Duration,
}

/// A pooled connection; returns to the pool when dropped. Derefs to tokio-postgres's
/// `Client` (through deadpool's wrapper) and implements [`crate::GenericClient`].
#[derive(Debug)]
pub struct Client {
    inner: deadpool_postgres::Client,
    mode: StatementMode,
}

/// A transaction on a pooled connection; rolled back when dropped without [`commit`](Self::commit).
pub struct Transaction<'a> {
    inner: deadpool_postgres::Transaction<'a>,
    mode: StatementMode,
}

impl Pool {
    /// A connection from the pool (waits up to the acquire timeout).
    pub async fn get(&self) -> Result<Client, Error> {
        let inner = self.inner.get().await.map_err(|e| match e {
            PoolError::Timeout(deadpool_postgres::TimeoutType::Wait) => {
                Error::AcquireTimeout(self.acquire_timeout)
            }
            PoolError::Timeout(_) => create_timeout_error(self.connect_timeout),
            other => Error::from(other),
        })?;
        Ok(Client {
            inner,
            mode: self.mode,
        })
    }

    /// Connections open, idle and waited for.
    pub fn status(&self) -> deadpool_postgres::Status {
        self.inner.status()
    }

    /// Closes the pool: idle connections close now, the others when returned.
    pub fn close(&self) {
        self.inner.close();
    }

    /// How this pool's connections send statements.
    pub fn statement_mode(&self) -> StatementMode {
        self.mode
    }

    /// The deadpool-postgres pool underneath.
    pub fn as_deadpool(&self) -> &deadpool_postgres::Pool {
        &self.inner
    }
}

impl Client {
    /// How this connection sends statements.
    pub fn statement_mode(&self) -> StatementMode {
        self.mode
    }

    /// Starts a transaction that sends statements the same way.
    pub async fn transaction(&mut self) -> Result<Transaction<'_>, Error> {
        let mode = self.mode;
        let inner = self.inner.transaction().await?;
        Ok(Transaction { inner, mode })
    }

    /// The deadpool object, e.g. to [`deadpool_postgres::Object::take`] it out of the pool.
    pub fn into_deadpool(self) -> deadpool_postgres::Client {
        self.inner
    }
}

impl std::ops::Deref for Client {
    type Target = deadpool_postgres::ClientWrapper;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl std::ops::DerefMut for Client {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.inner
    }
}

impl Transaction<'_> {
    /// How this transaction sends statements.
    pub fn statement_mode(&self) -> StatementMode {
        self.mode
    }

    /// Commits.
    pub async fn commit(self) -> Result<(), Error> {
        Ok(self.inner.commit().await?)
    }

    /// Rolls back (dropping the transaction does too).
    pub async fn rollback(self) -> Result<(), Error> {
        Ok(self.inner.rollback().await?)
    }
}

impl<'a> std::ops::Deref for Transaction<'a> {
    type Target = deadpool_postgres::Transaction<'a>;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

/// Opens a pool for `config` and checks that the server answers, retrying the first
/// connection `connect_retries` times with exponential backoff. Opens `min_idle`
/// connections up front.
pub async fn connect(config: &Config) -> Result<Pool, Error> {
    let pool = build_pool(config)?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        match pool.inner.get().await {
            Ok(client) => {
                drop(client);
                break;
            }
            Err(error) => {
                let error = classify_pool_error(error, config, attempt);
                let retryable = !matches!(
                    error.sqlstate(),
                    Some("28P01" | "28000" | "3D000" | "42501")
                );
                if attempt > config.connect_retries || !retryable {
                    return Err(error);
                }
                let delay = config.backoff_before_retry(attempt);
                tracing::warn!(attempt, target = %config.display_target(), %error, "connection failed; retrying in {delay:?}");
                tokio::time::sleep(delay).await;
            }
        }
    }
    if config.min_idle > 0 {
        let mut held = Vec::with_capacity(config.min_idle);
        for _ in 0..config.min_idle {
            held.push(
                pool.inner
                    .get()
                    .await
                    .map_err(|e| classify_pool_error(e, config, 1))?,
            );
        }
    }
    Ok(pool)
}

/// The pool without opening any connection (connections open on first use).
pub fn build_pool(config: &Config) -> Result<Pool, Error> {
    let manager = Manager::from_connect(
        config.pg.clone(),
        crate::tls::Connector::new(config)?,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let inner = deadpool_postgres::Pool::builder(manager)
        .max_size(config.max_connections)
        .wait_timeout(Some(config.acquire_timeout))
        .create_timeout(Some(config.connect_timeout))
        .runtime(Runtime::Tokio1)
        .build()
        .map_err(|e| Error::Pool(e.to_string()))?;
    Ok(Pool {
        inner,
        shared: std::sync::Arc::new(crate::shared::Shared::new(
            config
                .shared_connections
                .clamp(1, config.max_connections.max(1)),
        )),
        mode: config.statement_mode,
        acquire_timeout: config.acquire_timeout,
        connect_timeout: config.connect_timeout,
    })
}

/// Gets a connection from `pool`, with the same error mapping as [`connect`].
pub async fn acquire(pool: &Pool, config: &Config) -> Result<Client, Error> {
    let inner = pool
        .inner
        .get()
        .await
        .map_err(|e| classify_pool_error(e, config, 1))?;
    Ok(Client {
        inner,
        mode: pool.mode,
    })
}

/// Opens one connection outside any pool (with the retries of `config`), with the same
/// TLS rules as the pool.
pub async fn connect_direct(config: &Config) -> Result<tokio_postgres::Client, Error> {
    let connector = crate::tls::Connector::new(config)?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result =
            tokio::time::timeout(config.connect_timeout, connector.connect(&config.pg)).await;
        let error = match result {
            Ok(Ok((client, _connection))) => return Ok(client),
            Ok(Err(error)) => connect_error(config, attempt, error),
            Err(_) => timeout_error(config, attempt),
        };
        let retryable = !matches!(
            error.sqlstate(),
            Some("28P01" | "28000" | "3D000" | "42501")
        );
        if attempt > config.connect_retries || !retryable {
            return Err(error);
        }
        tokio::time::sleep(config.backoff_before_retry(attempt)).await;
    }
}

/// Opens one connection (no pool) to `url`, with two retries.
pub async fn connect_url(url: &str) -> Result<tokio_postgres::Client, Error> {
    let config = Config::new(url)?.connect_retries(2);
    connect_direct(&config).await
}

impl From<PoolError> for Error {
    fn from(error: PoolError) -> Error {
        match error {
            PoolError::Timeout(deadpool_postgres::TimeoutType::Wait) => Error::Pool(
                "no pool connection became free within the acquire timeout; raise DB_MAX_CONNECTIONS or DB_ACQUIRE_TIMEOUT".into(),
            ),
            // Backend errors come from opening a new connection (recycling runs no query).
            PoolError::Backend(e) => connect_error_for("the pool's database server".into(), None, 1, e),
            PoolError::Timeout(_) => Error::Pool(
                "timed out opening a new pool connection: is the server up and reachable? Raise DB_CONNECT_TIMEOUT if it is slow".into(),
            ),
            other => Error::Pool(other.to_string()),
        }
    }
}

fn create_timeout_error(timeout: Duration) -> Error {
    Error::Pool(format!(
        "opening a new pool connection took longer than {timeout:?}: is the server up and reachable? Raise DB_CONNECT_TIMEOUT if it is slow"
    ))
}

fn classify_pool_error(error: PoolError, config: &Config, attempt: u32) -> Error {
    match error {
        PoolError::Backend(e) => connect_error(config, attempt, e),
        PoolError::Timeout(deadpool_postgres::TimeoutType::Wait) => {
            Error::AcquireTimeout(config.acquire_timeout)
        }
        PoolError::Timeout(_) => timeout_error(config, attempt),
        other => Error::Pool(other.to_string()),
    }
}

fn timeout_error(config: &Config, attempts: u32) -> Error {
    Error::Connect {
        target: config.display_target(),
        attempts,
        message: format!("no answer within {:?}", config.connect_timeout),
        sqlstate: None,
        hint: Some(
            "check the host and port in DATABASE_URL and that the server is reachable, or raise DB_CONNECT_TIMEOUT"
                .into(),
        ),
        source: None,
    }
}

/// Turns a failed connection attempt into an error with the hint a user needs.
pub(crate) fn connect_error(config: &Config, attempts: u32, error: tokio_postgres::Error) -> Error {
    connect_error_for(
        config.display_target(),
        Some(config.database()),
        attempts,
        error,
    )
}

/// The same, for a target described by text (`host:port/db`) and maybe a database name.
fn connect_error_for(
    target: String,
    database: Option<&str>,
    attempts: u32,
    error: tokio_postgres::Error,
) -> Error {
    let message = crate::error::describe_db_error(&error);
    let sqlstate = error.code().map(|c| c.code().to_string());
    let lower = message.to_lowercase();
    let hint = match sqlstate.as_deref() {
        Some("28P01") => Some("password authentication failed: check the user and password in DATABASE_URL".to_string()),
        Some("3D000") => Some(match database {
            Some(name) => format!("database \"{name}\" does not exist: create it with `pgbake db create`"),
            None => "the database does not exist: create it with `pgbake db create`".into(),
        }),
        Some("53300") => Some(
            "the server has too many connections: lower DB_MAX_CONNECTIONS, or raise max_connections on the server"
                .into(),
        ),
        Some("28000") if lower.contains("no encryption") || lower.contains("ssl off") => Some(
            "the server only accepts TLS connections: add sslmode=require (or verify-full) to DATABASE_URL".into(),
        ),
        Some("28000") => Some("the server refused this user: check pg_hba.conf and the user in DATABASE_URL".into()),
        Some("57P03") => Some("the server is starting up or shutting down: retry in a moment".into()),
        _ if lower.contains("connection refused") => Some(format!(
            "is the server running and accepting connections at {}? For the local development server run `pgbake dev start`",
            target
        )),
        _ if lower.contains("notvalidforname") || lower.contains("not valid for name") => Some(format!(
            "the server's certificate does not name the host in DATABASE_URL ({}): connect with a host name the certificate lists, or use sslmode=verify-ca",
            target
        )),
        _ if lower.contains("unknownissuer") || lower.contains("unknown issuer") || lower.contains("badsignature") => Some(
            "the server's certificate is not signed by the CA in sslrootcert: point sslrootcert at the CA that signed it".into(),
        ),
        _ if lower.contains("invalid peer certificate") => Some(
            "the server's certificate was rejected: check sslrootcert and the certificate's dates and names".into(),
        ),
        _ if lower.contains("server does not support tls") || lower.contains("server does not support ssl") => Some(
            "the server does not accept TLS: turn on ssl on the server, or use sslmode=prefer or disable".into(),
        ),
        _ if lower.contains("tls") || lower.contains("ssl") => Some(
            "TLS negotiation failed: check sslmode in DATABASE_URL and the server's ssl setting".into(),
        ),
        _ => None,
    };
    Error::Connect {
        target,
        attempts,
        message,
        sqlstate,
        hint,
        source: Some(error),
    }
}

//! Connection settings from the environment or a URL: pool size, timeouts, retries, TLS mode.

use std::str::FromStr;
use std::time::Duration;

use crate::Error;

/// How to reach PostgreSQL and how to size the pool.
///
/// ```
/// let config = pgbake::Config::new("postgres://app@localhost/app")?
///     .max_connections(20);
/// assert_eq!(config.max_connections, 20);
/// # Ok::<(), pgbake::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// The application's connection (`DATABASE_URL`), as given (also for `pg_dump`).
    pub database_url: String,
    /// Direct connection for migrations with a DDL role (`MIGRATION_DATABASE_URL`); falls
    /// back to `database_url`.
    pub migration_database_url: Option<String>,
    /// Largest number of pooled connections (`DB_MAX_CONNECTIONS`, default 10).
    pub max_connections: usize,
    /// Connections opened at start-up and kept (`DB_MIN_IDLE`, default 0).
    pub min_idle: usize,
    /// Longest wait for a free pool connection (`DB_ACQUIRE_TIMEOUT`, default 30 s).
    pub acquire_timeout: Duration,
    /// Longest wait to open one connection (`DB_CONNECT_TIMEOUT`, default 10 s).
    pub connect_timeout: Duration,
    /// Extra attempts when the first connection fails, with exponential backoff
    /// (`DB_CONNECT_RETRIES`, default 3).
    pub connect_retries: u32,
    /// Delay before the first retry; doubled for each further one (default 200 ms).
    pub retry_backoff: Duration,
    /// Longest delay between two retries, however many there are (default 5 s).
    pub retry_backoff_max: Duration,
    /// TLS mode, from the URL's `sslmode` (default `prefer`).
    pub ssl_mode: SslMode,
    /// CA certificate file from the URL's `sslrootcert`.
    pub ssl_root_cert: Option<String>,
    /// How generated queries send statements (`DB_STATEMENT_MODE`: `prepared`, the
    /// default, or `unnamed` behind PgBouncer in transaction pooling mode).
    pub statement_mode: crate::StatementMode,
    /// Connections that statements run on `&pool` share, pipelined
    /// (`DB_SHARED_CONNECTIONS`, default 2, at most `max_connections`). Each is taken from
    /// the pool while calls are in flight on it and returned when none are.
    pub shared_connections: usize,
    pub(crate) pg: tokio_postgres::Config,
}

/// The URL's `sslmode`, as libpq spells it and with libpq's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never use TLS.
    Disable,
    /// Try without TLS first; use TLS when the server refuses that (certificate not verified).
    Allow,
    /// Use TLS when the server offers it (certificate not verified).
    Prefer,
    /// Always use TLS; the certificate chain is verified when a root certificate is
    /// available (`sslrootcert`, or `~/.postgresql/root.crt`), as libpq does.
    Require,
    /// Always use TLS and verify the server's certificate chain.
    VerifyCa,
    /// Always use TLS, verify the chain and that the certificate names the host.
    VerifyFull,
}

impl FromStr for SslMode {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        Ok(match value {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(format!(
                    "`{other}` is not an sslmode; use disable, allow, prefer, require, verify-ca or verify-full"
                ));
            }
        })
    }
}

impl SslMode {
    /// The mode as libpq spells it (`verify-full`, …), for `pg_dump` and `psql`.
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

impl Config {
    /// Settings for `url` with every default.
    pub fn new(url: &str) -> Result<Config, Error> {
        Self::parse_url("DATABASE_URL", url)
    }

    /// `DATABASE_URL` and the `DB_*` variables. A missing `DATABASE_URL` or a bad value is
    /// an error naming the variable.
    pub fn from_env() -> Result<Config, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Config::from_env`], reading variables through `lookup` (for tests and embedding).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, Error> {
        let url = lookup("DATABASE_URL").ok_or_else(|| {
            Error::config(
                "DATABASE_URL",
                "not set; set it to postgres://user:password@host:port/database",
            )
        })?;
        if url.trim().is_empty() {
            return Err(empty_url("DATABASE_URL"));
        }
        let config = Self::parse_url("DATABASE_URL", &url)?;
        config.with_env(lookup)
    }

    /// Applies `MIGRATION_DATABASE_URL` and the `DB_*` variables found through `lookup`.
    pub fn with_env(mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<Config, Error> {
        if let Some(url) = lookup("MIGRATION_DATABASE_URL") {
            if url.trim().is_empty() {
                return Err(empty_url("MIGRATION_DATABASE_URL"));
            }
            Self::parse_url("MIGRATION_DATABASE_URL", &url)?;
            self.migration_database_url = Some(url);
        }
        if let Some(v) = lookup("DB_MAX_CONNECTIONS") {
            self.max_connections = parse_count("DB_MAX_CONNECTIONS", &v, 1)?;
        }
        if let Some(v) = lookup("DB_MIN_IDLE") {
            self.min_idle = parse_count("DB_MIN_IDLE", &v, 0)?;
        }
        if self.min_idle > self.max_connections {
            return Err(Error::config(
                "DB_MIN_IDLE",
                format!(
                    "{} is more than DB_MAX_CONNECTIONS ({}); lower it",
                    self.min_idle, self.max_connections
                ),
            ));
        }
        if let Some(v) = lookup("DB_ACQUIRE_TIMEOUT") {
            self.acquire_timeout = parse_duration("DB_ACQUIRE_TIMEOUT", &v)?;
        }
        if let Some(v) = lookup("DB_CONNECT_TIMEOUT") {
            self.connect_timeout = parse_duration("DB_CONNECT_TIMEOUT", &v)?;
            self.pg.connect_timeout(self.connect_timeout);
        }
        if let Some(v) = lookup("DB_STATEMENT_MODE") {
            self.statement_mode = match v.trim() {
                "prepared" => crate::StatementMode::Prepared,
                "unnamed" => crate::StatementMode::Unnamed,
                other => {
                    return Err(Error::config(
                        "DB_STATEMENT_MODE",
                        format!(
                            "`{other}` is not a statement mode; use `prepared` (default) or `unnamed` (behind PgBouncer in transaction pooling mode)"
                        ),
                    ));
                }
            };
        }
        if let Some(v) = lookup("DB_SHARED_CONNECTIONS") {
            self.shared_connections = parse_count("DB_SHARED_CONNECTIONS", &v, 1)?;
        }
        if let Some(v) = lookup("DB_CONNECT_RETRIES") {
            self.connect_retries = parse_count("DB_CONNECT_RETRIES", &v, 0)? as u32;
        }
        Ok(self)
    }

    /// Sets how many pooled connections statements on `&pool` share (at least 1).
    pub fn shared_connections(mut self, n: usize) -> Config {
        self.shared_connections = n.max(1);
        self
    }

    /// Sets the largest pool size.
    pub fn max_connections(mut self, n: usize) -> Config {
        self.max_connections = n.max(1);
        self
    }

    /// Sets how many extra connection attempts are made.
    pub fn connect_retries(mut self, n: u32) -> Config {
        self.connect_retries = n;
        self
    }

    /// Sets the delay before the first retry and the longest delay between two retries.
    pub fn retry_backoff(mut self, first: Duration, max: Duration) -> Config {
        self.retry_backoff = first;
        self.retry_backoff_max = max.max(first);
        self
    }

    /// The delay before retry number `retry` (1-based): doubled each time, never more than
    /// [`Config::retry_backoff_max`].
    pub fn backoff_before_retry(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.retry_backoff
            .saturating_mul(factor)
            .min(self.retry_backoff_max)
    }

    /// Sets the longest wait to open one connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Config {
        self.connect_timeout = timeout;
        self.pg.connect_timeout(timeout);
        self
    }

    /// Sets how generated queries send statements.
    pub fn statement_mode(mut self, mode: crate::StatementMode) -> Config {
        self.statement_mode = mode;
        self
    }

    /// Sets the longest wait for a free pool connection.
    pub fn acquire_timeout(mut self, timeout: Duration) -> Config {
        self.acquire_timeout = timeout;
        self
    }

    /// Settings for migrations: `MIGRATION_DATABASE_URL` when set, else these.
    pub fn for_migrations(&self) -> Result<Config, Error> {
        match &self.migration_database_url {
            None => Ok(self.clone()),
            Some(url) => {
                let mut config = Self::parse_url("MIGRATION_DATABASE_URL", url)?;
                config.max_connections = 2;
                config.connect_timeout = self.connect_timeout;
                config.pg.connect_timeout(self.connect_timeout);
                config.connect_retries = self.connect_retries;
                config.retry_backoff = self.retry_backoff;
                config.retry_backoff_max = self.retry_backoff_max;
                config.acquire_timeout = self.acquire_timeout;
                Ok(config)
            }
        }
    }

    /// The same server and credentials, another database (e.g. `postgres` for CREATE DATABASE).
    pub fn with_database(&self, database: &str) -> Config {
        let mut config = self.clone();
        config.pg.dbname(database);
        config.database_url = replace_url_database(&self.database_url, database);
        config
    }

    /// The database name (default: the user name, as libpq does).
    pub fn database(&self) -> &str {
        self.pg
            .get_dbname()
            .or_else(|| self.pg.get_user())
            .unwrap_or("postgres")
    }

    /// `host:port/database`, safe to print (no password).
    pub fn display_target(&self) -> String {
        let host = match self.pg.get_hosts().first() {
            Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
            #[cfg(unix)]
            Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
            None => "localhost".into(),
        };
        let port = self.pg.get_ports().first().copied().unwrap_or(5432);
        format!("{host}:{port}/{}", self.database())
    }

    /// The underlying tokio-postgres settings.
    pub fn pg_config(&self) -> &tokio_postgres::Config {
        &self.pg
    }

    fn parse_url(variable: &str, url: &str) -> Result<Config, Error> {
        if let Some(message) = crate::url::ambiguous(url) {
            return Err(Error::config(variable, message));
        }
        let (stripped, ssl_mode, ssl_root_cert) = take_ssl_params(variable, url)?;
        let mut pg = tokio_postgres::Config::from_str(&stripped)
            .map_err(|e| Error::config(variable, crate::url::explain_parse_error(&stripped, &e)))?;
        if pg.get_hosts().is_empty() {
            pg.host("localhost");
        }
        pg.ssl_mode(match ssl_mode {
            // `allow` starts without TLS; the connector retries with TLS when refused.
            SslMode::Disable | SslMode::Allow => tokio_postgres::config::SslMode::Disable,
            SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            _ => tokio_postgres::config::SslMode::Require,
        });
        let connect_timeout = Duration::from_secs(10);
        pg.connect_timeout(connect_timeout);
        if pg.get_application_name().is_none() {
            pg.application_name("pgbake");
        }
        Ok(Config {
            database_url: url.to_string(),
            migration_database_url: None,
            max_connections: 10,
            min_idle: 0,
            acquire_timeout: Duration::from_secs(30),
            connect_timeout,
            connect_retries: 3,
            retry_backoff: Duration::from_millis(200),
            retry_backoff_max: Duration::from_secs(5),
            ssl_mode,
            ssl_root_cert,
            statement_mode: crate::StatementMode::Prepared,
            shared_connections: 2,
            pg,
        })
    }
}

/// Removes `sslmode` and `sslrootcert` from a URL's query (tokio-postgres does not know
/// every libpq mode) and returns them parsed.
fn take_ssl_params(variable: &str, url: &str) -> Result<(String, SslMode, Option<String>), Error> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), SslMode::Prefer, None));
    };
    let mut ssl_mode = SslMode::Prefer;
    let mut root_cert = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "sslmode" => {
                ssl_mode = value
                    .parse()
                    .map_err(|e: String| Error::config(format!("{variable} (sslmode)"), e))?
            }
            "sslrootcert" => root_cert = Some(percent_decode(value)),
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, ssl_mode, root_cert))
}

/// `url` with its path (the database) replaced by `database`.
pub(crate) fn replace_url_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&value[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_count(variable: &str, value: &str, min: usize) -> Result<usize, Error> {
    match value.trim().parse::<usize>() {
        Ok(n) if n >= min && n <= 10_000 => Ok(n),
        _ => Err(Error::config(
            variable,
            format!("`{value}` is not a whole number from {min} to 10000"),
        )),
    }
}

/// `30`, `30s`, `500ms`, `2m`: a number of seconds, or a number with a unit.
fn parse_duration(variable: &str, value: &str) -> Result<Duration, Error> {
    let text = value.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => (&text[..i], text[i..].trim()),
        None => (text, "s"),
    };
    let seconds_per_unit = match unit {
        "ms" => 0.001,
        "s" | "sec" | "secs" => 1.0,
        "m" | "min" => 60.0,
        _ => f64::NAN,
    };
    match number.parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 && seconds_per_unit.is_finite() => {
            let seconds = n * seconds_per_unit;
            if seconds > MAX_TIMEOUT.as_secs_f64() {
                return Err(Error::config(
                    variable,
                    format!(
                        "`{value}` is longer than the longest wait pgbake accepts ({} s, one day); use a shorter duration",
                        MAX_TIMEOUT.as_secs()
                    ),
                ));
            }
            Ok(Duration::from_secs_f64(seconds))
        }
        _ => Err(Error::config(
            variable,
            format!("`{value}` is not a duration; use seconds like `30` or `30s`, or `500ms`"),
        )),
    }
}

/// The longest connect or acquire timeout: one day.
const MAX_TIMEOUT: Duration = Duration::from_secs(86_400);

fn empty_url(variable: &str) -> Error {
    Error::config(
        variable,
        "set but empty; set it to postgres://user:password@host:port/database, or unset it \
         (only DATABASE_URL unset means the local development server)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn defaults_match_the_documentation() {
        let config =
            Config::from_lookup(env(&[("DATABASE_URL", "postgres://u@h:5433/db")])).unwrap();
        assert_eq!(config.max_connections, 10);
        assert_eq!(config.acquire_timeout, Duration::from_secs(30));
        assert_eq!(config.connect_timeout, Duration::from_secs(10));
        assert_eq!(config.connect_retries, 3);
        assert_eq!(config.display_target(), "h:5433/db");
    }

    #[test]
    fn bad_values_name_the_variable() {
        let cases = [
            ("DB_MAX_CONNECTIONS", "ten"),
            ("DB_MAX_CONNECTIONS", "0"),
            ("DB_ACQUIRE_TIMEOUT", "soon"),
            ("DB_CONNECT_TIMEOUT", "-1"),
            ("DB_CONNECT_RETRIES", "x"),
            ("DB_MIN_IDLE", "50"),
        ];
        for (variable, value) in cases {
            let error = Config::from_lookup(env(&[
                ("DATABASE_URL", "postgres://u@h/db"),
                (variable, value),
            ]))
            .unwrap_err()
            .to_string();
            assert!(
                error.starts_with(&format!("invalid {variable}:")),
                "{error}"
            );
        }
        let error = Config::from_lookup(env(&[])).unwrap_err().to_string();
        assert!(error.contains("DATABASE_URL"), "{error}");
        let error = Config::new("postgres://u@h/db?sslmode=sometimes")
            .unwrap_err()
            .to_string();
        assert!(error.contains("sslmode"), "{error}");
        let error = Config::new("mysql://nope").unwrap_err().to_string();
        assert!(error.starts_with("invalid DATABASE_URL"), "{error}");
    }

    #[test]
    fn durations_and_ssl_params() {
        let config = Config::from_lookup(env(&[
            ("DATABASE_URL", "postgres://u@h/db?sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.pem&application_name=x"),
            ("DB_ACQUIRE_TIMEOUT", "500ms"),
            ("DB_CONNECT_TIMEOUT", "2s"),
        ]))
        .unwrap();
        assert_eq!(config.acquire_timeout, Duration::from_millis(500));
        assert_eq!(config.connect_timeout, Duration::from_secs(2));
        assert_eq!(config.ssl_mode, SslMode::VerifyFull);
        assert_eq!(config.ssl_root_cert.as_deref(), Some("/tmp/ca.pem"));
        assert_eq!(config.pg_config().get_application_name(), Some("x"));
    }
}

//! Test harness (feature `testing`): a throwaway PostgreSQL cluster per test binary and a
//! fresh database per test, cloned from a migrated template.
//!
//! With `DATABASE_URL` unset, the first test starts a cluster from the machine's server
//! binaries on a private port and socket folder with fsync off; a watchdog process stops
//! it and deletes its folder when the test binary exits, however it exits. With
//! `DATABASE_URL` set, that server is used: each test's database is dropped afterwards, and
//! a watchdog drops what the test binary created there (templates, databases a killed test
//! left, login roles) when it exits.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::cluster::{LocalCluster, free_port};
use crate::migrate::{EmbeddedMigration, Migrator};
use crate::{Config, Error, Pool};

/// The server tests run against.
#[derive(Debug)]
pub struct TestServer {
    /// URL of the maintenance database (`postgres`), as a superuser.
    pub admin_url: String,
    /// The throwaway cluster, when pgbake started one.
    pub cluster: Option<LocalCluster>,
    /// On a server of `DATABASE_URL`: the SQL file the watchdog runs when this process exits.
    cleanup_file: Option<std::path::PathBuf>,
}

impl TestServer {
    /// Puts `line` at the top of pg_hba.conf (once) and reloads. Only on the throwaway
    /// cluster: `Ok(false)` when the tests run against DATABASE_URL.
    pub async fn prepend_hba(&self, line: &str) -> Result<bool, Error> {
        let Some(cluster) = &self.cluster else {
            return Ok(false);
        };
        {
            let _guard = CONFIG_LOCK.lock().unwrap_or_else(|e| e.into_inner());
            let path = cluster.data_dir().join("pg_hba.conf");
            let current = std::fs::read_to_string(&path)
                .map_err(|e| Error::LocalCluster(format!("cannot read {}: {e}", path.display())))?;
            if !current.lines().any(|l| l == line) {
                cluster.write_data_file(
                    "pg_hba.conf",
                    format!("{line}\n{current}").as_bytes(),
                    0o600,
                )?;
            }
        }
        self.reload().await?;
        Ok(true)
    }

    /// Turns TLS on with this certificate and key (PEM). `Ok(false)` on DATABASE_URL.
    pub async fn enable_ssl(&self, certificate_pem: &str, key_pem: &str) -> Result<bool, Error> {
        let Some(cluster) = &self.cluster else {
            return Ok(false);
        };
        {
            let _guard = CONFIG_LOCK.lock().unwrap_or_else(|e| e.into_inner());
            cluster.write_data_file("server.crt", certificate_pem.as_bytes(), 0o644)?;
            cluster.write_data_file("server.key", key_pem.as_bytes(), 0o600)?;
        }
        let admin = connect(&self.admin_url).await?;
        // ALTER SYSTEM refuses to run in a (multi-statement, implicit) transaction.
        for setting in [
            "ssl = on",
            "ssl_cert_file = 'server.crt'",
            "ssl_key_file = 'server.key'",
        ] {
            admin
                .batch_execute(&format!("ALTER SYSTEM SET {setting}"))
                .await?;
        }
        self.reload().await?;
        Ok(true)
    }

    /// Queues `statement` (e.g. `DROP ROLE …`) for the watchdog to run on a server of
    /// `DATABASE_URL` after this process exits; nothing on the throwaway cluster.
    pub fn drop_at_exit(&self, statement: &str) -> Result<(), Error> {
        use std::io::Write;
        let Some(path) = &self.cleanup_file else {
            return Ok(());
        };
        let _guard = CONFIG_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| Error::LocalCluster(format!("cannot write {}: {e}", path.display())))?;
        writeln!(file, "{statement};")
            .map_err(|e| Error::LocalCluster(format!("cannot write {}: {e}", path.display())))
    }

    async fn reload(&self) -> Result<(), Error> {
        let admin = connect(&self.admin_url).await?;
        admin.batch_execute("SELECT pg_reload_conf()").await?;
        // The postmaster rereads its files asynchronously.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        Ok(())
    }
}

static CONFIG_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A database of its own for one test, with a pool.
#[derive(Debug)]
pub struct TestDatabase {
    /// Database name.
    pub name: String,
    /// URL of this database.
    pub url: String,
    /// Settings for this database (pool of 4, 1 connect retry).
    pub config: Config,
    /// A pool on this database.
    pub pool: Pool,
    drop_on_exit: bool,
}

static SERVER: OnceLock<Result<TestServer, String>> = OnceLock::new();
/// Template databases already created by this process, by migration set.
static TEMPLATES: tokio::sync::Mutex<Vec<(usize, String)>> =
    tokio::sync::Mutex::const_new(Vec::new());
static COUNTER: AtomicUsize = AtomicUsize::new(0);
/// Whether `CREATE DATABASE … STRATEGY FILE_COPY` is available (PostgreSQL 15+).
static FILE_COPY: AtomicBool = AtomicBool::new(true);

/// The server for this test binary, started on first use.
pub fn server() -> Result<&'static TestServer, Error> {
    SERVER
        .get_or_init(|| start_server().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| Error::LocalCluster(e.clone()))
}

impl TestDatabase {
    /// A new database with pgbake's reference schema applied (its own tests; feature
    /// `reference`). An application's tests call [`TestDatabase::with_migrations`].
    #[cfg(feature = "reference")]
    #[doc(hidden)]
    pub async fn new() -> Result<TestDatabase, Error> {
        Self::with_migrations(crate::MIGRATIONS).await
    }

    /// A new database with `migrations` applied (your crate's `MIGRATIONS`), cloned from a
    /// template migrated once per test binary.
    pub async fn with_migrations(
        migrations: &'static [EmbeddedMigration],
    ) -> Result<TestDatabase, Error> {
        let key = migrations.as_ptr() as usize;
        let template = {
            let mut templates = TEMPLATES.lock().await;
            match templates.iter().find(|(k, _)| *k == key) {
                Some((_, name)) => name.clone(),
                None => {
                    let name = create_template(migrations).await?;
                    templates.push((key, name.clone()));
                    name
                }
            }
        };
        Self::create(Some(&template)).await
    }

    /// A new empty database (no migrations applied).
    pub async fn empty() -> Result<TestDatabase, Error> {
        Self::create(None).await
    }

    async fn create(template: Option<&str>) -> Result<TestDatabase, Error> {
        let server = server()?;
        let name = format!(
            "pgbake_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let admin = connect(&server.admin_url).await?;
        let from = template.unwrap_or("template0");
        // On the throwaway cluster (fsync off, so its checkpoints are cheap) copying the
        // template's files is faster than PostgreSQL 15's default WAL-logged copy; older
        // servers have no STRATEGY and take the plain form.
        let file_copy = server.cluster.is_some() && FILE_COPY.load(Ordering::Relaxed);
        let plain = format!("CREATE DATABASE {name} TEMPLATE {from}");
        if !file_copy {
            admin.batch_execute(&plain).await?;
        } else if let Err(error) = admin
            .batch_execute(&format!("{plain} STRATEGY FILE_COPY"))
            .await
        {
            if error.code().map(|c| c.code()) != Some("42601") {
                return Err(error.into());
            }
            FILE_COPY.store(false, Ordering::Relaxed);
            admin.batch_execute(&plain).await?;
        }
        server.drop_at_exit(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
        let url = replace_database(&server.admin_url, &name);
        let config = Config::new(&url)?.max_connections(4).connect_retries(1);
        let pool = crate::connect(&config).await?;
        Ok(TestDatabase {
            name,
            url,
            config,
            pool,
            drop_on_exit: server.cluster.is_none(),
        })
    }

    /// A plain connection to this database, outside the pool.
    pub async fn connect(&self) -> Result<tokio_postgres::Client, Error> {
        connect(&self.url).await
    }

    /// Creates the login role `name` (when missing) with `options` (e.g. `PASSWORD '…'`,
    /// `IN ROLE pgbake_app`), dropped when the test binary exits on a `DATABASE_URL` server.
    pub async fn create_login_role(&self, name: &str, options: &str) -> Result<(), Error> {
        let admin = self.connect().await?;
        admin
            .batch_execute(&format!(
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN \
                 CREATE ROLE {name} LOGIN {options}; END IF; END $$"
            ))
            .await?;
        server()?.drop_at_exit(&format!("DROP ROLE IF EXISTS {name}"))
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if !self.drop_on_exit {
            return; // the throwaway cluster is deleted as a whole
        }
        self.pool.close();
        let name = self.name.clone();
        let Ok(server) = server() else { return };
        let admin_url = server.admin_url.clone();
        // A runtime of its own: Drop may run inside or outside the test's runtime.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let admin = connect(&admin_url).await.ok()?;
                admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .ok()
            })
        })
        .join();
    }
}

/// Opens one connection (no pool) to `url`.
pub async fn connect(url: &str) -> Result<tokio_postgres::Client, Error> {
    crate::pool::connect_url(url).await
}

/// `url` with its database replaced by `database`.
pub fn replace_database(url: &str, database: &str) -> String {
    crate::config::replace_url_database(url, database)
}

/// Creates a database holding `migrations`, to clone tests from (on a `DATABASE_URL`
/// server: one of this process, dropped when it exits).
async fn create_template(migrations: &'static [EmbeddedMigration]) -> Result<String, Error> {
    let server = server()?;
    let fingerprint = migrations.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, m| {
        (h ^ m.checksum()).wrapping_mul(0x100_0000_01b3)
    });
    let name = format!("pgbake_tpl_{:016x}_{}", fingerprint, std::process::id());
    server.drop_at_exit(&format!("DROP DATABASE IF EXISTS {name}"))?;
    let admin = connect(&server.admin_url).await?;
    // Several test binaries may share one server: one creates the template, the others wait.
    admin
        .execute(
            "SELECT pg_advisory_lock($1)",
            &[&(crate::migrate::MIGRATION_LOCK_KEY + 1)],
        )
        .await?;
    let exists = admin
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await?
        .is_some();
    if !exists {
        let building = format!("{name}_building");
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {building}"))
            .await?;
        admin
            .batch_execute(&format!("CREATE DATABASE {building} TEMPLATE template0"))
            .await?;
        {
            let mut client = connect(&replace_database(&server.admin_url, &building)).await?;
            Migrator::new(migrations).run_on(&mut client).await?;
        }
        admin
            .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {name}"))
            .await?;
    }
    admin
        .execute(
            "SELECT pg_advisory_unlock($1)",
            &[&(crate::migrate::MIGRATION_LOCK_KEY + 1)],
        )
        .await?;
    Ok(name)
}

fn start_server() -> Result<TestServer, Error> {
    if let Some(url) = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    {
        let admin_url = replace_database(&url, "postgres");
        let cleanup_file = spawn_cleanup_watchdog(&Config::new(&admin_url)?)?;
        return Ok(TestServer {
            admin_url,
            cluster: None,
            cleanup_file: Some(cleanup_file),
        });
    }
    let root = std::env::temp_dir().join(format!(
        "pgbake-test-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    ));
    let mut cluster = LocalCluster::new(&root, free_port()?)?;
    cluster.fsync_off = true;
    spawn_watchdog(&cluster)?;
    cluster.init()?;
    cluster.start()?;
    Ok(TestServer {
        admin_url: cluster.url("postgres"),
        cluster: Some(cluster),
        cleanup_file: None,
    })
}

/// On a server of `DATABASE_URL`: a detached shell that waits for this process to exit,
/// then runs the queued cleanup statements with psql (each on its own, so one failure does
/// not stop the others) and deletes its private folder. Returns the statement file.
fn spawn_cleanup_watchdog(admin: &Config) -> Result<std::path::PathBuf, Error> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    use std::os::unix::process::CommandExt;
    let failed =
        |e: std::io::Error| Error::LocalCluster(format!("cannot set up test cleanup: {e}"));
    let dir = std::env::temp_dir().join(format!(
        "pgbake-test-cleanup-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(failed)?;
    let file = dir.join("cleanup.sql");
    let create = |path: &std::path::Path, text: &[u8]| {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text))
    };
    create(&file, b"").map_err(failed)?;
    let mut password = b"*:*:*:*:".to_vec();
    for &byte in admin.pg_config().get_password().unwrap_or_default() {
        if byte == b'\\' || byte == b':' {
            password.push(b'\\');
        }
        password.push(byte);
    }
    password.push(b'\n');
    create(&dir.join("pgpass"), &password).map_err(failed)?;
    let psql = crate::cluster::find_bin_dir()?.join("psql");
    let quote = |text: &str| format!("'{}'", text.replace('\'', "'\\''"));
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
         PGPASSFILE={dir}/pgpass {psql} -X -q --dbname={conninfo} -f {dir}/cleanup.sql >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        dir = quote(&dir.to_string_lossy()),
        psql = quote(&psql.to_string_lossy()),
        conninfo = quote(&crate::libpq::conninfo(admin)),
    );
    crate::libpq::bare_command(std::path::Path::new("sh"))
        .args(["-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(failed)?;
    Ok(file)
}

/// A detached shell that waits for this process to exit, then stops the cluster and
/// deletes its folder: cleanup that survives panics, aborts and `kill -9`.
fn spawn_watchdog(cluster: &LocalCluster) -> Result<(), Error> {
    use std::os::unix::process::CommandExt;
    let pg_ctl = cluster.bin_dir.join("pg_ctl");
    let stop = match &cluster.run_as {
        Some(user) => format!("runuser -u {user} -- '{}'", pg_ctl.display()),
        None => format!("'{}'", pg_ctl.display()),
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
         {stop} -D '{data}' -m immediate -w stop >/dev/null 2>&1; rm -rf '{root}'",
        pid = std::process::id(),
        data = cluster.data_dir().display(),
        root = cluster.root.display(),
    );
    std::process::Command::new("sh")
        .args(["-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| Error::LocalCluster(format!("cannot start the cleanup watchdog: {e}")))?;
    Ok(())
}

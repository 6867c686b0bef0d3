//! The local development server of a project, used when `DATABASE_URL` is unset.
//!
//! Its state lives in `<project>/.pgbake/`: `port`, and `password` (0600) of the
//! `postgres` superuser, who logs in with scram-sha-256 over TCP and the socket (no trust,
//! the socket folder is 0700). The cluster itself lives in `.pgbake/` too, unless pgbake
//! runs as root and the server's user (`postgres`) cannot reach the project folder (a clone
//! under `/root`, a `mktemp -d` folder): then it lives under that user's home, and
//! `.pgbake/cluster-root` says where.

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::Error;
use crate::cluster::{LocalCluster, free_port};

/// Name of the database created in the local development server.
pub const DEV_DATABASE: &str = "pgbake";
/// Port tried first for the local development server.
pub const DEV_PORT: u16 = 54329;

/// The project's `.pgbake/` folder (port, password, where the cluster is).
pub fn state_dir(project_dir: &Path) -> PathBuf {
    project_dir.join(".pgbake")
}

/// The local cluster of `project_dir` (not started), with its password when it has one.
pub fn dev_cluster(project_dir: &Path) -> Result<LocalCluster, Error> {
    let state = state_dir(project_dir);
    let root = std::fs::read_to_string(state.join("cluster-root"))
        .map(|p| PathBuf::from(p.trim()))
        .unwrap_or_else(|_| state.clone());
    let port = std::fs::read_to_string(state.join("port"))
        .ok()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or(DEV_PORT);
    let mut cluster = LocalCluster::new(root, port)?;
    cluster.password = std::fs::read_to_string(state.join("password"))
        .ok()
        .map(|p| p.trim().to_string());
    Ok(cluster)
}

/// Starts (or reuses) the local development server and returns the URL of its `pgbake`
/// database, creating the cluster and the database on first use.
pub async fn ensure_dev_server(project_dir: &Path) -> Result<(LocalCluster, String), Error> {
    let state = state_dir(project_dir);
    let mut cluster = dev_cluster(project_dir)?;
    if !cluster.is_initialized() {
        create_private(&state)?;
        if cluster.root == state && !cluster.reachable_by_server_user(project_dir) {
            cluster.root = outside_root(&cluster, project_dir)?;
            write_private(&state.join("cluster-root"), &cluster.root.to_string_lossy())?;
        }
        if std::net::TcpListener::bind(("127.0.0.1", cluster.port)).is_err() {
            cluster.port = free_port()?;
        }
        let password = random_password();
        cluster.init_with_password(&password)?;
        write_private(&state.join("password"), &password)?;
        cluster.password = Some(password);
        write_private(&state.join("port"), &cluster.port.to_string())?;
        tracing::info!(root = %cluster.root.display(), port = cluster.port, "created local PostgreSQL cluster");
    }
    if !cluster.is_running() {
        if let Err(error) = cluster.start() {
            // Another server took the port meanwhile: move to a free one.
            if std::net::TcpListener::bind(("127.0.0.1", cluster.port)).is_ok() {
                return Err(error);
            }
            cluster.port = free_port()?;
            write_private(&state.join("port"), &cluster.port.to_string())?;
            cluster.start()?;
        }
        tracing::info!(port = cluster.port, "started local PostgreSQL");
    }
    if cluster.password.is_none() {
        require_password(&mut cluster, &state).await?;
    }
    let admin = crate::pool::connect_url(&cluster.url("postgres")).await?;
    let exists = admin
        .query_opt(
            "SELECT 1 FROM pg_database WHERE datname = $1",
            &[&DEV_DATABASE],
        )
        .await?
        .is_some();
    if !exists {
        admin
            .batch_execute(&format!("CREATE DATABASE {DEV_DATABASE}"))
            .await?;
    }
    let url = cluster.url(DEV_DATABASE);
    Ok((cluster, url))
}

/// A cluster an older pgbake made with trust authentication: give `postgres` a password
/// and require it from every connection.
async fn require_password(cluster: &mut LocalCluster, state: &Path) -> Result<(), Error> {
    let password = random_password();
    let admin = crate::pool::connect_url(&cluster.url("postgres")).await?;
    admin
        .batch_execute(&format!(
            "SET password_encryption = 'scram-sha-256'; ALTER ROLE postgres PASSWORD '{password}'"
        ))
        .await?;
    write_private(&state.join("password"), &password)?;
    cluster.write_data_file(
        "pg_hba.conf",
        b"local all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n",
        0o600,
    )?;
    admin.batch_execute("SELECT pg_reload_conf()").await?;
    cluster.password = Some(password);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    Ok(())
}

/// `<home of the server's user>/pgbake-dev/<folder name>-<hash of its path>`.
fn outside_root(cluster: &LocalCluster, project_dir: &Path) -> Result<PathBuf, Error> {
    let user = cluster.run_as.as_deref().unwrap_or("postgres");
    let home = std::process::Command::new("getent")
        .args(["passwd", user])
        .output()
        .ok()
        .and_then(|o| {
            let line = String::from_utf8_lossy(&o.stdout).into_owned();
            line.trim().split(':').nth(5).map(PathBuf::from)
        })
        .filter(|home| home.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let base = home.join("pgbake-dev");
    if !base.exists() {
        std::fs::create_dir_all(&base).map_err(|e| cannot("create", &base, e))?;
        cluster.hand_over(&base)?;
    }
    let path = project_dir.to_string_lossy();
    let hash = path.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let name = project_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    Ok(base.join(format!("{name}-{hash:016x}")))
}

fn create_private(dir: &Path) -> Result<(), Error> {
    if dir.exists() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(dir)
        .map_err(|e| cannot("create", dir, e))
}

/// Writes `text` to `path`, readable by this user only (0600), replacing the file.
fn write_private(path: &Path, text: &str) -> Result<(), Error> {
    let _ = std::fs::remove_file(path);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| cannot("create", path, e))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| cannot("write", path, e))
}

fn cannot(action: &str, path: &Path, error: std::io::Error) -> Error {
    Error::LocalCluster(format!("cannot {action} {}: {error}", path.display()))
}

/// 32 characters from `[A-Za-z0-9]` (about 190 bits), from the system's generator.
fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()]
        .iter()
        .flat_map(|u| u.into_bytes())
        .take(32)
        .map(|b| ALPHABET[b as usize % ALPHABET.len()] as char)
        .collect()
}

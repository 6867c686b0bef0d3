//! The local development server under `./.pgbake/`, used when `DATABASE_URL` is unset.

use std::path::{Path, PathBuf};

use crate::Error;
use crate::cluster::{LocalCluster, free_port};

/// Name of the database created in the local development server.
pub const DEV_DATABASE: &str = "pgbake";
/// Port tried first for the local development server.
pub const DEV_PORT: u16 = 54329;

/// The local cluster kept in `<project>/.pgbake/` (not started).
pub fn dev_cluster(project_dir: &Path) -> Result<LocalCluster, Error> {
    let root: PathBuf = project_dir.join(".pgbake");
    let port = std::fs::read_to_string(root.join("port"))
        .ok()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or(DEV_PORT);
    LocalCluster::new(root, port)
}

/// Starts (or reuses) the local development server and returns the URL of its `pgbake`
/// database, creating the cluster and the database on first use.
pub async fn ensure_dev_server(project_dir: &Path) -> Result<(LocalCluster, String), Error> {
    let mut cluster = dev_cluster(project_dir)?;
    if !cluster.is_initialized() {
        if std::net::TcpListener::bind(("127.0.0.1", cluster.port)).is_err() {
            cluster.port = free_port()?;
        }
        cluster.init()?;
        std::fs::write(cluster.root.join("port"), cluster.port.to_string()).map_err(|e| {
            Error::LocalCluster(format!(
                "cannot write {}: {e}",
                cluster.root.join("port").display()
            ))
        })?;
        tracing::info!(root = %cluster.root.display(), port = cluster.port, "created local PostgreSQL cluster");
    }
    if !cluster.is_running() {
        cluster.start()?;
        tracing::info!(port = cluster.port, "started local PostgreSQL");
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

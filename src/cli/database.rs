//! Which database a command talks to: DATABASE_URL, or the local server under ./.pgbake/.

use anyhow::Context;

use crate::Config;

/// Whether DATABASE_URL is set (else the local development server is used).
pub fn has_database_url() -> bool {
    std::env::var("DATABASE_URL").is_ok_and(|u| !u.trim().is_empty())
}

/// Settings for the app's database; starts the local server when DATABASE_URL is unset.
pub async fn app_config() -> anyhow::Result<Config> {
    if has_database_url() {
        return Ok(Config::from_env()?);
    }
    let project = std::env::current_dir().context("cannot read the current folder")?;
    let (cluster, url) = crate::dev::ensure_dev_server(&project).await?;
    eprintln!(
        "DATABASE_URL is not set: using the local PostgreSQL in {} ({url})",
        cluster.root.display()
    );
    Ok(Config::new(&url)?.with_env(|name| std::env::var(name).ok())?)
}

/// Settings for migrations: MIGRATION_DATABASE_URL when set, else the app's.
pub async fn migration_config() -> anyhow::Result<Config> {
    Ok(app_config().await?.for_migrations()?)
}

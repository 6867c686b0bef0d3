//! Which database a command talks to: DATABASE_URL, or the local server under ./.pgbake/.

use anyhow::Context;

use crate::Config;

/// Settings for the app's database. DATABASE_URL set: that server (set but empty is an
/// error naming it). Unset: the local development server, started when needed — except
/// under production, which never falls back to it.
pub async fn app_config() -> anyhow::Result<Config> {
    if std::env::var_os("DATABASE_URL").is_some() {
        return Ok(Config::from_env()?);
    }
    if super::is_production() {
        anyhow::bail!(
            "DATABASE_URL is not set and PGBAKE_ENV is production: set DATABASE_URL to the production database \
             (the local development server is never used in production)"
        );
    }
    let project = std::env::current_dir().context("cannot read the current folder")?;
    let (cluster, url) = crate::dev::ensure_dev_server(&project).await?;
    errln!(
        "DATABASE_URL is not set: using the local PostgreSQL in {} ({url})",
        cluster.root.display()
    );
    Ok(Config::new(&url)?.with_env(|name| std::env::var(name).ok())?)
}

/// Settings for migrations: MIGRATION_DATABASE_URL when set, else the app's.
pub async fn migration_config() -> anyhow::Result<Config> {
    Ok(app_config().await?.for_migrations()?)
}

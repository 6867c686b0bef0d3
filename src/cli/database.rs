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
    // The password stays out of output that ends up in logs; `pgbake dev status` prints
    // the whole URL for whoever needs to connect.
    errln!(
        "DATABASE_URL is not set: using the local PostgreSQL in {} ({}; `pgbake dev status` prints its URL)",
        cluster.root.display(),
        without_password(&url)
    );
    Ok(Config::new(&url)?.with_env(|name| std::env::var(name).ok())?)
}

/// `url` with its password replaced by `***`.
fn without_password(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if scheme + 3 < at => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Settings for migrations: MIGRATION_DATABASE_URL when set, else the app's.
pub async fn migration_config() -> anyhow::Result<Config> {
    Ok(app_config().await?.for_migrations()?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_local_url_is_shown_without_its_password() {
        assert_eq!(
            super::without_password(
                "postgres://postgres:s3cret@127.0.0.1:54329/pgbake?sslmode=disable"
            ),
            "postgres://postgres:***@127.0.0.1:54329/pgbake?sslmode=disable"
        );
        assert_eq!(
            super::without_password("postgres://postgres@127.0.0.1/db"),
            "postgres://postgres@127.0.0.1/db"
        );
    }
}

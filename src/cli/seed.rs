//! `pgbake seed`: idempotent sample data from sql/seeds/, with a hashed admin password.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use argon2::password_hash::{PasswordHasher, SaltString};
use clap::Args;

use crate::Config;

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Folder of seed files, run in file-name order in one transaction [default: <--sql>/seeds].
    #[arg(long)]
    dir: Option<PathBuf>,
}

pub async fn run(args: SeedArgs, project: &super::Project) -> anyhow::Result<ExitCode> {
    let config = super::database::app_config().await?;
    let dir = args.dir.unwrap_or_else(|| project.seeds());
    outln!("{}", seed(&config, &dir).await?);
    Ok(ExitCode::SUCCESS)
}

/// Runs every `*.sql` file of `dir` in one transaction; returns a summary line (with the
/// generated admin password the first time, when PGBAKE_ADMIN_PASSWORD is unset).
pub async fn seed(config: &Config, dir: &Path) -> anyhow::Result<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the seed folder {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    if files.is_empty() {
        anyhow::bail!("no .sql files in {}; nothing was seeded", dir.display());
    }
    let email = std::env::var("PGBAKE_ADMIN_EMAIL").unwrap_or_else(|_| "admin@example.com".into());
    let mut client = crate::connect_direct(config).await?;
    client
        .query_opt("SELECT 1 FROM users WHERE email = $1", &[&email])
        .await
        .context("cannot read the users table: run `pgbake migrate` before seeding")?;
    let (password, generated) = match std::env::var("PGBAKE_ADMIN_PASSWORD") {
        Ok(password) if !password.is_empty() => (password, false),
        _ => (random_password(), true),
    };
    let hash = hash_password(&password)?;
    // Sample users get a hash of a random password nobody knows: they cannot log in.
    let locked = hash_password(&random_password())?;
    let before = row_count(&client).await?;
    let transaction = client.transaction().await?;
    transaction
        .execute(
            "SELECT set_config('pgbake.admin_email', $1, true), set_config('pgbake.admin_password_hash', $2, true), \
             set_config('pgbake.locked_password_hash', $3, true)",
            &[&email, &hash, &locked],
        )
        .await?;
    for file in &files {
        let sql = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        transaction.batch_execute(&sql).await.map_err(|e| {
            anyhow::anyhow!(
                "seed file {} failed: {}",
                file.display(),
                crate::error::describe_db_error(&e)
            )
        })?;
    }
    // The admin is ours only when the row holds this run's hash (salted, so unique): when
    // it existed, or a concurrent seed inserted it first, this run created nothing.
    let created_admin = transaction
        .query_opt(
            "SELECT 1 FROM users WHERE email = $1 AND password_hash = $2",
            &[&email, &hash],
        )
        .await?
        .is_some();
    transaction.commit().await?;
    let after = row_count(&client).await?;
    let mut summary = format!(
        "seeded {} from {} file(s): {} row(s) added",
        config.display_target(),
        files.len(),
        after - before
    );
    if created_admin {
        if generated {
            summary.push_str(&format!(
                "\nadmin user {email} created with password: {password}\n(shown only this once; set PGBAKE_ADMIN_PASSWORD to choose it)"
            ));
        } else {
            summary.push_str(&format!(
                "\nadmin user {email} created with the password from PGBAKE_ADMIN_PASSWORD"
            ));
        }
    }
    Ok(summary)
}

/// Rows in every table of the public schema (to report what a seed added).
async fn row_count(client: &tokio_postgres::Client) -> anyhow::Result<i64> {
    let tables: Vec<String> = client
        .query(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'refinery_schema_history'",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if tables.is_empty() {
        return Ok(0);
    }
    let sql = tables
        .iter()
        .map(|t| format!("(SELECT count(*) FROM {t})"))
        .collect::<Vec<_>>()
        .join(" + ");
    Ok(client
        .query_one(&format!("SELECT {sql}"), &[])
        .await?
        .get(0))
}

fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(uuid::Uuid::new_v4().as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot make a password salt: {e}"))?;
    Ok(argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("cannot hash the admin password: {e}"))?
        .to_string())
}

/// 20 characters from an unambiguous alphabet (~100 bits).
fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    // Random v4 UUIDs come from the operating system's generator.
    let bytes: Vec<u8> = [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()]
        .iter()
        .flat_map(|u| u.into_bytes())
        .take(20)
        .collect();
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

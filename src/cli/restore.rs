//! `pgbake restore`: checks the whole file before anything changes, then restores in one
//! transaction (drops included), so a failure leaves the database exactly as it was.
//!
//! - plain dumps (`.sql.gz`, `.sql`): fully decompressed and checked (pg_dump's closing
//!   line, no psql meta-command, no transaction control), then run from a private copy by
//!   `psql --single-transaction -v ON_ERROR_STOP=1` in psql's restricted mode;
//! - custom dumps (`.dump`): read whole by `pg_restore` first, then `pg_restore
//!   --single-transaction --exit-on-error`;
//! - `--clean` replaces only the objects the backup holds (its own `DROP … IF EXISTS`), as
//!   `pg_restore --clean --if-exists` does; other schemas and tables stay.

use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};

use anyhow::Context;
use clap::Args;

use super::dumpfile::{PlainDump, check_plain_dump};
use crate::Config;

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file made by `pgbake backup` (`.sql.gz`, `.sql` or `.dump`).
    file: PathBuf,
    /// Confirm the restore.
    #[arg(long)]
    yes: bool,
    /// Replace the objects the backup holds when they exist (otherwise the database must be
    /// empty); everything else in the database stays. Never under PGBAKE_ENV=production.
    #[arg(long)]
    clean: bool,
}

/// A backup file, checked and ready to run.
enum Checked {
    /// A plain dump, copied (decompressed, pg_dump's `\restrict` lines blanked) into a
    /// private folder.
    Plain { sql: PathBuf, dump: PlainDump },
    /// A custom-format archive pg_restore read from end to end.
    Archive,
}

/// A 0700 folder in the temp folder, deleted on drop.
struct PrivateDir(PathBuf);

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    if args.clean {
        super::refuse_in_production("restore with --clean (it replaces the database's objects)")?;
    }
    if !args.yes {
        anyhow::bail!("refusing to restore without --yes; nothing was changed");
    }
    if !args.file.is_file() {
        anyhow::bail!("backup file {} does not exist", args.file.display());
    }
    let private = private_dir()?;
    let checked = check_file(&args.file, &private.0).map_err(|e| {
        e.context(format!(
            "{} cannot be restored; nothing was changed",
            args.file.display()
        ))
    })?;
    let config = super::database::migration_config().await?;
    let relations = count_relations(&config).await?;
    if relations > 0 && !args.clean {
        anyhow::bail!(
            "{} is not empty ({relations} tables, views or sequences); restore into an empty database \
             (`pgbake db create` a new one) or pass --clean to replace the objects the backup holds; nothing was changed",
            config.display_target()
        );
    }
    if let Checked::Plain { dump, .. } = &checked
        && relations > 0
        && !dump.has_drops
    {
        anyhow::bail!(
            "{} holds no DROP statements (it was not made by `pgbake backup` or `pg_dump --clean`), so --clean cannot \
             replace {}'s objects with it; restore it into an empty database instead; nothing was changed",
            args.file.display(),
            config.display_target()
        );
    }
    let output = match &checked {
        Checked::Plain { sql, .. } => run_psql(&config, sql)?,
        Checked::Archive => run_pg_restore(&config, &args.file, relations > 0)?,
    };
    check_child(&output, "restore").map_err(|e| {
        e.context(format!(
            "restoring {} failed and was rolled back: {} is as it was",
            args.file.display(),
            config.display_target()
        ))
    })?;
    outln!(
        "restored {} into {}",
        args.file.display(),
        config.display_target()
    );
    Ok(ExitCode::SUCCESS)
}

fn private_dir() -> anyhow::Result<PrivateDir> {
    let dir = std::env::temp_dir().join(format!(
        "pgbake-restore-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(PrivateDir(dir))
}

/// Reads and checks the whole file; by its content, not its name.
fn check_file(file: &Path, private: &Path) -> anyhow::Result<Checked> {
    let mut head = [0u8; 5];
    let read = std::fs::File::open(file)
        .and_then(|mut f| f.read(&mut head))
        .with_context(|| format!("cannot read {}", file.display()))?;
    if read == 0 {
        anyhow::bail!("the file is empty");
    }
    if &head[..read] == b"PGDMP" {
        check_archive(file)?;
        return Ok(Checked::Archive);
    }
    let gzip = head[..read].starts_with(&[0x1f, 0x8b]);
    if !gzip && file.to_string_lossy().ends_with(".gz") {
        anyhow::bail!("the file is named .gz but is not gzip-compressed");
    }
    let mut text = Vec::new();
    let source = std::fs::File::open(file)?;
    if gzip {
        flate2::read::MultiGzDecoder::new(std::io::BufReader::new(source))
            .read_to_end(&mut text)
            .context("the gzip data is damaged or cut short")?;
    } else {
        std::io::BufReader::new(source).read_to_end(&mut text)?;
    }
    let dump = check_plain_dump(&text).map_err(|e| anyhow::anyhow!(e))?;
    let sql = private.join("restore.sql");
    write_private(&sql, &blank_restrict_lines(&text, &dump))?;
    Ok(Checked::Plain { sql, dump })
}

/// pg_dump's own `\restrict`/`\unrestrict` lines, blanked: psql runs the file in a
/// restricted mode of pgbake's own key instead, which refuses every meta-command.
fn blank_restrict_lines(text: &[u8], dump: &PlainDump) -> Vec<u8> {
    let Some(key) = &dump.restrict_key else {
        return text.to_vec();
    };
    let restrict = format!("\\restrict {key}");
    let unrestrict = format!("\\unrestrict {key}");
    let mut out = Vec::with_capacity(text.len());
    for (index, line) in text.split(|b| *b == b'\n').enumerate() {
        if index > 0 {
            out.push(b'\n');
        }
        if line != restrict.as_bytes() && line != unrestrict.as_bytes() {
            out.extend_from_slice(line);
        }
    }
    out
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `pg_restore --list`, then a full read (every data block decompressed) into nowhere.
fn check_archive(file: &Path) -> anyhow::Result<()> {
    let pg_restore = crate::cluster::find_bin_dir()?.join("pg_restore");
    for args in [&["--list"][..], &["--file=/dev/null"][..]] {
        let output = crate::libpq::bare_command(&pg_restore)
            .args(args)
            .arg(file)
            .stdin(Stdio::null())
            .output()
            .context("cannot run pg_restore")?;
        if !output.status.success() {
            anyhow::bail!(
                "pg_restore cannot read the archive: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
    }
    Ok(())
}

/// Tables, views, sequences and foreign tables outside the system schemas.
async fn count_relations(config: &Config) -> anyhow::Result<i64> {
    let client = crate::connect_direct(config).await?;
    Ok(client
        .query_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_temp%' \
             AND c.relkind IN ('r', 'v', 'm', 'S', 'p', 'f')",
            &[],
        )
        .await?
        .get(0))
}

fn run_psql(config: &Config, sql: &Path) -> anyhow::Result<std::process::Output> {
    let key = uuid::Uuid::new_v4().simple().to_string();
    let mut psql = crate::libpq::libpq_command(config, "psql")?;
    psql.command
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"])
        .arg("-c")
        .arg(format!("\\restrict {key}"))
        .arg("-f")
        .arg(sql)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .output()
        .context("cannot run psql")
}

fn run_pg_restore(
    config: &Config,
    file: &Path,
    clean: bool,
) -> anyhow::Result<std::process::Output> {
    let mut pg_restore = crate::libpq::libpq_command(config, "pg_restore")?;
    pg_restore
        .command
        .args(["--no-owner", "--single-transaction", "--exit-on-error"]);
    if clean {
        pg_restore.command.args(["--clean", "--if-exists"]);
    }
    pg_restore
        .command
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .context("cannot run pg_restore")
}

/// An error with the child's message (and what to do about the common ones) when it failed.
pub fn check_child(output: &std::process::Output, what: &str) -> anyhow::Result<()> {
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut message = format!("{what} failed ({}): {}", output.status, stderr.trim());
    if stderr.contains("role \"") && stderr.contains("does not exist") {
        message.push_str(
            "; the backup grants privileges to a role this server lacks: create the role, then restore again",
        );
    }
    if stderr.contains("invalid command \\restrict") {
        message.push_str(
            "; this psql cannot refuse meta-commands (\\restrict needs PostgreSQL client 13.22, 14.19, 15.14, 16.10, 17.6 or newer): upgrade the client",
        );
    }
    anyhow::bail!(message)
}

//! `pgbake backup` and `pgbake restore`: pg_dump into dated files, pruned by age; restore
//! only into an empty database unless `--clean`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use clap::{Args, ValueEnum};

use crate::Config;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Folder for the backup files.
    #[arg(default_value = "backups")]
    dir: PathBuf,
    /// Delete backups of this database older than this many days, in that folder only.
    #[arg(long, default_value_t = 7, value_name = "DAYS")]
    keep_days: u64,
    /// Plain SQL compressed with gzip, or pg_dump's custom format.
    #[arg(long, value_enum, default_value_t = BackupFormat::SqlGz)]
    format: BackupFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackupFormat {
    /// `<db>_backup_<timestamp>.sql.gz`
    SqlGz,
    /// `<db>_backup_<timestamp>.dump` (for pg_restore)
    Custom,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file made by `pgbake backup` (`.sql.gz`, `.sql` or `.dump`).
    file: PathBuf,
    /// Confirm the restore.
    #[arg(long)]
    yes: bool,
    /// Drop everything in the target database first (otherwise it must be empty).
    #[arg(long)]
    clean: bool,
}

pub async fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    let config = super::database::migration_config().await?;
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let database = config.database().to_string();
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let extension = match args.format {
        BackupFormat::SqlGz => "sql.gz",
        BackupFormat::Custom => "dump",
    };
    let path = args
        .dir
        .join(format!("{database}_backup_{stamp}.{extension}"));
    let partial = path.with_extension(format!("{extension}.partial"));
    let result = dump(&config, args.format, &partial);
    if let Err(error) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(error);
    }
    std::fs::rename(&partial, &path)
        .with_context(|| format!("cannot rename {}", partial.display()))?;
    let size = std::fs::metadata(&path)?.len();
    println!(
        "backed up {} to {} ({})",
        config.display_target(),
        path.display(),
        human_size(size)
    );
    for old in prune(
        &args.dir,
        &database,
        &path,
        Duration::from_secs(args.keep_days * 86_400),
    )? {
        println!(
            "deleted {} (older than {} days)",
            old.display(),
            args.keep_days
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn dump(config: &Config, format: BackupFormat, target: &Path) -> anyhow::Result<()> {
    let pg_dump = crate::cluster::find_bin_dir()?.join("pg_dump");
    let mut command = Command::new(&pg_dump);
    command.args([
        "--no-owner",
        "--no-privileges",
        "--dbname",
        &config.database_url,
    ]);
    if format == BackupFormat::Custom {
        command.args(["--format=custom", "--file"]).arg(target);
        let output = command
            .stdin(Stdio::null())
            .output()
            .context("cannot run pg_dump")?;
        check(&output, "pg_dump")?;
        return Ok(());
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {}", pg_dump.display()))?;
    let file = std::fs::File::create(target)
        .with_context(|| format!("cannot create {}", target.display()))?;
    let mut encoder = flate2::write::GzEncoder::new(
        std::io::BufWriter::new(file),
        flate2::Compression::default(),
    );
    let mut stdout = child.stdout.take().expect("stdout is piped");
    std::io::copy(&mut stdout, &mut encoder).context("cannot write the backup")?;
    encoder.finish()?.flush()?;
    let output = child.wait_with_output()?;
    check(&output, "pg_dump")
}

/// Deletes `<database>_backup_*` files in `dir` (only there) older than `keep`, never `newest`.
fn prune(
    dir: &Path,
    database: &str,
    newest: &Path,
    keep: Duration,
) -> anyhow::Result<Vec<PathBuf>> {
    let prefix = format!("{database}_backup_");
    let now = SystemTime::now();
    let mut deleted = Vec::new();
    for entry in std::fs::read_dir(dir)?.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours =
            name.starts_with(&prefix) && (name.ends_with(".sql.gz") || name.ends_with(".dump"));
        if !ours || path == newest || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let modified = entry.metadata()?.modified()?;
        if now.duration_since(modified).unwrap_or_default() > keep {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot delete {}", path.display()))?;
            deleted.push(path);
        }
    }
    deleted.sort();
    Ok(deleted)
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    if !args.yes {
        anyhow::bail!("refusing to restore without --yes; nothing was changed");
    }
    if !args.file.is_file() {
        anyhow::bail!("backup file {} does not exist", args.file.display());
    }
    let config = super::database::migration_config().await?;
    let client = crate::connect_direct(&config).await?;
    let relations: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%' \
             AND c.relkind IN ('r', 'v', 'm', 'S', 'p', 'f')",
            &[],
        )
        .await?
        .get(0);
    if relations > 0 && !args.clean {
        anyhow::bail!(
            "{} is not empty ({relations} tables, views or sequences); restore into an empty database \
             (`pgbake db create` a new one) or pass --clean to drop everything in it first. Nothing was changed",
            config.display_target()
        );
    }
    if relations > 0 {
        let schemas: Vec<String> = client
            .query(
                "SELECT quote_ident(nspname) FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
                 AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%'",
                &[],
            )
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut sql = String::new();
        for schema in &schemas {
            sql.push_str(&format!("DROP SCHEMA {schema} CASCADE;"));
        }
        sql.push_str("CREATE SCHEMA public;");
        client.batch_execute(&format!("BEGIN;{sql}COMMIT;")).await?;
        println!("dropped everything in {}", config.display_target());
    }
    drop(client);
    let name = args.file.to_string_lossy();
    let bin = crate::cluster::find_bin_dir()?;
    let output = if name.ends_with(".dump") {
        Command::new(bin.join("pg_restore"))
            .args([
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
            ])
            .arg(&config.database_url)
            .arg(&args.file)
            .stdin(Stdio::null())
            .output()
            .context("cannot run pg_restore")?
    } else {
        let mut child = Command::new(bin.join("psql"))
            .args([
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "--single-transaction",
                "--dbname",
            ])
            .arg(&config.database_url)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot run psql")?;
        let file = std::fs::File::open(&args.file)?;
        let mut reader: Box<dyn Read> = if name.ends_with(".gz") {
            Box::new(flate2::read::GzDecoder::new(std::io::BufReader::new(file)))
        } else {
            Box::new(std::io::BufReader::new(file))
        };
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let copied = std::io::copy(&mut reader, &mut stdin);
        drop(stdin);
        let output = child.wait_with_output()?;
        copied.with_context(|| format!("cannot read {}", args.file.display()))?;
        output
    };
    check(&output, "restore")?;
    println!(
        "restored {} into {}",
        args.file.display(),
        config.display_target()
    );
    Ok(ExitCode::SUCCESS)
}

fn check(output: &std::process::Output, what: &str) -> anyhow::Result<()> {
    if output.status.success() {
        return Ok(());
    }
    anyhow::bail!(
        "{what} failed ({}): {}; nothing was committed",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    )
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / (1 << 10) as f64),
        b => format!("{b} bytes"),
    }
}

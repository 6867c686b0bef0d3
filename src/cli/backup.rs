//! `pgbake backup`: pg_dump into a private temporary file, published under a name no other
//! run can take, then old backups of this database (and only those) pruned by age.

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use clap::{Args, ValueEnum};

use crate::Config;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Folder for the backup files (created 0700 when missing).
    #[arg(default_value = "backups")]
    dir: PathBuf,
    /// Delete backups of this database older than this many days (at most 36500), in that
    /// folder only.
    #[arg(long, default_value_t = 7, value_name = "DAYS",
          value_parser = clap::value_parser!(u64).range(0..=MAX_KEEP_DAYS))]
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

/// A hundred years.
const MAX_KEEP_DAYS: u64 = 36_500;
/// A temporary file of a run that is no longer running, untouched this long, is removed.
const STALE_PARTIAL: Duration = Duration::from_secs(60);

pub async fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    let config = super::database::migration_config().await?;
    create_private_dir(&args.dir)?;
    let prefix = file_prefix(config.database());
    for stale in remove_stale_partials(&args.dir, &prefix)? {
        outln!(
            "removed {} (left by a backup that did not finish)",
            stale.display()
        );
    }
    let extension = match args.format {
        BackupFormat::SqlGz => "sql.gz",
        BackupFormat::Custom => "dump",
    };
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let partial = args.dir.join(format!(
        ".{prefix}{stamp}.{extension}.{}-{}.partial",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let result = dump(&config, args.format, &partial);
    let published = result.and_then(|()| publish(&partial, &args.dir, &prefix, &stamp, extension));
    let _ = std::fs::remove_file(&partial);
    let path = published?;
    let size = std::fs::metadata(&path)?.len();
    outln!(
        "backed up {} to {} ({})",
        config.display_target(),
        path.display(),
        human_size(size)
    );
    let keep = Duration::from_secs(args.keep_days * 86_400);
    for old in prune(&args.dir, &prefix, &path, keep)? {
        outln!(
            "deleted {} (older than {} days)",
            old.display(),
            args.keep_days
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `<database>_backup_`, with every byte outside `[A-Za-z0-9_-]` percent-encoded so a
/// database name can neither leave the folder nor look like another database's name.
fn file_prefix(database: &str) -> String {
    let mut prefix = String::new();
    for byte in database.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-' {
            prefix.push(byte as char);
        } else {
            prefix.push_str(&format!("%{byte:02X}"));
        }
    }
    prefix.push_str("_backup_");
    prefix
}

/// Creates `dir` (and missing parents) readable by this user only.
fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.is_dir() {
        let mode = std::fs::metadata(dir)?.permissions().mode();
        if mode & 0o077 != 0 {
            errln!(
                "warning: {} is readable by other users (mode {:o}); backups hold every row and password hash: chmod 700 it",
                dir.display(),
                mode & 0o777
            );
        }
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

/// Runs pg_dump into `target`, a new 0600 file (gzip for `sql-gz`).
fn dump(config: &Config, format: BackupFormat, target: &Path) -> anyhow::Result<()> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(target)
        .with_context(|| format!("cannot create {}", target.display()))?;
    let mut pg_dump = crate::libpq::libpq_command(config, "pg_dump")?;
    // Objects and privileges, no owners; a plain dump drops what it creates first, so
    // `restore --clean` replaces exactly the objects it holds.
    pg_dump.command.arg("--no-owner");
    match format {
        BackupFormat::SqlGz => pg_dump.command.args(["--clean", "--if-exists"]),
        BackupFormat::Custom => pg_dump.command.arg("--format=custom"),
    };
    let mut child = pg_dump
        .command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run pg_dump")?;
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut writer = std::io::BufWriter::new(file);
    let copied = match format {
        BackupFormat::SqlGz => {
            let mut encoder =
                flate2::write::GzEncoder::new(&mut writer, flate2::Compression::default());
            std::io::copy(&mut stdout, &mut encoder).and_then(|_| encoder.finish().map(|_| ()))
        }
        BackupFormat::Custom => std::io::copy(&mut stdout, &mut writer).map(|_| ()),
    };
    let output = child
        .wait_with_output()
        .context("cannot wait for pg_dump")?;
    super::restore::check_child(&output, "pg_dump")?;
    copied.context("cannot write the backup")?;
    let file = writer
        .into_inner()
        .map_err(|e| e.into_error())
        .context("cannot write the backup")?;
    file.sync_all().context("cannot write the backup")?;
    Ok(())
}

/// Gives the finished `partial` its final name `<prefix><stamp>[-N].<extension>`, never
/// replacing a file (a hard link fails when the name is taken; the next number is tried).
fn publish(
    partial: &Path,
    dir: &Path,
    prefix: &str,
    stamp: &str,
    extension: &str,
) -> anyhow::Result<PathBuf> {
    for attempt in 1..1000 {
        let suffix = if attempt == 1 {
            String::new()
        } else {
            format!("-{attempt}")
        };
        let path = dir.join(format!("{prefix}{stamp}{suffix}.{extension}"));
        match std::fs::hard_link(partial, &path) {
            Ok(()) => return Ok(path),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => {
                return Err(error).with_context(|| format!("cannot create {}", path.display()));
            }
        }
    }
    anyhow::bail!("cannot find a free backup file name in {}", dir.display())
}

/// Whether `name` is a backup this tool wrote for the database of `prefix`:
/// `<prefix>YYYYMMDDTHHMMSSZ[-N].sql.gz|dump`, nothing else.
fn is_our_backup(name: &str, prefix: &str) -> bool {
    let Some(rest) = name.strip_prefix(prefix) else {
        return false;
    };
    let Some(stem) = rest
        .strip_suffix(".sql.gz")
        .or_else(|| rest.strip_suffix(".dump"))
    else {
        return false;
    };
    let (stamp, number) = match stem.split_once('-') {
        Some((stamp, number)) => (stamp, Some(number)),
        None => (stem, None),
    };
    let stamp = stamp.as_bytes();
    let stamp_ok = stamp.len() == 16
        && stamp[..8].iter().all(u8::is_ascii_digit)
        && stamp[8] == b'T'
        && stamp[9..15].iter().all(u8::is_ascii_digit)
        && stamp[15] == b'Z';
    let number_ok = number
        .is_none_or(|n| !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()));
    stamp_ok && number_ok
}

/// Deletes this database's backups in `dir` (only there) older than `keep`, never `newest`.
fn prune(dir: &Path, prefix: &str, newest: &Path, keep: Duration) -> anyhow::Result<Vec<PathBuf>> {
    let now = SystemTime::now();
    let mut deleted = Vec::new();
    for entry in std::fs::read_dir(dir)?.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_our_backup(&name, prefix)
            || path == newest
            || !entry.file_type().is_ok_and(|t| t.is_file())
        {
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

/// Removes `.<prefix>….<pid>-<random>.partial` files whose process is gone and which have
/// not changed for a minute (a backup killed before it finished).
fn remove_stale_partials(dir: &Path, prefix: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    let hidden_prefix = format!(".{prefix}");
    for entry in std::fs::read_dir(dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name
            .strip_prefix(&hidden_prefix)
            .and_then(|r| r.strip_suffix(".partial"))
        else {
            continue;
        };
        let pid = rest
            .rsplit_once('.')
            .and_then(|(_, owner)| owner.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok());
        let Some(pid) = pid else { continue };
        let running = Path::new(&format!("/proc/{pid}")).exists();
        let idle = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .is_some_and(|age| age > STALE_PARTIAL);
        if !running && idle && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    Ok(removed)
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / (1 << 10) as f64),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_matches_only_this_tools_names_for_this_database() {
        let prefix = file_prefix("shop");
        for ours in [
            "shop_backup_20240101T000000Z.sql.gz",
            "shop_backup_20240101T000000Z-2.dump",
        ] {
            assert!(is_our_backup(ours, &prefix), "{ours}");
        }
        for other in [
            "shop_backup_20240101T000000Z_legal_hold.sql.gz",
            "shop_backup_manual.sql.gz",
            "shop_backup_20240101T000000Z.sql.gz.partial",
            "shop_x_backup_20240101T000000Z.sql.gz",
            "shop_backup_2024010T000000Z.sql.gz",
            "shop_backup_20240101T000000Z.sql",
        ] {
            assert!(!is_our_backup(other, &prefix), "{other}");
        }
        assert_eq!(file_prefix("../a b"), "%2E%2E%2Fa%20b_backup_");
    }
}

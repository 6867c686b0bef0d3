//! `pgbake migrate import --from <tool> DIR`: turns another tool's migration folder into
//! pgbake's layout in `sql/migrations/`, checking everything before writing anything.
//!
//! Each imported up script starts with `-- pgbake:imported-from <tool> <version>` (after
//! `-- pgbake:no-transaction` when there is one): `pgbake migrate adopt` reads it to match the
//! other tool's history with pgbake's versions, which may differ (pgbake's are positive,
//! unique and in the tool's order).

mod read;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use pgbake_codegen::{Direction, migration_file_name, parse_migration_file_name, suggest_name};

use read::{Imported, ImportedScript, Order};

/// The line that names the tool and version an imported migration came from.
pub const IMPORTED_MARKER: &str = "-- pgbake:imported-from";

/// A migration tool pgbake imports from and adopts databases of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Tool {
    /// sqlx (`<version>_<name>.sql`, `.up.sql`/`.down.sql`; `_sqlx_migrations`).
    Sqlx,
    /// diesel (`<YYYY-MM-DD-HHMMSS>_<name>/up.sql`, `down.sql`; `__diesel_schema_migrations`).
    Diesel,
    /// refinery (`V<version>__<name>.sql`, `U…`; `refinery_schema_history`).
    Refinery,
    /// dbmate (`<version>_<name>.sql` with `-- migrate:up`/`-- migrate:down`; `schema_migrations`).
    Dbmate,
    /// goose (`<version>_<name>.sql` with `-- +goose Up`/`-- +goose Down`; `goose_db_version`).
    Goose,
}

impl Tool {
    /// The tool's name as typed after `--from`.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Sqlx => "sqlx",
            Tool::Diesel => "diesel",
            Tool::Refinery => "refinery",
            Tool::Dbmate => "dbmate",
            Tool::Goose => "goose",
        }
    }

    fn from_name(name: &str) -> Option<Tool> {
        Tool::value_variants()
            .iter()
            .copied()
            .find(|tool| tool.name() == name)
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The tool that wrote the folder.
    #[arg(long = "from", value_enum, value_name = "TOOL")]
    from: Tool,
    /// The other tool's migration folder (e.g. `migrations`).
    dir: PathBuf,
    /// Folder holding pgbake's `migrations/` (written) and `pgbake.toml` (the lint baseline).
    #[arg(long, default_value = "sql")]
    sql: PathBuf,
    /// Do not set the lint baseline to the newest imported version.
    #[arg(long)]
    no_lint_baseline: bool,
    /// Print what would be written; write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// A pgbake migration to write.
#[derive(Debug)]
struct Planned {
    version: i64,
    name: String,
    up: String,
    down: Option<String>,
    notes: Vec<String>,
}

pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let folder = read::read_folder(args.from, &args.dir)?;
    let planned = plan(args.from, &folder.migrations);
    let target = args.sql.join("migrations");
    let files = files_to_write(&planned, &target)?;
    for skipped in &folder.skipped {
        outln!("skipped {skipped}");
    }
    for migration in &planned {
        for note in &migration.notes {
            outln!("note: V{}__{}: {note}", migration.version, migration.name);
        }
    }
    let newest = planned.last().map(|m| m.version).unwrap_or_default();
    if args.dry_run {
        for (path, _) in &files {
            outln!("would write {}", path.display());
        }
        outln!(
            "dry run: {} {} migration(s) would be imported; nothing was written",
            planned.len(),
            args.from.name()
        );
        return Ok(ExitCode::SUCCESS);
    }
    write_all(&target, &files)?;
    for (path, _) in &files {
        outln!("wrote {}", path.display());
    }
    let downs = planned.iter().filter(|m| m.down.is_some()).count();
    outln!(
        "imported {} {} migration(s) into {} ({downs} with a down script)",
        planned.len(),
        args.from.name(),
        target.display()
    );
    if !args.no_lint_baseline {
        let (config, baseline) = pgbake_codegen::raise_lint_baseline(&args.sql, newest)
            .with_context(|| format!("the migrations were written, but the lint baseline could not be: set `lint_baseline = {newest}` in {} yourself", args.sql.join("pgbake.toml").display()))?;
        outln!(
            "lint baseline: {} (in {}); migrations up to it are not linted",
            baseline,
            config.display()
        );
    }
    outln!(
        "next: build (`cargo build` or `pgbake lint`), then `pgbake migrate adopt --from {}` on each database {} migrated",
        args.from.name(),
        args.from.name()
    );
    Ok(ExitCode::SUCCESS)
}

/// pgbake's version for each migration: the tool's number (a diesel or dbmate timestamp's
/// first 14 digits, `YYYYMMDDHHMMSS` like `pgbake migrate new`), raised where needed so
/// versions are positive and strictly increase in the tool's order.
fn plan(tool: Tool, migrations: &[Imported]) -> Vec<Planned> {
    let mut previous = 0i64;
    migrations
        .iter()
        .map(|migration| {
            let mut notes = Vec::new();
            let candidate = match &migration.order {
                Order::Number(number) => *number,
                Order::Text(digits) => digits[..digits.len().min(14)].parse().unwrap_or(0),
            };
            let version = candidate.max(previous + 1).max(1);
            if version.to_string() != migration.tool_version {
                notes.push(format!(
                    "{} version {} becomes V{version}",
                    tool.name(),
                    migration.tool_version
                ));
            }
            previous = version;
            let mut name = suggest_name(&migration.name);
            if name.is_empty() {
                name = "migration".into();
            }
            // File names are limited to 255 bytes, `.down.sql` and the version included.
            name.truncate(255 - migration_file_name(version, "", Direction::Down).len());
            let name = name.trim_end_matches('_').to_string();
            if name != migration.name {
                notes.push(format!("name `{}` becomes `{name}`", migration.name));
            }
            let provenance = format!(
                "{IMPORTED_MARKER} {} {}\n",
                tool.name(),
                migration.tool_version
            );
            let up = compose(&migration.up, &provenance, &mut notes, "up");
            let down = migration.down.as_ref().and_then(|down| {
                if pgbake_codegen::has_statements(&down.text) {
                    Some(compose(down, "", &mut notes, "down"))
                } else {
                    notes.push(format!(
                        "{} has no statement: no down script",
                        down.origin.display()
                    ));
                    None
                }
            });
            Planned {
                version,
                name,
                up,
                down,
                notes,
            }
        })
        .collect()
}

/// The pgbake script: the no-transaction marker first, then the provenance line, then the SQL.
fn compose(
    script: &ImportedScript,
    provenance: &str,
    notes: &mut Vec<String>,
    which: &str,
) -> String {
    let mut text = String::new();
    if script.no_transaction {
        text.push_str(pgbake_codegen::NO_TRANSACTION_MARKER);
        text.push('\n');
        notes.push(format!("{which} script runs outside a transaction"));
    }
    text.push_str(provenance);
    text.push_str(&script.text);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    if !pgbake_codegen::has_statements(&script.text) {
        // pgbake refuses an empty migration; keep the version with a statement that does nothing.
        text.push_str("SELECT 1; -- the original script has no statement\n");
        notes.push(format!(
            "{} has no statement: `SELECT 1;` keeps its version",
            script.origin.display()
        ));
    }
    text
}

/// Every file to write, after checking that none collides with what `target` holds.
fn files_to_write(planned: &[Planned], target: &Path) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let mut existing: std::collections::BTreeMap<i64, String> = Default::default();
    match std::fs::read_dir(target) {
        Ok(entries) => {
            for entry in entries {
                let entry = entry.with_context(|| format!("cannot read {}", target.display()))?;
                let file_name = entry.file_name().to_string_lossy().into_owned();
                if let Ok(parsed) = parse_migration_file_name(&file_name) {
                    existing.insert(parsed.version, file_name);
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => anyhow::bail!("cannot read {}: {e}; nothing was written", target.display()),
    }
    let mut collisions = Vec::new();
    let mut files = Vec::new();
    for migration in planned {
        if let Some(file) = existing.get(&migration.version) {
            collisions.push(format!(
                "V{} ({}) collides with {}",
                migration.version, migration.name, file
            ));
        }
        files.push((
            target.join(migration_file_name(
                migration.version,
                &migration.name,
                Direction::Up,
            )),
            migration.up.clone(),
        ));
        if let Some(down) = &migration.down {
            files.push((
                target.join(migration_file_name(
                    migration.version,
                    &migration.name,
                    Direction::Down,
                )),
                down.clone(),
            ));
        }
    }
    for (path, _) in &files {
        if path.exists() && !existing.values().any(|f| path.ends_with(f)) {
            collisions.push(format!("{} exists", path.display()));
        }
    }
    if !collisions.is_empty() {
        anyhow::bail!(
            "{} already holds these versions; nothing was written (import into an empty folder, or move the existing migrations):\n  {}",
            target.display(),
            collisions.join("\n  ")
        );
    }
    Ok(files)
}

/// Writes every file, or none: a failure removes what this call wrote.
fn write_all(target: &Path, files: &[(PathBuf, String)]) -> anyhow::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(target)
        .with_context(|| format!("cannot create {}; nothing was written", target.display()))?;
    let mut written: Vec<&Path> = Vec::new();
    for (path, text) in files {
        let result = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|mut file| file.write_all(text.as_bytes()));
        if let Err(error) = result {
            let _ = std::fs::remove_file(path);
            for path in &written {
                let _ = std::fs::remove_file(path);
            }
            anyhow::bail!(
                "cannot write {}: {error}; removed the {} file(s) written before it, nothing was imported",
                path.display(),
                written.len()
            );
        }
        written.push(path);
    }
    Ok(())
}

/// The tool and version an imported up script names on its provenance line, if any.
pub fn imported_from(sql: &str) -> Option<(Tool, &str)> {
    sql.lines().take(3).find_map(|line| {
        let rest = line.strip_prefix(IMPORTED_MARKER)?;
        let mut words = rest.split_whitespace();
        let tool = Tool::from_name(words.next()?)?;
        Some((tool, words.next()?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imported(tool_version: &str, order: Order, name: &str) -> Imported {
        let script = ImportedScript {
            text: "SELECT 1;\n".into(),
            no_transaction: false,
            origin: PathBuf::from("x"),
        };
        Imported {
            tool_version: tool_version.into(),
            order,
            name: name.into(),
            up: script.clone(),
            down: None,
        }
    }

    #[test]
    fn versions_stay_positive_unique_and_in_order() {
        let plan = plan(
            Tool::Diesel,
            &[
                imported(
                    "00000000000000",
                    Order::Text("00000000000000".into()),
                    "diesel_initial_setup",
                ),
                imported(
                    "20190226002946",
                    Order::Text("20190226002946".into()),
                    "create_user",
                ),
                imported(
                    "202606021220080000",
                    Order::Text("202606021220080000".into()),
                    "follow-accept-id",
                ),
                imported(
                    "202606021220080001",
                    Order::Text("202606021220080001".into()),
                    "Second",
                ),
            ],
        );
        let versions: Vec<(i64, &str)> =
            plan.iter().map(|m| (m.version, m.name.as_str())).collect();
        assert_eq!(
            versions,
            [
                (1, "diesel_initial_setup"),
                (20190226002946, "create_user"),
                (20260602122008, "follow_accept_id"),
                (20260602122009, "second"),
            ]
        );
        assert_eq!(
            imported_from(&plan[2].up),
            Some((Tool::Diesel, "202606021220080000"))
        );
    }
}

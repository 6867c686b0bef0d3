//! `pgbake migrate`: apply, status, new, down, baseline, check, import, adopt.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};
use pgbake_codegen::{Direction, migration_file_name, suggest_name, validate_name};

use super::Project;
use crate::{Migrator, RevertTarget};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct MigrateCommand {
    #[command(subcommand)]
    command: Option<MigrateSubcommand>,
    #[command(flatten)]
    apply: ApplyArgs,
}

#[derive(Debug, Subcommand)]
enum MigrateSubcommand {
    /// Show every migration: applied or pending, when, and any problem (exit 1 on a problem).
    Status(StatusArgs),
    /// Create sql/migrations/V<UTC timestamp>__<name>.sql and its .down.sql.
    New(NewArgs),
    /// Revert applied migrations with their .down.sql scripts, newest first.
    Down(DownArgs),
    /// Mark an existing database as migrated up to a version without running those files.
    Baseline(BaselineArgs),
    /// On scratch databases: run up, down, up for every migration and compare schemas, and
    /// compare every upgrade path with a fresh install (exit 1 on a difference).
    Check,
    /// Write the migration from what sql/migrations/ leave to what sql/schema/ declares
    /// (no database; --check lists differences and exits 1).
    Diff(super::schema_diff::DiffArgs),
    /// List what differs between DATABASE_URL and what the migrations make (exit 1 on drift).
    Drift(super::schema_diff::DriftArgs),
    /// Convert another tool's migration folder (sqlx, diesel, refinery, dbmate, goose) into
    /// sql/migrations/.
    Import(super::import::ImportArgs),
    /// Take over a database another tool migrated: record its applied migrations in pgbake's
    /// history, so `pgbake migrate` applies only what is new.
    Adopt(super::adopt::AdoptArgs),
}

#[derive(Debug, Args)]
struct ApplyArgs {
    /// Apply nothing newer than this version.
    #[arg(long, value_name = "VERSION")]
    target: Option<i64>,
    /// Print the plan and the SQL of each pending migration; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Apply pending migrations older than the newest applied one instead of refusing.
    #[arg(long)]
    allow_out_of_order: bool,
    /// Seconds to wait for another process that is migrating the same database.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    lock_timeout: u64,
}

#[derive(Debug, Args)]
struct StatusArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct NewArgs {
    /// Migration name: lowercase letters, digits and `_`.
    name: String,
    /// Folder to create the files in [default: <--sql>/migrations].
    #[arg(long)]
    dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct DownTarget {
    /// Revert every migration newer than this version, which must be applied.
    #[arg(long, value_name = "VERSION", allow_negative_numbers = true)]
    to: Option<i64>,
    /// Revert the newest N migrations.
    #[arg(long, value_name = "N")]
    steps: Option<usize>,
    /// Revert every applied migration.
    #[arg(long)]
    all: bool,
}

#[derive(Debug, Args)]
struct DownArgs {
    #[command(flatten)]
    target: DownTarget,
    /// Print what would be reverted; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Confirm a revert of more than one migration.
    #[arg(long)]
    yes: bool,
    /// Seconds to wait for another process that is migrating the same database.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    lock_timeout: u64,
}

#[derive(Debug, Args)]
struct BaselineArgs {
    /// Newest version the database already has.
    version: i64,
}

pub async fn run(command: MigrateCommand, project: &Project) -> anyhow::Result<ExitCode> {
    match command.command {
        None => apply(command.apply, project).await,
        Some(MigrateSubcommand::Status(args)) => status(args, project).await,
        Some(MigrateSubcommand::New(args)) => new(args, project),
        Some(MigrateSubcommand::Down(args)) => down(args, project).await,
        Some(MigrateSubcommand::Baseline(args)) => baseline(args, project).await,
        Some(MigrateSubcommand::Check) => check(project).await,
        Some(MigrateSubcommand::Diff(args)) => super::schema_diff::diff(args, &project.sql),
        Some(MigrateSubcommand::Drift(args)) => {
            super::schema_diff::drift(args, project.migrations()?).await
        }
        Some(MigrateSubcommand::Import(args)) => super::import::run(args),
        Some(MigrateSubcommand::Adopt(args)) => {
            super::adopt::run(args, project.migrations()?).await
        }
    }
}

async fn apply(args: ApplyArgs, project: &Project) -> anyhow::Result<ExitCode> {
    let config = super::database::migration_config().await?;
    let migrations = project.migrations()?;
    let mut client = crate::connect_direct(&config).await?;
    let migrator = Migrator::new(migrations)
        .allow_out_of_order(args.allow_out_of_order)
        .lock_timeout(Duration::from_secs(args.lock_timeout))
        .target(args.target);
    if args.dry_run {
        let plan = migrator.plan(&client).await?;
        if plan.is_empty() {
            outln!("{}: nothing to apply (dry run)", config.display_target());
        }
        for migration in &plan {
            let marker = if migration.up.no_transaction {
                " (no transaction)"
            } else {
                ""
            };
            outln!(
                "-- would apply {}{marker}\n{}\n",
                migration.label(),
                migration.up.sql.trim_end()
            );
        }
        outln!(
            "dry run: {} migration(s) pending; nothing was changed",
            plan.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut applied_count = 0;
    let report = migrator
        .run_on_with_progress(&mut client, |applied| {
            applied_count += 1;
            outln!(
                "applied V{}__{} in {:.1} ms",
                applied.version,
                applied.name,
                applied.duration.as_secs_f64() * 1000.0
            );
        })
        .await;
    let report = match report {
        Ok(report) => report,
        Err(error) if applied_count > 0 => {
            return Err(anyhow::Error::new(error).context(format!(
                "{applied_count} migration(s) were applied before this one (listed above) and stay applied"
            )));
        }
        Err(error) => return Err(error.into()),
    };
    let total = report.already_applied + report.applied.len();
    if report.applied.is_empty() {
        outln!(
            "{} is up to date ({total} migrations applied)",
            config.display_target()
        );
    } else {
        outln!(
            "{}: {} migration(s) applied, {total} in total",
            config.display_target(),
            report.applied.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn status(args: StatusArgs, project: &Project) -> anyhow::Result<ExitCode> {
    let config = super::database::migration_config().await?;
    let migrations = project.migrations()?;
    let client = crate::connect_direct(&config).await?;
    let rows = crate::migration_status(&client, migrations).await?;
    let problems = rows.iter().filter(|r| r.problem.is_some()).count();
    if args.json {
        let json: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "version": r.version,
                    "name": r.name,
                    "state": if r.applied_on.is_some() { "applied" } else { "pending" },
                    "applied_on": r.applied_on,
                    "has_down": r.has_down,
                    "problem": r.problem.map(|p| p.as_str()),
                })
            })
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "migrations": json, "problems": problems })
            )?
        );
    } else {
        let name_width = rows.iter().map(|r| r.name.len()).max().unwrap_or(4).max(4);
        let version_width = rows
            .iter()
            .map(|r| r.version.to_string().len())
            .max()
            .unwrap_or(7)
            .max(7);
        outln!(
            "{:<version_width$}  {:<name_width$}  {:<8}  {:<27}  PROBLEM",
            "VERSION",
            "NAME",
            "STATE",
            "APPLIED AT"
        );
        for r in &rows {
            outln!(
                "{:<version_width$}  {:<name_width$}  {:<8}  {:<27}  {}",
                r.version,
                r.name,
                if r.applied_on.is_some() {
                    "applied"
                } else {
                    "pending"
                },
                r.applied_on.as_deref().unwrap_or("-"),
                r.problem.map_or("", |p| p.as_str())
            );
        }
        let pending = rows.iter().filter(|r| r.applied_on.is_none()).count();
        outln!(
            "{}: {} applied, {pending} pending, {problems} problem(s)",
            config.display_target(),
            rows.len() - pending
        );
    }
    Ok(if problems > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn new(args: NewArgs, project: &Project) -> anyhow::Result<ExitCode> {
    let dir = args.dir.unwrap_or_else(|| project.sql.join("migrations"));
    if let Err(error) = validate_name(&args.name) {
        let fixed = suggest_name(&args.name);
        anyhow::bail!(
            "{error}; nothing was created{}",
            if fixed.is_empty() {
                String::new()
            } else {
                format!(" (try `pgbake migrate new {fixed}`)")
            }
        );
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut version: i64 = chrono::Utc::now()
        .format("%Y%m%d%H%M%S")
        .to_string()
        .parse()?;
    // Two migrations created in the same second get consecutive versions.
    let taken = |version: i64| -> anyhow::Result<bool> {
        let prefix = format!("V{version}__");
        Ok(std::fs::read_dir(&dir)?
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(&prefix)))
    };
    while taken(version)? {
        version += 1;
    }
    let up_name = migration_file_name(version, &args.name, Direction::Up);
    let down_name = migration_file_name(version, &args.name, Direction::Down);
    // File names are limited to 255 bytes (NAME_MAX); refuse before writing anything.
    if down_name.len() > MAX_FILE_NAME {
        let longest = MAX_FILE_NAME - (down_name.len() - args.name.len());
        anyhow::bail!(
            "the name is {} characters long, but file names are limited to {MAX_FILE_NAME} bytes: with the version \
             and `.down.sql` the name can be at most {longest} characters; choose a shorter name; nothing was created",
            args.name.len()
        );
    }
    let up = dir.join(&up_name);
    let down = dir.join(&down_name);
    let up_text = format!("-- {}: write the change here.\n", args.name);
    let down_text = format!("-- Revert {}: undo the change of {up_name}.\n", args.name);
    create_new(&up, &up_text)?;
    if let Err(error) = create_new(&down, &down_text) {
        // Never leave an up script without its down script.
        let _ = std::fs::remove_file(&up);
        return Err(error.context(format!(
            "removed {} again; nothing was created",
            up.display()
        )));
    }
    outln!("created {}", up.display());
    outln!("created {}", down.display());
    if project.is_embedded() {
        outln!("write the SQL, then rebuild (`cargo build`) so the binary embeds it");
    } else {
        outln!(
            "write the SQL, then run `pgbake migrate` (and `cargo build` for the typed queries)"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The longest file name most file systems accept (NAME_MAX).
const MAX_FILE_NAME: usize = 255;

/// Writes `text` to a file that must not exist yet.
fn create_new(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

async fn down(args: DownArgs, project: &Project) -> anyhow::Result<ExitCode> {
    let target = match (args.target.to, args.target.steps, args.target.all) {
        (Some(version), _, _) => RevertTarget::To(version),
        (None, Some(steps), _) => RevertTarget::Steps(steps),
        (None, None, true) => RevertTarget::All,
        (None, None, false) => unreachable!("clap requires --to, --steps or --all"),
    };
    let config = super::database::migration_config().await?;
    let migrations = project.migrations()?;
    let mut client = crate::connect_direct(&config).await?;
    // Checked before anything changes: the target is applied, and every migration to
    // revert has a down script.
    let plan = crate::plan_revert(&client, migrations, target).await?;
    if plan.is_empty() {
        outln!("{}: nothing to revert", config.display_target());
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{}: plan: revert {} migration(s), newest first:",
        config.display_target(),
        plan.len()
    );
    for migration in &plan {
        outln!("  {}", migration.label());
    }
    if args.dry_run {
        outln!("dry run: nothing was changed");
        return Ok(ExitCode::SUCCESS);
    }
    if super::is_production() {
        anyhow::bail!(
            "refusing to revert {} migration(s): PGBAKE_ENV is production, where `migrate down` never runs; \
             undo the change with a new migration, or run the revert from a session without PGBAKE_ENV=production \
             if you mean it; nothing was changed",
            plan.len()
        );
    }
    if plan.len() > 1 && !args.yes {
        anyhow::bail!(
            "refusing to revert {} migrations without --yes (the plan is above); nothing was changed",
            plan.len()
        );
    }
    let reverted = crate::revert(
        &mut client,
        migrations,
        target,
        Duration::from_secs(args.lock_timeout),
    )
    .await?;
    for migration in &reverted {
        outln!(
            "reverted V{}__{} in {:.1} ms",
            migration.version,
            migration.name,
            migration.duration.as_secs_f64() * 1000.0
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn baseline(args: BaselineArgs, project: &Project) -> anyhow::Result<ExitCode> {
    let config = super::database::migration_config().await?;
    let migrations = project.migrations()?;
    let mut client = crate::connect_direct(&config).await?;
    let marked = crate::baseline(
        &mut client,
        migrations,
        args.version,
        Duration::from_secs(60),
    )
    .await?;
    for migration in &marked {
        outln!("marked {} as applied (not run)", migration.label());
    }
    outln!(
        "{}: baselined at V{}",
        config.display_target(),
        args.version
    );
    Ok(ExitCode::SUCCESS)
}

async fn check(project: &Project) -> anyhow::Result<ExitCode> {
    let config = super::database::migration_config().await?;
    let migrations = project.migrations()?;
    // A line per migration on a terminal; a summary only otherwise (logs, CI).
    let on_terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut report = |step: &crate::CheckStep| {
        if on_terminal {
            errln!(
                "[{}/{}] {} checked, {} failed so far ({:.1} s)",
                step.done,
                step.total,
                step.migration,
                step.failed,
                step.elapsed.as_secs_f64()
            );
        }
    };
    let started = std::time::Instant::now();
    let results = crate::check_migrations_with_progress(&config, migrations, &mut report).await?;
    let mut failed = 0;
    for result in &results {
        match &result.difference {
            None => outln!("ok    {}", result.name),
            Some(difference) => {
                failed += 1;
                outln!("FAIL  {}\n{}", result.name, indent(difference));
            }
        }
    }
    outln!(
        "{} check(s) of {} migration(s), {failed} failed, in {:.1} s (scratch databases on {})",
        results.len(),
        migrations.len(),
        started.elapsed().as_secs_f64(),
        config.display_target()
    );
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("      {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

//! `pgbake migrate diff` (the migration from what `sql/migrations/` leave to what
//! `sql/schema/` declares, without a database) and `pgbake migrate drift` (what someone
//! changed by hand on a live database).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use pgbake_codegen::schema::{DiffOptions, compare, load_both, plan_files};
use pgbake_codegen::{Direction, migration_file_name, suggest_name, validate_name};

use crate::{EmbeddedMigration, Migrator};

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Migration name: lowercase letters, digits and `_` (not needed with --check).
    #[arg(required_unless_present = "check")]
    name: Option<String>,
    /// Write nothing; exit 1 and list the differences when there are any (for CI).
    #[arg(long)]
    check: bool,
    /// Drop tables, columns and types that sql/schema/ no longer declares (their data is lost).
    #[arg(long)]
    allow_drop: bool,
    /// A rename instead of a drop and an add: `table=new_table` or `table.column=new_column`.
    #[arg(long, value_name = "OLD=NEW")]
    rename: Vec<String>,
}

pub fn diff(args: DiffArgs, sql: &Path) -> anyhow::Result<ExitCode> {
    let (old, new) = load_both(sql)?;
    if args.check {
        let differences = pgbake_codegen::schema::differences(sql)?;
        if differences.is_empty() {
            outln!(
                "{}/schema matches {}/migrations",
                sql.display(),
                sql.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        for difference in &differences {
            outln!("differs: {difference}");
        }
        outln!(
            "{} difference(s) between {1}/migrations and {1}/schema; run `pgbake migrate diff <name>` to write the migration",
            differences.len(),
            sql.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    let name = args.name.clone().unwrap_or_default();
    if let Err(error) = validate_name(&name) {
        anyhow::bail!(
            "{error}; nothing was written (try `pgbake migrate diff {}`)",
            suggest_name(&name)
        );
    }
    let mut renames = Vec::new();
    for rename in &args.rename {
        let Some((from, to)) = rename.split_once('=') else {
            anyhow::bail!(
                "--rename {rename}: write it as table=new_table or table.column=new_column"
            );
        };
        renames.push((from.trim().to_lowercase(), to.trim().to_lowercase()));
    }
    let options = DiffOptions {
        allow_drop: args.allow_drop,
        renames,
    };
    let steps = match compare(&old, &new, &options) {
        Ok(steps) => steps,
        Err(refusals) => {
            for refusal in &refusals {
                errln!("refused: {}; {}", refusal.change, refusal.hint);
            }
            anyhow::bail!(
                "{} change(s) need your word; nothing was written",
                refusals.len()
            );
        }
    };
    let files = plan_files(&steps);
    if files.is_empty() {
        outln!(
            "{0}/schema matches {0}/migrations: nothing to write",
            sql.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    for step in steps
        .iter()
        .filter(|s| !s.description.is_empty() && !s.up.is_empty())
    {
        outln!("  {}", step.description);
    }
    let dir = sql.join("migrations");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut version: i64 = chrono::Utc::now()
        .format("%Y%m%d%H%M%S")
        .to_string()
        .parse()?;
    let taken = |version: i64| {
        let prefix = format!("V{version}__");
        std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .flatten()
                    .any(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            })
            .unwrap_or(false)
    };
    let mut written = Vec::new();
    for file in &files {
        while taken(version) {
            version += 1;
        }
        let file_name = format!("{name}{}", file.suffix);
        for (direction, text) in [(Direction::Up, &file.up), (Direction::Down, &file.down)] {
            let path = dir.join(migration_file_name(version, &file_name, direction));
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            outln!("created {}", path.display());
            written.push(path);
        }
        version += 1;
    }
    if files.len() > 1 {
        outln!(
            "the change takes {} migrations: they run in this order, each with its down script",
            files.len()
        );
    }
    outln!(
        "review them, run `pgbake lint --deny`, then rebuild (`cargo build`) so the binary embeds them"
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub struct DriftArgs {}

/// Compares the live database with a scratch database on the same server migrated with the
/// embedded migrations: both through `pg_dump --schema-only`, so both sides are printed by
/// the same server and compare line by line.
pub async fn drift(
    _args: DriftArgs,
    migrations: &'static [EmbeddedMigration],
) -> anyhow::Result<ExitCode> {
    let config = super::database::migration_config().await?;
    let live = crate::schema_dump(&config)?;
    let admin = crate::connect_direct(&config.with_database("postgres")).await?;
    let scratch = format!("pgbake_drift_{}", uuid::Uuid::new_v4().simple());
    admin
        .batch_execute(&format!("CREATE DATABASE \"{scratch}\" TEMPLATE template0"))
        .await
        .context("cannot create a scratch database to migrate (the role needs CREATEDB)")?;
    let expected = async {
        let scratch_config = config.with_database(&scratch);
        Migrator::new(migrations)
            .run_on(&mut crate::connect_direct(&scratch_config).await?)
            .await?;
        crate::schema_dump(&scratch_config)
    }
    .await;
    admin
        .batch_execute(&format!(
            "DROP DATABASE IF EXISTS \"{scratch}\" WITH (FORCE)"
        ))
        .await
        .with_context(|| format!("cannot drop the scratch database {scratch}; drop it by hand"))?;
    let expected = expected?;
    let changes = drift_lines(&expected, &live);
    if changes.is_empty() {
        outln!(
            "{}: the schema is what the migrations make",
            config.display_target()
        );
        return Ok(ExitCode::SUCCESS);
    }
    for change in &changes {
        outln!("{change}");
    }
    outln!(
        "{}: {} difference(s) from what the migrations make (- expected, + found); put them in a migration or undo them",
        config.display_target(),
        changes.len()
    );
    Ok(ExitCode::FAILURE)
}

/// The lines of two dumps that differ, each with the statement it belongs to
/// (`+ in CREATE TABLE public.users: nickname text`).
pub fn drift_lines(expected: &str, actual: &str) -> Vec<String> {
    let with_context = |dump: &str| -> Vec<String> {
        let mut statement = String::new();
        dump.lines()
            .map(|line| {
                let context = statement.clone();
                if !line.starts_with(' ') && !line.starts_with(')') {
                    statement = line
                        .trim_end_matches(" (")
                        .trim_end_matches(';')
                        .to_string();
                }
                if line.starts_with(' ') {
                    format!("in {context}: {}", line.trim().trim_end_matches(','))
                } else {
                    line.trim_end_matches(';').to_string()
                }
            })
            .filter(|l| l != ")")
            .collect()
    };
    let expected = with_context(expected);
    let actual = with_context(actual);
    let mut lines: Vec<String> = expected
        .iter()
        .filter(|l| !actual.contains(l))
        .map(|l| format!("- {l}"))
        .collect();
    lines.extend(
        actual
            .iter()
            .filter(|l| !expected.contains(l))
            .map(|l| format!("+ {l}")),
    );
    lines
}
